/**
 * Wire format of the export and bulk-action callables. Depends on zod only,
 * so the SPA can import it.
 */
import { z } from 'zod';
import { FieldKeySchema, IdSchema, ModuleSlugSchema, RecordFilterSchema, TenantIdSchema, UiLanguageSchema } from './schemas.js';

/** The list view to reproduce (crmListRecords' filters, search, sort), without paging. */
export const ExportViewRequestSchema = z.strictObject({
  filters: z.array(RecordFilterSchema).max(10).optional(),
  search: z.string().max(200).optional(),
  sort: z.union([z.enum(['number', 'created_at', 'updated_at']), FieldKeySchema]).optional(),
  direction: z.enum(['asc', 'desc']).optional(),
  deleted: z.boolean().optional(),
});
export type TExportView = z.infer<typeof ExportViewRequestSchema>;

export const ZStartExportRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  /** The current list view; absent: the whole module. */
  view: ExportViewRequestSchema.optional(),
  /** The view's columns in order; absent: every active field. */
  fields: z.array(FieldKeySchema).min(1).max(200).optional(),
  /** `formatted`: as people read it in the CRM; `raw`: stored values (ids, option values, ISO times), as an import takes them. */
  format: z.enum(['formatted', 'raw']),
  fileType: z.enum(['csv', 'xlsx']),
  /** Language of headers and option labels; default: the tenant's. */
  language: UiLanguageSchema.optional(),
});
export type TStartExportRequest = z.infer<typeof ZStartExportRequestSchema>;

/** A started job; follow it with crmGetJob. */
export const ZStartJobResponseSchema = z.object({ jobId: z.string() });
export type TStartJobResponse = z.infer<typeof ZStartJobResponseSchema>;

export const ZGetExportDownloadRequestSchema = z.strictObject({ tenantId: TenantIdSchema, jobId: IdSchema });
export const ZGetExportDownloadResponseSchema = z.object({
  /** Signed, short-lived (15 minutes). */
  url: z.string(),
  fileName: z.string(),
  rows: z.number().int(),
});
export type TGetExportDownloadResponse = z.infer<typeof ZGetExportDownloadResponseSchema>;
