import type { PlatformRole } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import type { IdentityPort } from '../identity/identity-port.js';

/** Who started a job, as stored in its params: enough to resolve them again, nothing that grants anything by itself. */
export interface JobActor {
  readonly uid: string;
  readonly email?: string | undefined;
  readonly platformRole: PlatformRole | null;
}

export function jobActorOf(caller: Caller): JobActor {
  return { uid: caller.uid, ...(caller.email ? { email: caller.email } : {}), platformRole: caller.platformRole };
}

/**
 * The job's caller, resolved again at every slice: a job runs for minutes,
 * and a member removed (or whose role changed) meanwhile must not keep
 * exporting or editing with the rights they had when they clicked.
 */
export async function resolveJobCaller(identity: IdentityPort, tenantId: string, actor: JobActor): Promise<Caller> {
  const membership = await identity.resolveMembership(
    { uid: actor.uid, email: actor.email, token: actor.platformRole ? { platform_role: actor.platformRole } : {} },
    tenantId,
  );
  if (!membership) {
    throw new CrmError(CRM_ERROR_CODES.notMember, 'The user who started this job is no longer a member of this tenant.');
  }
  return {
    uid: actor.uid,
    email: actor.email,
    tenantId,
    tenantName: membership.tenantName,
    role: membership.role,
    platformRole: membership.platformRole,
  };
}
