import { useTranslation } from 'react-i18next';

export function DraftBadge({ valid, errorCount }: { valid: boolean; errorCount: number }) {
  const { t } = useTranslation();
  return valid ? (
    <span className="badge badge-valid">{t('templateConsole.valid')}</span>
  ) : (
    <span className="badge badge-danger">{t('templateConsole.errorCount', { count: errorCount })}</span>
  );
}
