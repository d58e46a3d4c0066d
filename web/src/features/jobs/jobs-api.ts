import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ZCancelJobRequestSchema,
  ZCancelJobResponseSchema,
  ZGetJobRequestSchema,
  ZGetJobResponseSchema,
  ZListJobsRequestSchema,
  ZListJobsResponseSchema,
  type TJobView,
} from '@crm/api/job-schemas.js';
import { createCaller } from '../../lib/api/call-crm';
import { useBackend } from '../../lib/firebase/backend-context';

const callJobs = createCaller({
  crmGetJob: { request: ZGetJobRequestSchema, response: ZGetJobResponseSchema },
  crmListJobs: { request: ZListJobsRequestSchema, response: ZListJobsResponseSchema },
  crmCancelJob: { request: ZCancelJobRequestSchema, response: ZCancelJobResponseSchema },
});

export type JobView = TJobView;

const jobKey = (tenantId: string, jobId: string) => ['crm', tenantId, 'jobs', jobId] as const;

export function isJobFinished(job: Pick<JobView, 'status'>): boolean {
  return job.status === 'done' || job.status === 'failed' || job.status === 'cancelled';
}

/** A job, polled every second while it runs (anyone who may see it watches the same progress). */
export function useJob(tenantId: string, jobId: string | null) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: jobKey(tenantId, jobId ?? ''),
    enabled: jobId !== null,
    queryFn: async () => (await callJobs(functions, 'crmGetJob', { tenantId, jobId: jobId! })).job,
    refetchInterval: (query) => (query.state.data && isJobFinished(query.state.data) ? false : 1_000),
  });
}

/** Recent jobs of a module (and kind), newest first: lets a page pick up a job started in another tab. */
export function useRecentJobs(tenantId: string, filter: { module?: string; kind?: string }) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['crm', tenantId, 'jobs', 'recent', filter],
    queryFn: async () => (await callJobs(functions, 'crmListJobs', { tenantId, ...filter, limit: 10 })).jobs,
  });
}

export function useCancelJob(tenantId: string) {
  const { functions } = useBackend();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (jobId: string) => (await callJobs(functions, 'crmCancelJob', { tenantId, jobId })).job,
    onSuccess: (job) => queryClient.setQueryData(jobKey(tenantId, job.id), job),
  });
}

/**
 * Rows per second and seconds left, from the job's own timestamps: start to
 * the last checkpoint (`updatedAt`), so it is what the server measured, not a
 * guess of the browser's clock. Null until there is something to measure.
 */
export function jobRate(job: JobView): { perSecond: number; secondsLeft: number | null } | null {
  if (!job.startedAt || job.progress.done === 0) return null;
  const end = Date.parse(job.finishedAt ?? job.updatedAt);
  const seconds = Math.max(0.001, (end - Date.parse(job.startedAt)) / 1000);
  const perSecond = job.progress.done / seconds;
  const { total } = job.progress;
  const secondsLeft = total !== null && !isJobFinished(job) && perSecond > 0 ? Math.max(0, (total - job.progress.done) / perSecond) : null;
  return { perSecond, secondsLeft };
}
