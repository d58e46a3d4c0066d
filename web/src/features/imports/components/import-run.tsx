import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ConfirmButton } from '../../../components/dialog';
import { ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { paths } from '../../../lib/routes';
import { resolveFileUrl, useBackend } from '../../../lib/firebase/backend-context';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { isJobFinished, type JobsKit } from './jobs-kit';
import { useErrorFile, useRevertImport } from '../api/imports-api';

/**
 * A running or finished import: the job's live progress (polled from the
 * server, so anyone with access sees the same bar), then its counts, the
 * failed rows as a CSV and the revert.
 */
export function ImportRun({ jobId, module, jobs }: { jobId: string; module: string; jobs: JobsKit }) {
  const { useJob, JobProgress } = jobs;
  const { t } = useTranslation();
  const session = useTenantSession();
  const { tenantId, bootstrap } = session;
  const backend = useBackend();
  const job = useJob(tenantId, jobId);
  const errorFile = useErrorFile(tenantId);
  const revert = useRevertImport(tenantId);
  const [revertJobId, setRevertJobId] = useState<string | null>(null);
  const data = job.data ?? null;
  const counts = data?.progress.counts ?? {};
  const finished = data !== null && isJobFinished(data);
  // The server decides (creator or admin); this only hides a button it would refuse.
  const mayManage = data !== null && (data.createdBy === bootstrap.user.uid || bootstrap.canManageConfiguration);
  const hasErrors = typeof data?.result?.errorFile === 'string';

  const download = () =>
    errorFile.mutate(jobId, {
      onSuccess: ({ url, fileName }) => {
        const link = document.createElement('a');
        link.href = resolveFileUrl(backend, url);
        link.download = fileName;
        link.rel = 'noopener';
        document.body.append(link);
        link.click();
        link.remove();
      },
    });

  return (
    <section className="card" aria-labelledby="import-run-title" data-testid="import-run">
      <h2 id="import-run-title" className="card-title">{t('imports.run.title')}</h2>
      {job.isError ? <ErrorBanner message={toUserError(job.error).message} /> : null}
      {data ? (
        <>
          <p className="small">{data.status === 'queued' ? t('imports.run.queued') : data.status === 'running' ? t('imports.run.running') : null}</p>
          <JobProgress tenantId={tenantId} job={data} canCancel={mayManage} />
          {finished ? (
            <dl className="import-result-counts" data-testid="import-counts">
              <div><dt>{t('imports.run.created')}</dt><dd data-testid="count-created">{counts.created ?? 0}</dd></div>
              <div><dt>{t('imports.run.updated')}</dt><dd data-testid="count-updated">{counts.updated ?? 0}</dd></div>
              <div><dt>{t('imports.run.unchanged')}</dt><dd>{counts.unchanged ?? 0}</dd></div>
              <div><dt>{t('imports.run.failedRows')}</dt><dd data-testid="count-failed">{counts.failed ?? 0}</dd></div>
            </dl>
          ) : null}
          {data.status === 'done' ? <p data-testid="import-done">{t('imports.run.done')}</p> : null}
          {data.status === 'cancelled' ? <p>{t('imports.run.cancelled')}</p> : null}
          {finished && hasErrors && mayManage ? (
            <div className="page-actions">
              <button type="button" className="btn" onClick={download} disabled={errorFile.isPending} data-testid="download-errors">
                {t('imports.run.downloadErrors')}
              </button>
              <span className="muted small">{t('imports.run.errorsHint')}</span>
            </div>
          ) : null}
          {errorFile.isError ? <ErrorBanner message={toUserError(errorFile.error).message} /> : null}
          {finished && mayManage && revertJobId === null && ((counts.created ?? 0) > 0 || (counts.updated ?? 0) > 0) ? (
            <ConfirmButton
              className="btn btn-danger"
              testId="revert-import"
              title={t('imports.run.revertTitle')}
              description={t('imports.run.revertDescription')}
              confirmLabel={t('imports.run.revertConfirm')}
              disabled={revert.isPending}
              onConfirm={() => revert.mutate(jobId, { onSuccess: (result) => setRevertJobId(result.jobId) })}
            >
              {t('imports.run.revert')}
            </ConfirmButton>
          ) : null}
          {revert.isError ? <ErrorBanner message={toUserError(revert.error).message} /> : null}
        </>
      ) : null}
      {revertJobId ? <RevertRun tenantId={tenantId} jobId={revertJobId} jobs={jobs} /> : null}
      <div className="page-actions">
        <Link to={paths.module(tenantId, module)} className="btn">
          {t('imports.run.backToList')}
        </Link>
        <Link to={paths.importRecords(tenantId, module)} className="btn" reloadDocument>
          {t('imports.run.another')}
        </Link>
      </div>
    </section>
  );
}

function RevertRun({ tenantId, jobId, jobs }: { tenantId: string; jobId: string; jobs: JobsKit }) {
  const { t } = useTranslation();
  const { useJob, JobProgress } = jobs;
  const job = useJob(tenantId, jobId);
  const data = job.data ?? null;
  const result = (data?.result ?? null) as { deleted?: number; restored?: number; conflicts?: number; conflictNumbers?: string[] } | null;
  return (
    <div data-testid="revert-run">
      <h3 className="card-title">{t('imports.run.reverting')}</h3>
      {data ? <JobProgress tenantId={tenantId} job={data} canCancel={false} /> : null}
      {data?.status === 'done' && result ? (
        <>
          <p data-testid="revert-done">{t('imports.run.revertDone', { deleted: result.deleted ?? 0, restored: result.restored ?? 0 })}</p>
          {(result.conflicts ?? 0) > 0 ? (
            <p className="small" data-testid="revert-conflicts">
              {t('imports.run.revertConflicts', { count: result.conflicts ?? 0, numbers: (result.conflictNumbers ?? []).join(', ') })}
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
