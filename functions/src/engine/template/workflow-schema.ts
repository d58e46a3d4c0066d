import { z } from 'zod';
import { ConditionSchema, conditionLeaves, isConditionLeaf } from './condition-schema.js';
import type { Condition } from './condition-schema.js';
import { isHttpUrl } from '../fields/check-field-value.js';

export const WORKFLOW_TRIGGER_TYPES = [
  'record_created',
  'record_updated',
  'field_changed',
  'status_changed',
  'record_deleted',
  'scheduled',
  /**
   * Runs only when a user asks (a record's action menu, the bulk action "Run a
   * workflow"). Manual enrolment is for workflows marked for it, never for
   * event-triggered ones (see services/manual-runs/README.md).
   */
  'manual',
] as const;
export type WorkflowTriggerType = (typeof WORKFLOW_TRIGGER_TYPES)[number];

/** Triggers that fire on an update, so their conditions may compare with the record's previous version. */
export const UPDATE_TRIGGER_TYPES: readonly WorkflowTriggerType[] = ['record_updated', 'field_changed', 'status_changed'];

/** The brief's own names (its `crm_workflows` table), accepted and stored as ours. */
export const WORKFLOW_TRIGGER_ALIASES: Readonly<Record<string, WorkflowTriggerType>> = {
  field_updated: 'field_changed',
  status_updated: 'status_changed',
};

function canonicalTrigger(value: unknown): unknown {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(WORKFLOW_TRIGGER_ALIASES, value) ? WORKFLOW_TRIGGER_ALIASES[value] : value;
}

export const WORKFLOW_ACTION_TYPES = ['send_email', 'update_field', 'create_task', 'webhook'] as const;
export type WorkflowActionType = (typeof WORKFLOW_ACTION_TYPES)[number];

const FieldRefSchema = z.string().min(1).max(127);

export const FieldChangedConfigSchema = z.strictObject({
  fields: z.array(FieldRefSchema).min(1).optional(),
});
export const StatusChangedConfigSchema = z.strictObject({
  from: z.array(z.string().min(1)).min(1).optional(),
  to: z.array(z.string().min(1)).min(1).optional(),
});
export const ScheduledConfigSchema = z.strictObject({
  /** The date/datetime field the schedule hangs off ("appointment_date"). */
  field: FieldRefSchema,
  offset: z.number().int().min(0).max(100_000),
  unit: z.enum(['minutes', 'hours', 'days']),
  direction: z.enum(['before', 'after']),
});
export type ScheduledConfig = z.infer<typeof ScheduledConfigSchema>;

export const TriggerConfigSchema = z.union([ScheduledConfigSchema, StatusChangedConfigSchema, FieldChangedConfigSchema]);
export type TriggerConfig = z.infer<typeof TriggerConfigSchema>;

const TemplateStringSchema = z.string().trim().min(1, { error: 'must not be empty' });

export const SendEmailActionSchema = z.strictObject({
  type: z.literal('send_email'),
  /** An address or a placeholder such as "{{data.email}}" / "{{data.patient.email}}". */
  to: TemplateStringSchema.max(500),
  subject: TemplateStringSchema.max(300),
  body: TemplateStringSchema.max(20_000),
  /** Name of a mail template the mailer may use instead of the plain body. */
  template: z.string().min(1).max(100).optional(),
  cc: z.array(TemplateStringSchema.max(500)).max(20).optional(),
});
export const UpdateFieldActionSchema = z.strictObject({
  type: z.literal('update_field'),
  field: z.string().min(1).max(63),
  value: z.unknown(),
});
export const CreateTaskActionSchema = z.strictObject({
  type: z.literal('create_task'),
  title: TemplateStringSchema.max(300),
  description: z.string().max(5_000).optional(),
  due_in_days: z.number().int().min(0).max(3_650).optional(),
  assignee: z.enum(['owner', 'creator']).optional(),
});
/**
 * A signing secret's name: it becomes a document id, so the id alphabet, and
 * never Firestore's reserved `__x__` form.
 */
export const SecretRefSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'must be a name of letters, digits, "-" or "_" (at most 100)' })
  .refine((ref) => !/^__.*__$/.test(ref), { error: 'must not start and end with "__" (Firestore reserves such ids)' });

export const WebhookActionSchema = z.strictObject({
  type: z.literal('webhook'),
  // Private / loopback targets are refused by the webhook sender at send time (SSRF), not here.
  url: z.string().max(2_048).refine(isHttpUrl, { error: 'must be an http:// or https:// URL' }),
  /** Name of a stored secret used to sign the payload (HMAC); never the secret itself. */
  secret_ref: SecretRefSchema.optional(),
  method: z.literal('POST').optional(),
});

export const WorkflowActionSchema = z.discriminatedUnion('type', [
  SendEmailActionSchema,
  UpdateFieldActionSchema,
  CreateTaskActionSchema,
  WebhookActionSchema,
]);
export type WorkflowAction = z.infer<typeof WorkflowActionSchema>;

export const WorkflowDefinitionSchema = z
  .strictObject({
    name: z.string().trim().min(1, { error: 'must not be empty' }).max(100),
    description: z.string().max(1_000).optional(),
    trigger_type: z.preprocess(
      canonicalTrigger,
      z.enum(WORKFLOW_TRIGGER_TYPES, {
        error: (iss) =>
          iss.input === undefined
            ? 'is required'
            : `unknown trigger type ${JSON.stringify(iss.input)}; expected one of: ${WORKFLOW_TRIGGER_TYPES.join(', ')}`,
      }),
    ),
    trigger_conditions: ConditionSchema.optional(),
    trigger_config: TriggerConfigSchema.optional(),
    actions: z.array(WorkflowActionSchema).min(1, { error: 'must list at least one action' }).max(20),
    is_active: z.boolean().default(true),
    execution_order: z.number().int().default(0),
  })
  .superRefine((workflow, ctx) => {
    const config = workflow.trigger_config;
    const bad = (message: string): void => {
      ctx.addIssue({ code: 'custom', path: ['trigger_config'], message });
    };
    switch (workflow.trigger_type) {
      case 'field_changed':
        if (config !== undefined && !isShape(config, ['fields'])) bad('field_changed takes { "fields": [...] }');
        break;
      case 'status_changed':
        if (config !== undefined && !isShape(config, ['from', 'to'])) bad('status_changed takes { "from": [...], "to": [...] }');
        break;
      case 'scheduled':
        if (config !== undefined && !('field' in config)) {
          bad('scheduled takes { "field", "offset", "unit", "direction" }');
        } else if (config === undefined && dateConditionSchedule(workflow.trigger_conditions) === undefined) {
          bad(
            'a scheduled workflow needs trigger_config { "field", "offset", "unit", "direction" } ' +
              'or a date condition such as { "operator": "is_tomorrow" }',
          );
        }
        break;
      default:
        if (config !== undefined) bad(`${workflow.trigger_type} workflows take no trigger_config`);
    }
  });
export type WorkflowDefinition = z.infer<typeof WorkflowDefinitionSchema>;

function isShape(config: TriggerConfig, keys: string[]): boolean {
  return Object.keys(config).every((key) => keys.includes(key));
}

/**
 * When a scheduled workflow fires. Either its trigger_config, or — for the
 * brief's style — derived from a date condition: "is_tomorrow" on
 * appointment_date means one day before appointment_date.
 */
export function scheduleFor(
  workflow: Pick<WorkflowDefinition, 'trigger_type' | 'trigger_config' | 'trigger_conditions'>,
): ScheduledConfig | undefined {
  if (workflow.trigger_type !== 'scheduled') return undefined;
  const config = workflow.trigger_config;
  if (config !== undefined && 'field' in config) return config;
  return dateConditionSchedule(workflow.trigger_conditions);
}

function dateConditionSchedule(condition: Condition | undefined): ScheduledConfig | undefined {
  if (condition === undefined) return undefined;
  // Only leaves that must all hold (the root or an "all" chain) can drive the schedule.
  const leaves = isConditionLeaf(condition) || 'all' in condition ? conditionLeaves(condition) : [];
  for (const { leaf, path } of leaves) {
    if (path.includes('any') || leaf.field.includes('.')) continue;
    const days = typeof leaf.value === 'number' ? leaf.value : 0;
    switch (leaf.operator) {
      case 'is_today':
        return { field: leaf.field, offset: 0, unit: 'days', direction: 'before' };
      case 'is_tomorrow':
        return { field: leaf.field, offset: 1, unit: 'days', direction: 'before' };
      case 'is_yesterday':
        return { field: leaf.field, offset: 1, unit: 'days', direction: 'after' };
      case 'within_next_days':
        return { field: leaf.field, offset: days, unit: 'days', direction: 'before' };
      case 'within_last_days':
        return { field: leaf.field, offset: 0, unit: 'days', direction: 'after' };
      default:
        break;
    }
  }
  return undefined;
}
