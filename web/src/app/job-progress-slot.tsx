import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, Spinner } from '../components/status-views';
import { toUserError } from '../lib/api/to-user-error';
import { useTenantSession } from '../lib/tenant/tenant-session';
import { JobProgress } from '../features/jobs/job-progress';
import { useJob } from '../features/jobs/jobs-api';

/**
 * A job's progress for features that start one (features do not import each
 * other, so the route table hands this to them): calls `onDone` when it ends well.
 */
export function JobProgressSlot({ jobId, title, onDone }: { jobId: string; title: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const job = useJob(tenantId, jobId);
  const status = job.data?.status;
  useEffect(() => {
    if (status === 'done') onDone();
  }, [status, onDone]);
  if (job.isPending) return <Spinner />;
  if (job.isError) return <ErrorBanner message={toUserError(job.error).message} onRetry={() => void job.refetch()} />;
  return (
    <div className="card" data-testid="job-progress-slot">
      <h2>{title}</h2>
      <JobProgress tenantId={tenantId} job={job.data} canCancel={false} />
      {job.data.status === 'failed' ? <ErrorBanner message={job.data.error?.message ?? t('errors.generic')} /> : null}
    </div>
  );
}
