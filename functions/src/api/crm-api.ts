import type { z } from 'zod';
import type { Caller } from '../services/caller.js';
import { CrmError, CRM_ERROR_CODES } from '../services/errors.js';
import type { Services } from '../services/create-services.js';
import { CORE_CALLABLES } from './core-callables.js';
import { DASHBOARD_CALLABLES } from './dashboard-callables.js';
import { HISTORY_CALLABLES } from './history-callables.js';
import { JOB_CALLABLES } from './job-callables.js';
import { WORKFLOW_CALLABLES } from './workflow-callables.js';
import type { CallableRequest, CallableSpec } from './define-callable.js';
import { parseRequest } from './parse-request.js';
import { TEMPLATE_CALLABLES } from './template-callables.js';
import { EXPORT_CALLABLES } from './export-callables.js';
import { BULK_CALLABLES } from './bulk-callables.js';

export type { CallableRequest } from './define-callable.js';

/** Every callable of the CRM, by exported function name (each is exported from index.ts). */
export const CALLABLES = { ...CORE_CALLABLES, ...HISTORY_CALLABLES, ...DASHBOARD_CALLABLES, ...WORKFLOW_CALLABLES, ...TEMPLATE_CALLABLES, ...JOB_CALLABLES, ...EXPORT_CALLABLES, ...BULK_CALLABLES } as const;

export type CallableName = keyof typeof CALLABLES;
export const CALLABLE_NAMES = Object.keys(CALLABLES) as CallableName[];

/**
 * Runs one callable end to end, transport aside: authentication, input
 * validation, tenant membership, the service, output validation. Errors come
 * out as `CrmError` (or unexpected ones as they are); the transport maps them.
 */
export async function invokeCallable(services: Services, name: CallableName, request: CallableRequest): Promise<unknown> {
  const spec: CallableSpec<z.ZodType, z.ZodType> = CALLABLES[name];
  const claims = request.auth;
  if (!claims) throw new CrmError(CRM_ERROR_CODES.unauthenticated, 'Sign in to use the CRM.');
  const input = parseRequest(spec.request, request.data);
  let caller: Caller | null = null;
  if (spec.scope === 'tenant') {
    const tenantId = (input as { tenantId: string }).tenantId;
    const membership = await services.identity.resolveMembership(claims, tenantId);
    if (!membership) {
      // Same answer whether the tenant exists or not: no probing of other tenants.
      throw new CrmError(CRM_ERROR_CODES.notMember, 'You are not a member of this tenant, or its CRM is not enabled.');
    }
    caller = { uid: claims.uid, email: claims.email, tenantId, tenantName: membership.tenantName, role: membership.role, platformRole: membership.platformRole };
  }
  const output = await spec.handle({ caller, claims, services }, input);
  return spec.response.parse(output);
}

