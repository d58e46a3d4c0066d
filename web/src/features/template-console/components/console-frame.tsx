import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LanguageSelect } from '../../../components/language-select';
import { useBackend } from '../../../lib/firebase/backend-context';
import { paths } from '../../../lib/routes';
import '../console.css';

/** The console's own frame: platform tooling, not a tenant's workspace. */
export function ConsoleFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { user, signOut } = useBackend();
  return (
    <div className="console-shell">
      <header className="topbar console-topbar">
        <div className="topbar-tenant">
          <Link to={paths.console()} className="brand console-brand">
            <span className="brand-mark" aria-hidden="true">C</span>
            <span>{t('templateConsole.title')}</span>
          </Link>
          <Link to={paths.tenants()} className="topbar-switch">
            {t('templateConsole.toTenants')}
          </Link>
        </div>
        <div className="topbar-right">
          <LanguageSelect />
          <span className="topbar-email">{user.email}</span>
          {signOut ? (
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </button>
          ) : null}
        </div>
      </header>
      <main className="console-content">{children}</main>
    </div>
  );
}

/** What the console shows when the server refuses (no platform role): its message, not just a hidden page. */
export function ConsoleRefusal({ message }: { message: string }) {
  const { t } = useTranslation();
  return (
    <div className="card console-refused" role="alert" data-testid="console-refused">
      <h1>{t('templateConsole.title')}</h1>
      <p>{t('templateConsole.refused')}</p>
      <p className="muted small">{message}</p>
      <Link to={paths.tenants()} className="btn btn-ghost">
        {t('templateConsole.toTenants')}
      </Link>
    </div>
  );
}
