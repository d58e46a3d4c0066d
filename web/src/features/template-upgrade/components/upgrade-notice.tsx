import { Link, useMatch } from 'react-router';
import { useTranslation } from 'react-i18next';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useUpgradeStatus } from '../api/upgrade-api';
import '../upgrade.css';

/**
 * The banner owners and admins see above every screen when their template
 * has a newer version, or while their records are being migrated. Members
 * never get it (the layout leaves the slot empty, and the server would
 * refuse the status call anyway).
 */
export function UpgradeNotice() {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const onUpgradePage = useMatch('/t/:tenantId/admin/upgrade') !== null;
  const status = useUpgradeStatus(tenantId);
  const data = status.data;
  if (!data || onUpgradePage) return null;
  const migration = data.migration?.status === 'running' ? data.migration : null;
  if (!data.upgradeAvailable && !migration) return null;
  return (
    <div className="upgrade-banner" role="status" data-testid="upgrade-banner">
      <span className="upgrade-banner-icon" aria-hidden="true">↑</span>
      <p>
        {migration
          ? t('upgrade.migrating', { version: migration.toVersion, percent: Math.round(migration.percent) })
          : t('upgrade.available', { name: data.template?.name ?? '', version: data.latestVersion ?? '', current: data.template?.version ?? '' })}
      </p>
      <Link to={paths.adminUpgrade(tenantId)} className="btn btn-primary btn-sm" data-testid="review-upgrade">
        {t('upgrade.review')}
      </Link>
    </div>
  );
}
