import type { z } from 'zod';
import type { Caller } from '../services/caller.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../services/errors.js';
import { canManageConfiguration, type TenantRole } from '../engine/permissions/evaluate-permission.js';
import type { Services } from '../services/create-services.js';
import { CORE_CALLABLES } from './core-callables.js';
import { DASHBOARD_CALLABLES } from './dashboard-callables.js';
import { HISTORY_CALLABLES } from './history-callables.js';
import { IMPORT_CALLABLES } from './import-callables.js';
import { JOB_CALLABLES } from './job-callables.js';
import { FORMULAS_CALLABLES } from './formulas-callables.js';
import { WORKFLOW_CALLABLES } from './workflow-callables.js';
import type { CallableRequest, CallableSpec } from './define-callable.js';
import { parseRequest } from './parse-request.js';
import { TEMPLATE_CALLABLES } from './template-callables.js';
import { INTEGRATIONS_CALLABLES } from './integrations-callables.js';
import { ACCESS_CALLABLES } from './access-callables.js';
import { TIMELINE_CALLABLES } from './timeline-callables.js';
import { SEARCH_CALLABLES } from './search-callables.js';
import { ROLLUPS_MERGE_CALLABLES } from './rollups-merge-callables.js';
import { EXPORT_CALLABLES } from './export-callables.js';
import { BULK_CALLABLES } from './bulk-callables.js';
import { MANUAL_RUN_CALLABLES } from './manual-runs-callables.js';

export type { CallableRequest } from './define-callable.js';

/** Every callable of the CRM, by exported function name (each is exported from index.ts). */
export const CALLABLES = {
  ...CORE_CALLABLES,
  ...HISTORY_CALLABLES,
  ...DASHBOARD_CALLABLES,
  ...WORKFLOW_CALLABLES,
  ...TEMPLATE_CALLABLES,
  ...JOB_CALLABLES,
  ...ACCESS_CALLABLES,
  ...TIMELINE_CALLABLES,
  ...INTEGRATIONS_CALLABLES,
  ...SEARCH_CALLABLES,
  ...IMPORT_CALLABLES,
  ...FORMULAS_CALLABLES,
  ...ROLLUPS_MERGE_CALLABLES,
  ...EXPORT_CALLABLES,
  ...BULK_CALLABLES,
  ...MANUAL_RUN_CALLABLES,
} as const;

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
  const { data, previewAs } = splitPreview(request.data);
  const input = parseRequest(spec.request, data);
  let caller: Caller | null = null;
  if (previewAs !== null && !PREVIEW_CALLABLES.has(name)) throw previewRefused();
  if (spec.scope === 'tenant') {
    const tenantId = (input as { tenantId: string }).tenantId;
    const membership = await services.identity.resolveMembership(claims, tenantId);
    if (!membership) {
      // Same answer whether the tenant exists or not: no probing of other tenants.
      throw new CrmError(CRM_ERROR_CODES.notMember, 'You are not a member of this tenant, or its CRM is not enabled.');
    }
    await services.configs.refreshAccess(tenantId);
    caller = { uid: claims.uid, email: claims.email, tenantId, tenantName: membership.tenantName, role: membership.role, platformRole: membership.platformRole, via: { kind: 'callable', name } };
    if (previewAs !== null) caller = previewCaller(caller, previewAs);
  }
  const output = await spec.handle({ caller, claims, services }, input);
  return spec.response.parse(output);
}


/**
 * Callables that may run under "see the CRM as role X": reads only. A
 * callable not listed here refuses a preview, so a new callable is
 * read-only-safe by default (the path table test lists every callable's
 * preview behaviour).
 */
export const PREVIEW_CALLABLES: ReadonlySet<CallableName> = new Set<CallableName>([
  // The user's own tenants (not tenant-scoped: the preview changes nothing in it).
  'crmListMyTenants',
  'crmBootstrap',
  'crmGetRecord',
  'crmListRecords',
  'crmListRecordHistory',
  'crmListDashboards',
  'crmGetDashboardData',
  'crmListWorkflowRuns',
  'crmListTasks',
]);

/** The request key that asks for a preview; taken off the data before the callable's schema sees it. */
export const PREVIEW_KEY = 'previewAsRole';

function splitPreview(raw: unknown): { data: unknown; previewAs: TenantRole | null } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !Object.hasOwn(raw, PREVIEW_KEY)) return { data: raw, previewAs: null };
  const { [PREVIEW_KEY]: role, ...data } = raw as Record<string, unknown>;
  if (role !== 'owner' && role !== 'admin' && role !== 'member') {
    throw invalidInput([{ path: PREVIEW_KEY, message: 'must be owner, admin or member' }]);
  }
  return { data, previewAs: role };
}

/** Only those who manage the configuration may preview; the preview caller is evaluated as the role, nothing more. */
function previewCaller(caller: Caller, role: TenantRole): Caller {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins can preview the CRM as another role.', [], { messageKey: 'access.errors.previewAdminsOnly' });
  }
  return { ...caller, role, platformRole: null, previewOf: caller.role ?? 'owner' };
}

function previewRefused(): CrmError {
  return new CrmError(CRM_ERROR_CODES.forbidden, 'This is a preview of another role: nothing can be changed from it.', [], {
    messageKey: 'access.errors.previewReadOnly',
  });
}
