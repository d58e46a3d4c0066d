import { Link, useLocation, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useViews } from '../api/search-views-api';
import '../search-views.css';

/** A module's saved views under its link in the sidebar. */
export function SidebarViews({ module }: { module: string }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const views = useViews(tenantId);
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const here = location.pathname === paths.module(tenantId, module);
  const mine = (views.data?.views ?? []).filter((view) => view.module === module);
  if (mine.length === 0) return null;
  return (
    <ul className="sidebar-views" aria-label={t('searchViews.views.sidebar')}>
      {mine.map((view) => {
        const active = here && searchParams.get('view') === view.id;
        return (
          <li key={view.id}>
            <Link to={`${paths.module(tenantId, module)}?view=${encodeURIComponent(view.id)}`} className={`sidebar-sublink${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined} data-testid="sidebar-view">
              {view.name}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
