import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ZGetJobRequestSchema, ZGetJobResponseSchema, type TJobView } from '@crm/api/job-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';

const callJobs = createCaller({ crmGetJob: { request: ZGetJobRequestSchema, response: ZGetJobResponseSchema } });

/**
 * Follows an export or bulk job: a progress bar while it runs (polled every
 * second), then the caller's result view, or the job's error.
 */
export function JobWatch({ tenantId, jobId, renderResult }: { tenantId: string; jobId: string; renderResult: (job: TJobView) => ReactNode }) {
  const { t } = useTranslation();
  const { functions } = useBackend();
  const query = useQuery({
    queryKey: ['crm', tenantId, 'jobs', jobId],
    queryFn: async () => (await callJobs(functions, 'crmGetJob', { tenantId, jobId })).job,
    refetchInterval: (current) => (current.state.data && ['done', 'failed', 'cancelled'].includes(current.state.data.status) ? false : 1000),
  });
  const job = query.data;
  if (query.isError) return <p className="form-error" role="alert">{toUserError(query.error).message}</p>;
  if (!job) return <p className="muted">{t('exportBulk.job.starting')}</p>;
  if (job.status === 'done') return <>{renderResult(job)}</>;
  if (job.status === 'failed') {
    return (
      <p className="form-error" role="alert" data-testid="job-failed">
        {t('exportBulk.job.failed', { message: job.error?.message ?? '' })}
      </p>
    );
  }
  if (job.status === 'cancelled') return <p role="status">{t('exportBulk.job.cancelled')}</p>;
  const { total, done } = job.progress;
  return (
    <div className="stack" data-testid="job-progress">
      <progress className="job-bar" max={total ?? undefined} value={total ? done : undefined} aria-label={t('exportBulk.job.progress')} />
      <p className="muted small" role="status">
        {total ? t('exportBulk.job.doneOfTotal', { done, total }) : t('exportBulk.job.doneSoFar', { count: done })}
      </p>
    </div>
  );
}
