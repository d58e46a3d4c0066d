/**
 * Request and response schemas of the workflow callables. The definition
 * itself is the template format (`WorkflowDefinitionSchema`), so a workflow
 * an admin saves and one a template seeds are validated by the same schema;
 * the SPA's workflow form can reuse it as is.
 */
import { z } from 'zod';
import { SecretRefSchema, WorkflowDefinitionSchema, WORKFLOW_ACTION_TYPES, WORKFLOW_TRIGGER_TYPES } from '../engine/template/workflow-schema.js';
import { IdSchema, ModuleSlugSchema, RecordDataSchema, TenantIdSchema } from './schemas.js';

export { WorkflowDefinitionSchema };

// ---- definitions ---------------------------------------------------------------

export const WorkflowViewSchema = z
  .object({
    id: z.string(),
    module: z.string(),
    source: z.enum(['template', 'custom']),
    createdAt: z.string(),
    updatedAt: z.string(),
    name: z.string(),
    trigger_type: z.enum(WORKFLOW_TRIGGER_TYPES),
    is_active: z.boolean(),
    execution_order: z.number().int(),
    actions: z.array(z.record(z.string(), z.unknown())),
  })
  .loose();
export type TWorkflowView = z.infer<typeof WorkflowViewSchema>;

export const ZListWorkflowsRequestSchema = z.strictObject({ tenantId: TenantIdSchema, module: ModuleSlugSchema.optional() });
export const ZListWorkflowsResponseSchema = z.object({ workflows: z.array(WorkflowViewSchema) });
export type TListWorkflowsResponse = z.infer<typeof ZListWorkflowsResponseSchema>;

export const ZSaveWorkflowRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  /** Absent: create. Present: replace that workflow's definition. */
  workflowId: IdSchema.optional(),
  module: ModuleSlugSchema,
  /** A workflow in the template format; validated by the service (with the tenant's fields) for readable, located errors. */
  definition: z.record(z.string(), z.unknown()),
});
export type TSaveWorkflowRequest = z.infer<typeof ZSaveWorkflowRequestSchema>;
export const ZWorkflowResponseSchema = z.object({ workflow: WorkflowViewSchema });
export type TWorkflowResponse = z.infer<typeof ZWorkflowResponseSchema>;

export const ZSetWorkflowActiveRequestSchema = z.strictObject({ tenantId: TenantIdSchema, workflowId: IdSchema, active: z.boolean() });
export const ZReorderWorkflowsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  workflowIds: z.array(IdSchema).min(1).max(200),
});
export const ZDeleteWorkflowRequestSchema = z.strictObject({ tenantId: TenantIdSchema, workflowId: IdSchema });
export const ZDeleteWorkflowResponseSchema = z.object({ deleted: z.literal(true) });

// ---- runs ------------------------------------------------------------------------

export const RunStatusSchema = z.enum(['running', 'success', 'failed', 'skipped', 'partial']);
export const ActionOutcomeSchema = z.object({
  index: z.number().int(),
  type: z.enum(WORKFLOW_ACTION_TYPES),
  status: z.enum(['success', 'failed', 'skipped', 'queued', 'would_run']),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type TActionOutcome = z.infer<typeof ActionOutcomeSchema>;

export const WorkflowRunViewSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  workflowName: z.string(),
  module: z.string(),
  recordId: z.string(),
  recordNumber: z.string(),
  trigger: z.string(),
  eventKind: z.string(),
  depth: z.number().int(),
  status: RunStatusSchema,
  reason: z.string().nullable(),
  error: z.string().nullable(),
  actions: z.array(ActionOutcomeSchema),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type TWorkflowRunView = z.infer<typeof WorkflowRunViewSchema>;

export const ZListWorkflowRunsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  workflowId: IdSchema.optional(),
  recordId: IdSchema.optional(),
  limit: z.number().int().min(1).max(100).default(50),
  /** Cursor: the `startedAt` of the last run of the previous page. */
  before: z.iso.datetime().optional(),
});
export const ZListWorkflowRunsResponseSchema = z.object({ runs: z.array(WorkflowRunViewSchema) });
export type TListWorkflowRunsResponse = z.infer<typeof ZListWorkflowRunsResponseSchema>;

// ---- dry run ----------------------------------------------------------------------

export const ZTestWorkflowRequestSchema = z
  .strictObject({
    tenantId: TenantIdSchema,
    recordId: IdSchema,
    /** Test a saved workflow ... */
    workflowId: IdSchema.optional(),
    /** ... or an unsaved draft (the form's current state). */
    module: ModuleSlugSchema.optional(),
    definition: z.record(z.string(), z.unknown()).optional(),
    /** Values the record had "before", to try change operators (changed, changed_to, ...). */
    previousData: RecordDataSchema.optional(),
  })
  .refine((input) => (input.workflowId === undefined) !== (input.definition === undefined), {
    message: 'give either workflowId or definition',
    path: ['workflowId'],
  });
export const ZTestWorkflowResponseSchema = z.object({
  wouldRun: z.boolean(),
  conditions: z.object({
    result: z.boolean(),
    leaves: z.array(z.object({ field: z.string(), operator: z.string(), value: z.unknown(), actual: z.unknown(), result: z.boolean() })),
  }),
  scheduledAt: z.string().nullable(),
  actions: z.array(ActionOutcomeSchema),
});
export type TTestWorkflowResponse = z.infer<typeof ZTestWorkflowResponseSchema>;

// ---- outbox and tasks ---------------------------------------------------------------

export const MailViewSchema = z.object({
  id: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  recordId: z.string().nullable(),
  workflowId: z.string().nullable(),
  createdAt: z.string().nullable(),
  deliveryState: z.string().nullable(),
});
export type TMailView = z.infer<typeof MailViewSchema>;
export const ZListOutboxRequestSchema = z.strictObject({ tenantId: TenantIdSchema, limit: z.number().int().min(1).max(100).default(50) });
export const ZListOutboxResponseSchema = z.object({ mails: z.array(MailViewSchema) });
export type TListOutboxResponse = z.infer<typeof ZListOutboxResponseSchema>;

export const TaskViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  recordId: z.string(),
  module: z.string(),
  recordNumber: z.string(),
  recordDisplay: z.string().nullable(),
  assigneeId: z.string(),
  dueDate: z.string(),
  status: z.enum(['open', 'done']),
  workflowId: z.string().nullable(),
  createdAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  /** The assignee's name from the tenant's members (null when the OS knows none: the SPA then says "a teammate"). */
  assigneeName: z.string().nullable().default(null),
  /** `workflow` (create_task action), `mention` (someone mentioned the assignee in a note), `manual` (created on the record). */
  kind: z.enum(['workflow', 'mention', 'manual']).default('workflow'),
  /** For `mention` tasks: who mentioned, in which note, and the note's first words. */
  mention: z.object({ byName: z.string().nullable(), noteId: z.string(), excerpt: z.string() }).nullable().default(null),
});
export type TTaskView = z.infer<typeof TaskViewSchema>;
export const ZListTasksRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  /** A record's tasks (open and done); without it, open tasks: "me" (default) or "all" (admins). */
  recordId: IdSchema.optional(),
  assignee: z.enum(['me', 'all']).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});
export const ZListTasksResponseSchema = z.object({ tasks: z.array(TaskViewSchema) });
export type TListTasksResponse = z.infer<typeof ZListTasksResponseSchema>;

export const ZSetTaskStatusRequestSchema = z.strictObject({ tenantId: TenantIdSchema, taskId: IdSchema, status: z.enum(['open', 'done']) });
export const ZTaskResponseSchema = z.object({ task: TaskViewSchema });

export const ZRevealWebhookSecretRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  secretRef: SecretRefSchema.default('default'),
});
export const ZRevealWebhookSecretResponseSchema = z.object({ secretRef: z.string(), secret: z.string() });
