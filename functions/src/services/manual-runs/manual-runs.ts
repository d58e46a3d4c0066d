import { conditionLeaves } from '../../engine/template/condition-schema.js';
import { canActOnRecord } from '../../engine/permissions/evaluate-permission.js';
import { relationshipOptions } from '../../engine/fields/field-definition.js';
import { fieldAccessFor } from '../access/field-security.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { assertNotPreview, moduleNotFound, requireScope } from '../records/records-service.js';
import type { StoredWorkflow } from '../workflows/workflow-definitions.js';
import type { RunStatus } from '../workflows/workflow-runner.js';

/** A manual workflow as members see it in menus: no recipients, bodies or URLs (those are configuration). */
export interface ManualWorkflowView {
  readonly id: string;
  readonly module: string;
  readonly name: string;
  readonly description: string | null;
}

/** What one manual run did to one record. */
export type ManualRunOutcome =
  | { readonly outcome: 'ran'; readonly logId: string; readonly number: string; readonly repeated: boolean }
  | { readonly outcome: 'skipped' | 'failed'; readonly logId: string; readonly number: string; readonly reason: string; readonly repeated: boolean };

type WorkflowServices = Pick<Services, 'configs' | 'workflows' | 'records'>;

/**
 * The tenant's active manual workflows of a module that the caller may run:
 * they need `update` (all or own) on the module, and the workflow's
 * conditions must read no field hidden from them (its verdict would reveal
 * the value, as a filter would).
 */
export async function listManualWorkflows(services: WorkflowServices, caller: Caller, moduleSlug: string): Promise<ManualWorkflowView[]> {
  const config = await services.configs.require(caller.tenantId);
  const module = resolveModule(config, moduleSlug);
  if (!module) throw moduleNotFound(moduleSlug);
  requireScope(caller, config, module, 'update');
  const workflows = await services.workflows.definitions.forModule(caller.tenantId, config.revision, module.slug);
  return workflows
    .filter((workflow) => isRunnableManual(workflow) && hiddenConditionField(caller, config, workflow) === undefined)
    .map((workflow) => ({ id: workflow.id, module: workflow.module, name: workflow.definition.name, description: workflow.definition.description ?? null }));
}

/**
 * Loads a workflow for a manual run and refuses, before any record is
 * touched, what would fail for every record: an unknown workflow, one that is
 * not manual or not active, a role without `update` on its module, a
 * condition on a field hidden from the caller, a preview session.
 */
export async function requireRunnableWorkflow(services: WorkflowServices, caller: Caller, workflowId: string): Promise<StoredWorkflow> {
  assertNotPreview(caller);
  const config = await services.configs.require(caller.tenantId);
  const workflow = (await services.workflows.definitions.forTenant(caller.tenantId, config.revision)).find((candidate) => candidate.id === workflowId);
  const module = workflow ? resolveModule(config, workflow.module) : null;
  if (!workflow || !module) {
    throw new CrmError(CRM_ERROR_CODES.notFound, 'There is no such workflow in this CRM.', [], { messageKey: 'manualRuns.errors.workflowNotFound' });
  }
  requireScope(caller, config, module, 'update');
  if (workflow.definition.trigger_type !== 'manual') {
    throw new CrmError(CRM_ERROR_CODES.precondition, `"${workflow.definition.name}" runs on record events; only manual workflows can be run on demand.`, [], {
      messageKey: 'manualRuns.errors.notManual',
      params: { name: workflow.definition.name },
    });
  }
  if (!workflow.definition.is_active) {
    throw new CrmError(CRM_ERROR_CODES.precondition, `"${workflow.definition.name}" is switched off.`, [], {
      messageKey: 'manualRuns.errors.inactive',
      params: { name: workflow.definition.name },
    });
  }
  const hidden = hiddenConditionField(caller, config, workflow);
  if (hidden !== undefined) {
    // Named by key, as for a refused filter: the label of a hidden field is not the caller's to learn.
    throw new CrmError(CRM_ERROR_CODES.forbidden, `The workflow's conditions read "${hidden}", which your role may not see: you cannot run it.`, [], {
      messageKey: 'access.errors.fieldNotQueryable',
      params: { field: hidden },
    });
  }
  return workflow;
}

/**
 * Runs a manual workflow on one record for a user. The per-record rule is the
 * one bulk edits follow: the caller needs `update` on the record (`update_own`:
 * only records they own), and it must not be in the trash. `eventId` is the
 * idempotency key (one per request, or per (job, record) in a bulk job).
 */
export async function runWorkflowOnRecord(
  services: WorkflowServices,
  caller: Caller,
  workflow: StoredWorkflow,
  input: { recordId: string; eventId: string; jobId?: string | undefined },
): Promise<ManualRunOutcome> {
  const config = await services.configs.require(caller.tenantId);
  const record = await services.records.get(caller, input.recordId); // not-found when the caller may not read it
  if (record.module !== workflow.module) {
    throw new CrmError(CRM_ERROR_CODES.invalidInput, `${record.number} is not a record of the workflow's module.`, [], {
      messageKey: 'manualRuns.errors.otherModule',
      params: { number: record.number },
    });
  }
  if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'update', ownerId: record.ownerId })) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, `${record.number} is not yours: your role may run workflows only on records it may edit.`, [], {
      messageKey: 'manualRuns.errors.notEditable',
      params: { number: record.number },
    });
  }
  if (record.deleted) {
    throw new CrmError(CRM_ERROR_CODES.precondition, `${record.number} is in the trash; restore it first.`, [], {
      messageKey: 'errors.record.inTrash',
      params: { number: record.number },
    });
  }
  const run = await services.workflows.runner.runManual({
    tenantId: caller.tenantId,
    workflow,
    recordId: record.id,
    eventId: input.eventId,
    triggeredBy: caller.uid,
    jobId: input.jobId,
  });
  return outcomeOf(run.status, { logId: run.logId, number: record.number, reason: run.reason, repeated: run.repeated });
}

/** success / partial: the workflow ran (a partial run's failed action is in its log); skipped: its conditions did not hold. */
function outcomeOf(status: RunStatus, run: { logId: string; number: string; reason: string | undefined; repeated: boolean }): ManualRunOutcome {
  const base = { logId: run.logId, number: run.number, repeated: run.repeated };
  switch (status) {
    case 'success':
    case 'partial':
      return { outcome: 'ran', ...base };
    case 'skipped':
      return { outcome: 'skipped', ...base, reason: run.reason ?? 'Conditions not met.' };
    case 'failed':
      return { outcome: 'failed', ...base, reason: run.reason ?? 'Every action failed.' };
  }
}

function isRunnableManual(workflow: StoredWorkflow): boolean {
  return workflow.definition.trigger_type === 'manual' && workflow.definition.is_active;
}

/** The first condition field (or related field, "patient.email") the caller may not read, if any. */
function hiddenConditionField(caller: Caller, config: TenantConfig, workflow: StoredWorkflow): string | undefined {
  const condition = workflow.definition.trigger_conditions;
  if (!condition) return undefined;
  const access = fieldAccessFor(caller, config);
  if (access.unrestricted) return undefined;
  const module = resolveModule(config, workflow.module);
  for (const { leaf } of conditionLeaves(condition)) {
    const [head = '', tail] = leaf.field.split('.');
    if (!access.canRead(workflow.module, head)) return leaf.field;
    if (tail === undefined) continue;
    const target = module?.fields.find((field) => field.key === head);
    const related = target ? relationshipOptions(target)?.related_module : undefined;
    if (related && !access.canRead(related, tail)) return leaf.field;
  }
  return undefined;
}
