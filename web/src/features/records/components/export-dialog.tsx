import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/dialog';
import { toUserError } from '../../../lib/api/to-user-error';
import { useDownloadExport, useStartExport, viewOfList } from '../api/export-bulk-api';
import type { ListParams } from '../api/records-api';
import { JobWatch } from './job-watch';

/**
 * Export of the current view (its filters, search, sort and columns) or of
 * the whole module, to CSV or XLSX, formatted for people or raw. The export
 * runs as a job on the server; the dialog follows its progress and offers the
 * download when it is done. Shown only to roles with the `export` right (the
 * server checks it again).
 */
export function ExportDialog({
  open,
  onClose,
  tenantId,
  params,
  columns,
}: {
  open: boolean;
  onClose: () => void;
  tenantId: string;
  params: ListParams;
  columns: readonly string[];
}) {
  const { t, i18n } = useTranslation();
  const [scope, setScope] = useState<'view' | 'module'>('view');
  const [fileType, setFileType] = useState<'csv' | 'xlsx'>('csv');
  const [format, setFormat] = useState<'formatted' | 'raw'>('formatted');
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useStartExport();
  const download = useDownloadExport();
  const language = i18n.language.startsWith('es') ? 'es' : 'en';

  const submit = () => {
    start.mutate(
      {
        tenantId,
        module: params.module,
        ...(scope === 'view' ? { view: viewOfList(params), ...(columns.length > 0 ? { fields: [...columns] } : {}) } : {}),
        format,
        fileType,
        language,
      },
      { onSuccess: (id) => setJobId(id) },
    );
  };
  const close = () => {
    setJobId(null);
    start.reset();
    download.reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('exportBulk.export.title')}
      testId="export-dialog"
      onSubmit={(event) => {
        event.preventDefault();
        if (!jobId) submit();
      }}
      footer={
        jobId ? (
          <button type="button" className="btn btn-ghost" onClick={close} data-testid="export-close">
            {t('app.close')}
          </button>
        ) : (
          <>
            <button type="button" className="btn btn-ghost" onClick={close}>
              {t('app.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={start.isPending} data-testid="export-start">
              {t('exportBulk.export.start')}
            </button>
          </>
        )
      }
    >
      {jobId ? (
        <JobWatch
          tenantId={tenantId}
          jobId={jobId}
          renderResult={(job) => {
            const rows = typeof job.result?.rows === 'number' ? job.result.rows : 0;
            return (
              <div className="stack-sm">
                <p data-testid="export-done">{t('exportBulk.export.done', { count: rows })}</p>
                <button
                  type="button"
                  className="btn btn-primary"
                  onClick={() => download.mutate({ tenantId, jobId })}
                  disabled={download.isPending}
                  data-testid="export-download"
                >
                  {t('exportBulk.export.download')}
                </button>
                {download.isError ? <p className="form-error" role="alert">{toUserError(download.error).message}</p> : null}
              </div>
            );
          }}
        />
      ) : (
        <div className="stack">
          <fieldset className="choice-set">
            <legend>{t('exportBulk.export.scope')}</legend>
            <label className="check-row">
              <input type="radio" name="export-scope" checked={scope === 'view'} onChange={() => setScope('view')} data-testid="export-scope-view" />
              <span>{t('exportBulk.export.scopeView')}</span>
            </label>
            <label className="check-row">
              <input type="radio" name="export-scope" checked={scope === 'module'} onChange={() => setScope('module')} data-testid="export-scope-module" />
              <span>{t('exportBulk.export.scopeModule')}</span>
            </label>
          </fieldset>
          <fieldset className="choice-set">
            <legend>{t('exportBulk.export.fileType')}</legend>
            <label className="check-row">
              <input type="radio" name="export-type" checked={fileType === 'csv'} onChange={() => setFileType('csv')} data-testid="export-type-csv" />
              <span>{t('exportBulk.export.csv')}</span>
            </label>
            <label className="check-row">
              <input type="radio" name="export-type" checked={fileType === 'xlsx'} onChange={() => setFileType('xlsx')} data-testid="export-type-xlsx" />
              <span>{t('exportBulk.export.xlsx')}</span>
            </label>
          </fieldset>
          <fieldset className="choice-set">
            <legend>{t('exportBulk.export.format')}</legend>
            <label className="check-row">
              <input type="radio" name="export-format" checked={format === 'formatted'} onChange={() => setFormat('formatted')} data-testid="export-format-formatted" />
              <span>{t('exportBulk.export.formatted')}</span>
            </label>
            <label className="check-row">
              <input type="radio" name="export-format" checked={format === 'raw'} onChange={() => setFormat('raw')} data-testid="export-format-raw" />
              <span>{t('exportBulk.export.raw')}</span>
            </label>
          </fieldset>
          {start.isError ? (
            <p className="form-error" role="alert" data-testid="export-error">
              {toUserError(start.error).message}
            </p>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}
