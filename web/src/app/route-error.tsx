import { Link, useRouteError } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorBanner } from '../components/status-views';

export function RouteError({ notFound = false }: { notFound?: boolean }) {
  const { t } = useTranslation();
  const error = useRouteError();
  // A lazy chunk that fails to load (new deploy, offline) is the common case here.
  if (error) console.error(error);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <ErrorBanner message={notFound ? t('errors.notFound') : t('errors.generic')} onRetry={notFound ? undefined : () => window.location.reload()} />
        <Link to="/" className="btn btn-ghost">
          {t('app.back')}
        </Link>
      </div>
    </main>
  );
}
