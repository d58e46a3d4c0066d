import { validateRecordData } from '../../engine/fields/validate-record-data.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { resolveModule } from '../config/tenant-config.js';
import { invalidInput } from '../errors.js';
import type { JobDoc } from '../jobs/job-model.js';
import { listRecords } from '../records/list-records.js';
import { moduleNotFound, requireScope } from '../records/records-service.js';
import { jobActorOf } from '../exports/job-caller.js';
import { requireRunnableWorkflow } from '../manual-runs/manual-runs.js';
import type { BulkAction, BulkParams, BulkSelection } from './bulk-params.js';

export interface StartBulkInput {
  readonly module: string;
  readonly selection: BulkSelection;
  readonly action: BulkAction;
  readonly field?: string | undefined;
  readonly value?: unknown;
  readonly ownerId?: string | undefined;
  readonly workflowId?: string | undefined;
}

/**
 * Starts a bulk action as a job, after refusing at once what would fail for
 * every record: a role without the right at all (update / delete, own or
 * all), an unknown or inactive field, a value the field refuses, a new owner
 * who is not a member, a view the list refuses, a workflow that is not a
 * manual one of this module (or whose conditions read a field hidden from
 * the caller). Per-record rights and
 * versions are then the job's business (bulk-job.ts).
 */
export async function startBulkAction(services: Services, caller: Caller, input: StartBulkInput): Promise<JobDoc> {
  const config = await services.configs.require(caller.tenantId);
  const module = resolveModule(config, input.module);
  if (!module) throw moduleNotFound(input.module);
  requireScope(caller, config, module, input.action === 'delete' || input.action === 'restore' ? 'delete' : 'update');
  const extra: Partial<BulkParams> = {};
  if (input.action === 'edit_field') {
    const field = module.activeFields.find((candidate) => candidate.key === input.field);
    if (!field) throw invalidInput([{ path: 'field', message: `"${input.field ?? ''}" is not an active field of this module` }]);
    const checked = validateRecordData({ fields: [...module.fields], data: { [field.key]: input.value ?? null }, mode: 'update' });
    if (!checked.ok) {
      throw invalidInput(checked.errors.map((error) => ({ path: 'value', message: error.message, messageKey: error.messageKey, params: error.params })));
    }
    Object.assign(extra, { field: field.key, value: checked.value[field.key] ?? null });
  } else if (input.action === 'change_owner') {
    if (!input.ownerId) throw invalidInput([{ path: 'ownerId', message: 'is required to change the owner' }]);
    const membership = await services.identity.resolveMembership({ uid: input.ownerId, token: {} }, caller.tenantId);
    if (!membership?.role) throw invalidInput([{ path: 'ownerId', message: 'is not a member of this tenant' }]);
    Object.assign(extra, { ownerId: input.ownerId });
  } else if (input.action === 'run_workflow') {
    if (!input.workflowId) throw invalidInput([{ path: 'workflowId', message: 'is required to run a workflow' }]);
    const workflow = await requireRunnableWorkflow(services, caller, input.workflowId);
    if (workflow.module !== module.slug) throw invalidInput([{ path: 'workflowId', message: `runs on ${workflow.module}, not on ${module.slug}` }]);
    Object.assign(extra, { workflowId: workflow.id });
  }
  if ('view' in input.selection) {
    // Validates filters, search and sort exactly as the list does, reading no record.
    await listRecords(services, caller, { module: module.slug, ...input.selection.view, explain: true });
    if (input.action === 'restore' && input.selection.view.deleted !== true) {
      throw invalidInput([{ path: 'selection.view.deleted', message: 'restore works on the trash: select from deleted records' }]);
    }
  }
  const params: BulkParams = { module: module.slug, selection: input.selection, action: input.action, ...extra, actor: jobActorOf(caller) };
  const total = 'ids' in input.selection ? input.selection.ids.length : null;
  return services.jobs.start({
    tenantId: caller.tenantId,
    kind: 'bulk',
    module: module.slug,
    createdBy: caller.uid,
    params: params as unknown as Record<string, unknown>,
    total,
  });
}
