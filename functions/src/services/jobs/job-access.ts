import { canManageConfiguration, resolveAccessScope } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import type { JobDoc } from './job-model.js';

/**
 * Who may watch a job: its creator, tenant admins, and anyone who may read
 * the module it works on (an import's progress is visible to the team that
 * will see its records). A job without a module is its creator's and the
 * admins' only.
 */
export async function canWatchJob(services: Services, caller: Caller, job: JobDoc): Promise<boolean> {
  if (job.createdBy === caller.uid || canManageConfiguration(caller)) return true;
  if (job.module === null) return false;
  const config = await services.configs.require(caller.tenantId);
  return resolveAccessScope({ actor: caller, matrix: config.permissions, module: job.module, action: 'read' }) !== 'none';
}

/** Stopping someone's job is for its creator and the admins. */
export function canCancelJob(caller: Caller, job: JobDoc): boolean {
  return job.createdBy === caller.uid || canManageConfiguration(caller);
}

/** The job, if the caller may see it; otherwise the same `not-found` as for a missing one (no probing). */
export async function requireWatchableJob(services: Services, caller: Caller, jobId: string): Promise<JobDoc> {
  const job = await services.jobs.get(caller.tenantId, jobId);
  if (!job || !(await canWatchJob(services, caller, job))) {
    throw new CrmError(CRM_ERROR_CODES.notFound, 'This job does not exist, or you may not see it.', [], { messageKey: 'errors.job.notFound' });
  }
  return job;
}
