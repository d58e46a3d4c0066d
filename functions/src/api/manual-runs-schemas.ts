/**
 * Wire format of the manual-run callables (run a manual workflow on demand).
 * Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { IdSchema, ModuleSlugSchema, TenantIdSchema } from './schemas.js';

export const ZListManualWorkflowsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
});
export type TListManualWorkflowsRequest = z.infer<typeof ZListManualWorkflowsRequestSchema>;

export const ManualWorkflowViewSchema = z.object({
  id: z.string(),
  module: z.string(),
  name: z.string(),
  description: z.string().nullable(),
});
export type TManualWorkflowView = z.infer<typeof ManualWorkflowViewSchema>;

export const ZListManualWorkflowsResponseSchema = z.object({ workflows: z.array(ManualWorkflowViewSchema) });
export type TListManualWorkflowsResponse = z.infer<typeof ZListManualWorkflowsResponseSchema>;

export const ZRunWorkflowRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  workflowId: IdSchema,
  recordId: IdSchema,
  /**
   * The request's idempotency key, made by the client once per click: a
   * retried call with the same key answers the first run instead of running
   * the workflow again. Without one, every call is a new run.
   */
  runId: IdSchema.optional(),
});
export type TRunWorkflowRequest = z.infer<typeof ZRunWorkflowRequestSchema>;

export const ZRunWorkflowResponseSchema = z.object({
  outcome: z.enum(['ran', 'skipped', 'failed']),
  /** The run log entry (crmListWorkflowRuns shows it with the record's other runs). */
  logId: z.string(),
  number: z.string(),
  /** Why it was skipped (conditions not met) or failed. */
  reason: z.string().nullable(),
  /** The same runId had already run: this is that run's outcome. */
  repeated: z.boolean(),
});
export type TRunWorkflowResponse = z.infer<typeof ZRunWorkflowResponseSchema>;
