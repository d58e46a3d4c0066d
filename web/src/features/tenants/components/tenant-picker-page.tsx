import { Link, Navigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, FullPageSpinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { usePlatformRoleQuery } from '../../../lib/auth/use-platform-role';
import { useBackend } from '../../../lib/firebase/backend-context';
import { paths } from '../../../lib/routes';
import { useMyTenants } from '../api/use-my-tenants';

/** Standalone entry: straight into the only tenant, a choice when there are several. */
export function TenantPickerPage() {
  const { t } = useTranslation();
  const { user, signOut } = useBackend();
  const tenants = useMyTenants();
  const roleQuery = usePlatformRoleQuery();
  const platformRole = roleQuery.data ?? null;

  if (tenants.isPending || roleQuery.isPending) return <FullPageSpinner />;
  if (tenants.isError) {
    return (
      <main className="auth-page">
        <div className="auth-card">
          <ErrorBanner message={toUserError(tenants.error).message} onRetry={() => void tenants.refetch()} />
        </div>
      </main>
    );
  }
  const list = tenants.data.tenants;
  const only = list.length === 1 ? list[0] : undefined;
  // Platform users go through the picker even with one tenant: it is where the console link is.
  if (only && platformRole === null) return <Navigate to={paths.tenant(only.id)} replace />;

  return (
    <main className="auth-page">
      <div className="auth-card auth-card-wide">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">C</span>
          <span>CRM Pro</span>
        </div>
        <h1>{t('tenants.title')}</h1>
        {list.length === 0 ? <p className="muted">{t('tenants.none')}</p> : <p className="muted">{t('tenants.subtitle')}</p>}
        <ul className="tenant-list">
          {list.map((tenant) => (
            <li key={tenant.id}>
              <Link to={paths.tenant(tenant.id)} className="tenant-item" data-testid={`tenant-${tenant.id}`}>
                <span className="tenant-avatar" aria-hidden="true">
                  {tenant.name.slice(0, 1).toUpperCase()}
                </span>
                <span className="tenant-name">{tenant.name}</span>
                <span className="badge">{t(`tenants.role.${tenant.role ?? 'none'}`)}</span>
              </Link>
            </li>
          ))}
        </ul>
        {platformRole !== null ? (
          <Link to={paths.console()} className="btn btn-ghost btn-block" data-testid="open-template-console">
            {t('shell.templateConsole')}
          </Link>
        ) : null}
        <div className="auth-footer">
          <span className="muted">{user.email}</span>
          {signOut ? (
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </button>
          ) : null}
        </div>
      </div>
    </main>
  );
}
