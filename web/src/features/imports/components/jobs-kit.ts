import type { ComponentType } from 'react';
import type { TJobView } from '@crm/api/job-schemas.js';

/**
 * What the import screens need from the jobs feature (polling a job, its
 * progress bar). Features do not import each other: the route (app layer)
 * hands these in.
 */
export interface JobsKit {
  readonly useJob: (tenantId: string, jobId: string | null) => { readonly data?: TJobView | undefined; readonly isError: boolean; readonly error: unknown };
  readonly JobProgress: ComponentType<{ tenantId: string; job: TJobView; canCancel: boolean }>;
}

export type JobView = TJobView;

export function isJobFinished(job: Pick<TJobView, 'status'>): boolean {
  return job.status === 'done' || job.status === 'failed' || job.status === 'cancelled';
}
