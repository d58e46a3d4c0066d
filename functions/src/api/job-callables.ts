import { canCancelJob, canWatchJob, requireWatchableJob } from '../services/jobs/job-access.js';
import type { JobDoc } from '../services/jobs/job-model.js';
import { CrmError, CRM_ERROR_CODES } from '../services/errors.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './job-schemas.js';

/** Progress of long-running work (imports, exports, bulk actions…), for the people who may see it. */
export const JOB_CALLABLES = {
  crmGetJob: defineTenant({
    request: schemas.ZGetJobRequestSchema,
    response: schemas.ZGetJobResponseSchema,
    handle: async ({ caller, services }, input) => ({ job: toJobView(await requireWatchableJob(services, caller, input.jobId)) }),
  }),

  crmListJobs: defineTenant({
    request: schemas.ZListJobsRequestSchema,
    response: schemas.ZListJobsResponseSchema,
    handle: async ({ caller, services }, input) => {
      const jobs = await services.jobs.list(caller.tenantId, {
        ...(input.module !== undefined ? { module: input.module } : {}),
        ...(input.kind !== undefined ? { kind: input.kind } : {}),
        limit: input.limit ?? 20,
      });
      const visible = [];
      for (const job of jobs) if (await canWatchJob(services, caller, job)) visible.push(toJobView(job));
      return { jobs: visible };
    },
  }),

  crmCancelJob: defineTenant({
    request: schemas.ZCancelJobRequestSchema,
    response: schemas.ZCancelJobResponseSchema,
    handle: async ({ caller, services }, input) => {
      const job = await requireWatchableJob(services, caller, input.jobId);
      if (!canCancelJob(caller, job)) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only the person who started this job, or an admin, may cancel it.', [], {
          messageKey: 'errors.job.cancelForbidden',
        });
      }
      return { job: toJobView(await services.jobs.requestCancel(caller.tenantId, job.id)) };
    },
  }),
} as const;

export function toJobView(job: JobDoc): schemas.TJobView {
  return {
    id: job.id,
    kind: job.kind,
    module: job.module,
    status: job.status,
    createdBy: job.createdBy,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    progress: job.progress,
    cancelRequested: job.cancelRequested,
    error: job.error,
    result: job.result,
  };
}
