/**
 * Wire format of the job callables (imports, exports, bulk actions… report
 * their progress through these). Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { IdSchema, ModuleSlugSchema, TenantIdSchema } from './schemas.js';

export const JobViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  module: z.string().nullable(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  createdBy: z.string(),
  /** ISO instants. */
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.object({ total: z.number().nullable(), done: z.number(), counts: z.record(z.string(), z.number()) }),
  cancelRequested: z.boolean(),
  error: z.object({ code: z.string(), message: z.string(), messageKey: z.string().optional() }).nullable(),
  /** The handler's outcome (kind-specific: a file to download, a summary). */
  result: z.record(z.string(), z.unknown()).nullable(),
});
export type TJobView = z.infer<typeof JobViewSchema>;

export const ZGetJobRequestSchema = z.strictObject({ tenantId: TenantIdSchema, jobId: IdSchema });
export const ZGetJobResponseSchema = z.object({ job: JobViewSchema });

export const ZListJobsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema.optional(),
  kind: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
export const ZListJobsResponseSchema = z.object({ jobs: z.array(JobViewSchema) });

export const ZCancelJobRequestSchema = ZGetJobRequestSchema;
export const ZCancelJobResponseSchema = ZGetJobResponseSchema;
