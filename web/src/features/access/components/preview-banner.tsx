import '../access.css';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { getPreviewRole, setPreviewRole, subscribePreviewRole } from '../../../lib/api/preview-role';
import { paths } from '../../../lib/routes';
import { tenantKey } from '../../../lib/tenant/bootstrap-query';
import { useTenantSession } from '../../../lib/tenant/tenant-session';

/** Shown above every screen while an admin previews the CRM as another role; ends the preview. */
export function PreviewBanner() {
  const { t } = useTranslation();
  const role = useSyncExternalStore(subscribePreviewRole, getPreviewRole, () => null);
  const session = useTenantSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  if (role === null) return null;
  const exit = () => {
    setPreviewRole(null);
    client.removeQueries({ queryKey: tenantKey(session.tenantId) });
    void navigate(paths.accessPermissions(session.tenantId));
  };
  return (
    <div className="preview-banner" role="status" data-testid="preview-banner">
      <span>{t('access.preview.banner', { role: t(`access.roles.${role}`) })}</span>
      <button type="button" className="btn btn-sm" onClick={exit} data-testid="preview-exit">
        {t('access.preview.exit')}
      </button>
    </div>
  );
}
