import { Fragment, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Drawer } from '../../../components/dialog';
import { DisplayMenu } from '../../../components/display-menu';
import { LanguageSelect } from '../../../components/language-select';
import { ModuleIcon } from '../../../components/module-icon';
import { ThemeToggle } from '../../../components/theme-toggle';
import { usePlatformRole } from '../../../lib/auth/use-platform-role';
import { useBackend } from '../../../lib/firebase/backend-context';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { orderedModules, permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';

/** The frame every module screen lives in: sidebar from the tenant's config, top bar with who and where. */
/** `notice`: a slot above every screen, filled by the app (the upgrade banner) so this feature imports no other. */
/** `search`: the top bar's search box (the command palette); `moduleExtras`: what the sidebar lists under a module (its saved views). */
export function WorkspaceLayout({ notice, search, moduleExtras }: { notice?: ReactNode; search?: ReactNode; moduleExtras?: (module: string) => ReactNode } = {}) {
  const { t } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const { user, signOut, fixedTenantId } = useBackend();
  const { tenantId, bootstrap, config } = session;
  const modules = orderedModules(config).filter((module) => permissionsFor(session, module.slug).read !== 'none');
  const role = bootstrap.user.role ?? 'none';
  const platformRole = usePlatformRole();

  const [drawerOpen, setDrawerOpen] = useState(false);
  const closeDrawer = () => setDrawerOpen(false);
  const mainRef = useRef<HTMLElement>(null);

  const nav = (
    <>
      <Link to={paths.tenant(tenantId)} className="brand sidebar-brand">
        <span className="brand-mark" aria-hidden="true">C</span>
        <span>CRM Pro</span>
      </Link>
      <p className="sidebar-template">{config?.template.name}</p>
      <nav className="sidebar-nav">
        {modules.length > 0 ? (
          <NavLink to={paths.dashboard(tenantId)} className="sidebar-link" data-testid="open-dashboard">
            <ModuleIcon name="chart" label="" />
            <span>{t('shell.dashboard')}</span>
          </NavLink>
        ) : null}
        {modules.length > 0 ? <p className="sidebar-section">{t('shell.modules')}</p> : null}
        {modules.map((module) => {
          const moduleLabel = label(module.label_plural ?? module.label, module.slug);
          return (
            <Fragment key={module.slug}>
              <NavLink to={paths.module(tenantId, module.slug)} className="sidebar-link" data-testid={`nav-${module.slug}`}>
                <ModuleIcon name={module.icon} label={moduleLabel} />
                <span>{moduleLabel}</span>
              </NavLink>
              {moduleExtras?.(module.slug)}
            </Fragment>
          );
        })}
        {modules.length > 0 ? (
          <NavLink to={paths.tasks(tenantId)} className="sidebar-link" data-testid="open-tasks">
            <ModuleIcon name="task" label="" />
            <span>{t('shell.tasks')}</span>
          </NavLink>
        ) : null}
        {bootstrap.canManageConfiguration ? (
          <>
            <p className="sidebar-section">{t('shell.admin')}</p>
            <NavLink to={paths.adminFields(tenantId)} className="sidebar-link" data-testid="nav-admin-fields">
              <ModuleIcon name="settings" label="" />
              <span>{t('shell.customFields')}</span>
            </NavLink>
            <NavLink to={paths.adminNewModule(tenantId)} className="sidebar-link" data-testid="nav-admin-module">
              <ModuleIcon name="plus" label="" />
              <span>{t('shell.newModule')}</span>
            </NavLink>
            <NavLink to={paths.adminSettings(tenantId)} className="sidebar-link" data-testid="nav-admin-settings">
              <ModuleIcon name="settings" label="" />
              <span>{t('shell.settings')}</span>
            </NavLink>
            <NavLink to={paths.adminUpgrade(tenantId)} className="sidebar-link" data-testid="nav-admin-upgrade">
              <ModuleIcon name="file-text" label="" />
              <span>{t('shell.templateUpgrade')}</span>
            </NavLink>
            <NavLink to={paths.workflows(tenantId)} className="sidebar-link" data-testid="nav-admin-workflows">
              <ModuleIcon name="layers" label="" />
              <span>{t('shell.workflows')}</span>
            </NavLink>
            <NavLink to={paths.outbox(tenantId)} className="sidebar-link" data-testid="nav-admin-outbox">
              <ModuleIcon name="mail" label="" />
              <span>{t('shell.outbox')}</span>
            </NavLink>
            <NavLink to={paths.apiKeys(tenantId)} className="sidebar-link" data-testid="nav-admin-api-keys">
              <ModuleIcon name="settings" label="" />
              <span>{t('integrations.nav')}</span>
            </NavLink>
            <NavLink to={paths.webhooks(tenantId)} className="sidebar-link" data-testid="nav-admin-webhooks">
              <ModuleIcon name="layers" label="" />
              <span>{t('integrations.navWebhooks')}</span>
            </NavLink>
            <NavLink to={paths.accessPermissions(tenantId)} className="sidebar-link" data-testid="nav-admin-permissions">
              <ModuleIcon name="key" label="" />
              <span>{t('access.nav.permissions')}</span>
            </NavLink>
            <NavLink to={paths.auditLog(tenantId)} className="sidebar-link" data-testid="nav-admin-audit">
              <ModuleIcon name="file-text" label="" />
              <span>{t('access.nav.audit')}</span>
            </NavLink>
            <NavLink to={paths.duplicateRules(tenantId)} className="sidebar-link" data-testid="nav-admin-duplicates">
              <ModuleIcon name="layers" label="" />
              <span>{t('rollupsMerge.duplicates.rules.link')}</span>
            </NavLink>
          </>
        ) : null}
      </nav>
    </>
  );

  return (
    <div className="app-shell">
      <a
        href="#main-content"
        className="skip-link"
        onClick={(event) => {
          // The router owns the URL; move focus instead of navigating to a fragment.
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        {t('kit.skipToContent')}
      </a>
      <aside className="sidebar" aria-label={t('shell.modules')}>
        {nav}
      </aside>
      <Drawer open={drawerOpen} onClose={closeDrawer} label={t('kit.navigation')}>
        {/* A link chosen in the drawer navigates: close the drawer then, whichever link it was. */}
        <div
          className="sidebar sidebar-in-drawer"
          onClick={(event) => {
            if (event.target instanceof Element && event.target.closest('a')) closeDrawer();
          }}
        >
          <button type="button" className="drawer-close" onClick={closeDrawer} aria-label={t('app.close')}>
            ×
          </button>
          {nav}
          <div className="drawer-footer">
            {fixedTenantId === null ? (
              <Link to={paths.tenants()} className="sidebar-link">
                {t('shell.switchTenant')}
              </Link>
            ) : null}
            {platformRole !== null && fixedTenantId === null ? (
              <Link to={paths.console()} className="sidebar-link">
                {t('shell.templateConsole')}
              </Link>
            ) : null}
            <p className="drawer-user">{user.email}</p>
          </div>
        </div>
      </Drawer>
      <div className="main-column">
        <header className="topbar">
          <button type="button" className="btn btn-ghost btn-sm btn-icon menu-button" onClick={() => setDrawerOpen(true)} aria-label={t('kit.openNavigation')} aria-expanded={drawerOpen} data-testid="open-nav">
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
              <path d="M4 6h16M4 12h16M4 18h16" />
            </svg>
          </button>
          <div className="topbar-tenant">
            <span className="tenant-avatar tenant-avatar-sm" aria-hidden="true">
              {bootstrap.tenant.name.slice(0, 1).toUpperCase()}
            </span>
            <span className="topbar-tenant-name" data-testid="tenant-name">{bootstrap.tenant.name}</span>
            {fixedTenantId === null ? (
              <Link to={paths.tenants()} className="topbar-switch" title={t('shell.switchTenant')}>
                {t('shell.switchTenant')}
              </Link>
            ) : null}
          </div>
          {search ? <div className="topbar-search">{search}</div> : null}
          <div className="topbar-right">
            {platformRole !== null && fixedTenantId === null ? (
              <Link to={paths.console()} className="topbar-switch topbar-console" data-testid="open-template-console">
                {t('shell.templateConsole')}
              </Link>
            ) : null}
            <LanguageSelect />
            <ThemeToggle />
            <DisplayMenu />
            <div className="topbar-user">
              <span className="user-avatar" aria-hidden="true">
                {(user.email ?? '?').slice(0, 1).toUpperCase()}
              </span>
              <span className="topbar-email">{user.email}</span>
              <span className={`badge badge-role badge-${role}`} data-testid="user-role">
                {t(`tenants.role.${role}`)}
              </span>
            </div>
            {signOut ? (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void signOut()}>
                {t('auth.signOut')}
              </button>
            ) : null}
          </div>
        </header>
        <main className="content" id="main-content" ref={mainRef} tabIndex={-1}>
          {bootstrap.canManageConfiguration || bootstrap.preview ? notice : null}
          <Outlet />
        </main>
      </div>
    </div>
  );
}
