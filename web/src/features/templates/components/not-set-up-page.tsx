import { useTranslation } from 'react-i18next';
import { useTenantSession } from '../../../lib/tenant/tenant-session';

/** Members cannot choose a template; tell them who can, instead of an empty workspace. */
export function NotSetUpPage({ onSignOut }: { onSignOut: (() => void) | null }) {
  const { t } = useTranslation();
  const { bootstrap } = useTenantSession();
  return (
    <main className="auth-page">
      <div className="auth-card" data-testid="not-set-up">
        <div className="notice-illustration" aria-hidden="true">
          <svg viewBox="0 0 48 48" width="56" height="56" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            <circle cx="24" cy="24" r="18" />
            <path d="M24 14v12M24 32v.5" />
          </svg>
        </div>
        <h1>{t('setup.notReadyTitle')}</h1>
        <p className="muted">{t('setup.notReadyBody', { tenant: bootstrap.tenant.name })}</p>
        {onSignOut ? (
          <button type="button" className="btn btn-ghost" onClick={onSignOut}>
            {t('auth.signOut')}
          </button>
        ) : null}
      </div>
    </main>
  );
}
