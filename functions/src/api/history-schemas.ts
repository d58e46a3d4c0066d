/**
 * Wire format of the record-history callable (see schemas.ts for the rest).
 * Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { IdSchema, TenantIdSchema } from './schemas.js';

export const ZListRecordHistoryRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  recordId: IdSchema,
  pageSize: z.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2000).optional(),
});
export type TListRecordHistoryRequest = z.infer<typeof ZListRecordHistoryRequestSchema>;

export const HistoryChangeSchema = z.object({
  /** A field key of the record's module, or `_deleted` for a move to or from the trash. */
  field: z.string(),
  /** null when the field had no value before (always on `created`). */
  from: z.unknown(),
  /** null when the field was cleared. */
  to: z.unknown(),
});
export type THistoryChange = z.infer<typeof HistoryChangeSchema>;

export const HistoryEntryViewSchema = z.object({
  id: z.string(),
  /** ISO instant of the change. */
  at: z.string(),
  /** uid of the user, `automation:{workflowId}` for a workflow's update_field, null if unknown. */
  by: z.string().nullable(),
  kind: z.enum(['created', 'updated', 'deleted', 'restored']),
  changes: z.array(HistoryChangeSchema),
  /** The record's version after this change. */
  version: z.number().int(),
  /** The import job that wrote this change, when an import did ("from import N"). */
  source: z.object({ kind: z.literal('import'), jobId: z.string() }).optional(),
});
export type THistoryEntryView = z.infer<typeof HistoryEntryViewSchema>;

export const ZListRecordHistoryResponseSchema = z.object({
  /** Newest first. */
  entries: z.array(HistoryEntryViewSchema),
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type TListRecordHistoryResponse = z.infer<typeof ZListRecordHistoryResponseSchema>;
