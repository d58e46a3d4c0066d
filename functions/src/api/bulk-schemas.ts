/**
 * Wire format of the bulk-action callable. Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { ExportViewRequestSchema } from './export-schemas.js';
import { FieldKeySchema, IdSchema, ModuleSlugSchema, TenantIdSchema } from './schemas.js';

export const BULK_ACTION_NAMES = ['edit_field', 'change_owner', 'delete', 'restore', 'run_workflow'] as const;
export type TBulkActionName = (typeof BULK_ACTION_NAMES)[number];

export const BulkSelectionRequestSchema = z.union([
  /** The rows the user ticked, each with the version shown (at most 1,000; beyond that, select all matching). */
  z.strictObject({ ids: z.array(z.strictObject({ id: IdSchema, version: z.number().int().min(1) })).min(1).max(1000) }),
  /** Every record matching the list view's filters and search, as of the moment the job starts. */
  z.strictObject({ view: ExportViewRequestSchema }),
]);
export type TBulkSelection = z.infer<typeof BulkSelectionRequestSchema>;

export const ZStartBulkActionRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  selection: BulkSelectionRequestSchema,
  action: z.enum(BULK_ACTION_NAMES),
  /** edit_field: the field to set and its value (null clears it). */
  field: FieldKeySchema.optional(),
  value: z.unknown().optional(),
  /** change_owner: uid of the new owner, a member of the tenant. */
  ownerId: IdSchema.optional(),
  /** run_workflow: a manual workflow of the module (crmListManualWorkflows). */
  workflowId: IdSchema.optional(),
});
export type TStartBulkActionRequest = z.infer<typeof ZStartBulkActionRequestSchema>;

/** What a finished bulk job's `result` holds. */
export const BulkResultSchema = z.object({
  selected: z.number().int(),
  action: z.enum(BULK_ACTION_NAMES),
  /** The first 200 records not changed and why; `progress.counts` counts them all. */
  issues: z.array(
    z.object({
      id: z.string(),
      number: z.string().nullable(),
      outcome: z.enum(['forbidden', 'conflict', 'invalid', 'not_found', 'failed', 'skipped']),
      message: z.string(),
    }),
  ),
});
export type TBulkResult = z.infer<typeof BulkResultSchema>;
