import type { z } from 'zod';
import type { DocumentStore } from '../../../store/document-store.js';
import type { UpdateFieldActionSchema } from '../../../engine/template/workflow-schema.js';
import { validateRecordData } from '../../../engine/fields/validate-record-data.js';
import { sameValue } from '../../../engine/workflows/evaluate-condition.js';
import { crmPaths } from '../../paths.js';
import type { ConfigStore } from '../../config/config-store.js';
import { resolveModule } from '../../config/tenant-config.js';
import { asStoredRecord, displayValueOf, recordToWriteData, type StoredRecord } from '../../records/record-model.js';
import { recordIndexFields, withRecordIndex } from '../../records/record-index.js';
import { applyComputedFields } from '../../records/computed-fields.js';
import { CrmError } from '../../errors.js';
import type { ActionInput, ActionOutcome, WorkflowActionExecutor } from './workflow-action.js';

type UpdateFieldActionDef = z.infer<typeof UpdateFieldActionSchema>;

/**
 * Marker an automated update leaves on the record so the event it causes
 * knows its chain depth and origin. It applies only while `version` matches
 * the record's: any later edit (which copies the record) makes it stale.
 */
export interface AutomationMarker {
  readonly depth: number;
  readonly workflowId: string;
  readonly eventId: string;
  readonly actionIndex: number;
  readonly version: number;
}

export function automationMarkerOf(data: Readonly<Record<string, unknown>> | null): AutomationMarker | null {
  const marker = data?.automation as AutomationMarker | undefined;
  if (!marker || typeof marker !== 'object' || marker.version !== data?.version) return null;
  return marker;
}

export const AUTOMATION_ACTOR_PREFIX = 'workflow:';

/**
 * Sets one field, validated against the field schema exactly like an edit
 * (same validator, same normalization). Written in a transaction on the
 * current record so a concurrent edit is never overwritten with stale data.
 * Unique fields are refused: a workflow writes the same value on every
 * record, which a unique field can hold only once.
 */
export class UpdateFieldActionExecutor implements WorkflowActionExecutor<UpdateFieldActionDef> {
  readonly type = 'update_field' as const;

  constructor(
    private readonly deps: { store: DocumentStore; configs: ConfigStore },
  ) {}

  async execute(input: ActionInput<UpdateFieldActionDef>): Promise<ActionOutcome> {
    const { action, index, tenantId, record } = input;
    const base = { index, type: this.type } as const;
    const config = await this.deps.configs.load(tenantId);
    const module = config ? resolveModule(config, record.module) : null;
    const field = module?.fields.find((candidate) => candidate.key === action.field);
    if (!module || !field) return { ...base, status: 'failed', message: `"${action.field}" is not a field of this module.` };
    if (field.unique) return { ...base, status: 'failed', message: `"${action.field}" is a unique field; workflows cannot set it.` };
    if (field.type === 'relationship') return { ...base, status: 'failed', message: `"${action.field}" is a relationship; workflows cannot set it.` };
    const validated = validateRecordData({ fields: [...module.fields], data: { [action.field]: action.value }, mode: 'update' });
    if (!validated.ok) {
      return { ...base, status: 'failed', message: `Invalid value for "${action.field}": ${validated.errors.map((e) => e.message).join('; ')}` };
    }
    const value = validated.value[action.field] ?? null;
    const detail = { field: action.field, from: (record.data[action.field] ?? null) as never, to: value as never };
    if (input.dryRun) {
      return sameValue(record.data[action.field], value)
        ? { ...base, status: 'would_run', message: `"${action.field}" already has this value; nothing to write.`, detail }
        : { ...base, status: 'would_run', message: `Would set "${action.field}".`, detail };
    }
    const path = crmPaths.record(tenantId, record.id);
    const result = await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      if (!doc) return { status: 'skipped' as const, message: 'The record no longer exists.' };
      const current = asStoredRecord(doc.data);
      if (current.deleted) return { status: 'skipped' as const, message: 'The record is in the trash.' };
      const marker = automationMarkerOf(doc.data);
      if (marker && marker.eventId === input.run.eventId && marker.workflowId === input.workflow.id && marker.actionIndex === index) {
        return { status: 'success' as const, message: `Already set "${action.field}" (redelivered event).` };
      }
      // Same value: no write, hence no new event — the usual way an automation chain ends.
      if (sameValue(current.data[action.field], value)) return { status: 'success' as const, message: `"${action.field}" already had this value.` };
      const edited = { ...current.data };
      if (value === null) delete edited[action.field];
      else edited[action.field] = value;
      // The same formulas and validation rules as a user's edit (services/records/computed-fields.ts).
      let computed: Awaited<ReturnType<typeof applyComputedFields>>;
      try {
        computed = await applyComputedFields({
          reader: tx,
          tenantId,
          config: config as NonNullable<typeof config>,
          module,
          data: edited,
          meta: { id: record.id, number: current.number, ownerId: current.ownerId, createdBy: current.createdBy, updatedBy: current.updatedBy, createdAt: current.createdAt, updatedAt: input.now },
          now: input.now,
        });
      } catch (error) {
        if (error instanceof CrmError) return { status: 'failed' as const, message: `Not saved: ${error.issues.map((issue) => issue.message).join('; ') || error.message}` };
        throw error;
      }
      const data = computed.data;
      const version = current.version + 1;
      const updated: StoredRecord & { automation: AutomationMarker } = withRecordIndex(
        {
          ...current,
          data,
          formulaDue: computed.formulaDue,
          display: module.displayField ? displayValueOf(data[module.displayField]) : null,
          updatedBy: `${AUTOMATION_ACTOR_PREFIX}${input.workflow.id}`,
          updatedAt: input.now,
          version,
          automation: { depth: input.run.depth + 1, workflowId: input.workflow.id, eventId: input.run.eventId, actionIndex: index, version },
        },
        recordIndexFields({ module, data, number: current.number, ownerId: current.ownerId, deleted: false }),
      );
      tx.set(path, recordToWriteData(updated));
      return { status: 'success' as const, message: `Set "${action.field}".` };
    });
    return { ...base, ...result, detail, dataChange: { field: action.field, value } };
  }
}
