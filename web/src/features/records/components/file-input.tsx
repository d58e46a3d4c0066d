import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBackend } from '../../../lib/firebase/backend-context';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import type { FileValue } from '../forms/record-form-schema';

/**
 * Uploads to Cloud Storage under the tenant's folder when a bucket is
 * configured; otherwise says so plainly instead of offering a dead button.
 */
export function FileInput({ module, value, onChange, testId }: { module: string; value: FileValue | null; onChange: (value: FileValue | null) => void; testId: string }) {
  const { t } = useTranslation();
  const { app, storage } = useBackend();
  const { tenantId } = useTenantSession();
  const [uploading, setUploading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  if (!storage) {
    return (
      <div className="file-input" data-testid={testId}>
        {value ? <span className="pill">{value.name}</span> : null}
        <p className="notice small" data-testid="file-not-configured">
          {t('records.fileNotConfigured')}
        </p>
      </div>
    );
  }

  const upload = async (file: File) => {
    setUploading(true);
    setFailure(null);
    try {
      // Loaded only when someone uploads: Storage is not part of the first screen.
      const { getStorage, ref, uploadBytes, connectStorageEmulator } = await import('firebase/storage');
      const instance = getStorage(app);
      if (storage.emulatorUrl) {
        const url = new URL(storage.emulatorUrl);
        try {
          connectStorageEmulator(instance, url.hostname, Number(url.port));
        } catch {
          // Already connected by an earlier upload.
        }
      }
      const path = `crm/${tenantId}/${module}/${crypto.randomUUID()}/${file.name}`;
      await uploadBytes(ref(instance, path), file, { contentType: file.type || 'application/octet-stream' });
      onChange({ name: file.name, path, size: file.size, ...(file.type ? { content_type: file.type } : {}) });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setUploading(false);
    }
  };

  return (
    <div className="file-input" data-testid={testId}>
      {value ? (
        <span className="pill">
          {value.name}
          <button type="button" className="chip-remove" onClick={() => onChange(null)} aria-label={t('records.clear')}>
            ×
          </button>
        </span>
      ) : null}
      <label className="btn btn-ghost btn-sm">
        {uploading ? t('records.fileUploading') : t('records.fileUpload')}
        <input type="file" hidden disabled={uploading} onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void upload(file);
        }} />
      </label>
      {failure ? <span className="field-error">{failure}</span> : null}
    </div>
  );
}
