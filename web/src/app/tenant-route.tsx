import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { Link, Navigate, Outlet, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorBanner, FullPageSpinner } from '../components/status-views';
import { toUserError } from '../lib/api/to-user-error';
import { useBackend } from '../lib/firebase/backend-context';
import { useTenantDefaultLanguage } from '../lib/i18n/init-i18n';
import { paths } from '../lib/routes';
import { bootstrapQuery } from '../lib/tenant/bootstrap-query';
import { orderedModules, permissionsFor, TenantSessionProvider, useTenantSession, type TenantSession } from '../lib/tenant/tenant-session';

const TemplateSelectionPage = lazy(async () => ({
  default: (await import('../features/templates/components/template-selection-page')).TemplateSelectionPage,
}));
const NotSetUpPage = lazy(async () => ({
  default: (await import('../features/templates/components/not-set-up-page')).NotSetUpPage,
}));

/**
 * Everything under /t/:tenantId: bootstrap once, then either first-launch
 * setup (template not chosen yet) or the workspace.
 */
export function TenantRoute() {
  const { t } = useTranslation();
  const { tenantId = '' } = useParams();
  const { functions, signOut, fixedTenantId } = useBackend();
  const bootstrap = useQuery(bootstrapQuery(functions, tenantId));
  useTenantDefaultLanguage(bootstrap.data?.config?.defaultLanguage);
  const session = useMemo<TenantSession | null>(
    () => (bootstrap.data ? { tenantId, bootstrap: bootstrap.data, config: bootstrap.data.config } : null),
    [tenantId, bootstrap.data],
  );

  if (bootstrap.isPending) return <FullPageSpinner />;
  if (!session) {
    return (
      <main className="auth-page">
        <div className="auth-card">
          <ErrorBanner message={toUserError(bootstrap.error).message} onRetry={() => void bootstrap.refetch()} />
          {fixedTenantId === null ? (
            <Link to={paths.tenants()} className="btn btn-ghost">
              {t('shell.switchTenant')}
            </Link>
          ) : null}
        </div>
      </main>
    );
  }
  return (
    <TenantSessionProvider value={session}>
      <Suspense fallback={<FullPageSpinner />}>
        {session.bootstrap.templateSelected ? (
          <Outlet />
        ) : session.bootstrap.canManageConfiguration ? (
          <TemplateSelectionPage />
        ) : (
          <NotSetUpPage onSignOut={signOut ? () => void signOut() : null} />
        )}
      </Suspense>
    </TenantSessionProvider>
  );
}

/** /t/:tenantId → the dashboard once there is a module the user may read (it falls back to the modules when there is none). */
export function TenantHome() {
  const { t } = useTranslation();
  const session = useTenantSession();
  const first = orderedModules(session.config).find((module) => permissionsFor(session, module.slug).read !== 'none');
  if (!first) {
    // A blank template starts with no modules: point admins at creating one.
    const canCreate = session.bootstrap.canManageConfiguration;
    return (
      <EmptyState
        title={canCreate ? t('shell.noModulesAdmin') : t('shell.noModules')}
        action={
          canCreate ? (
            <Link to={paths.adminNewModule(session.tenantId)} className="btn btn-primary" data-testid="create-first-module">
              {t('shell.newModule')}
            </Link>
          ) : undefined
        }
      />
    );
  }
  return <Navigate to={paths.dashboard(session.tenantId)} replace />;
}
