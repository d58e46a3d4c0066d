/**
 * Wire format of the import callables (see schemas.ts for the rest).
 * Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { ColumnMappingSchema, ImportOptionsSchema, MATCH_BY_NUMBER } from '../services/imports/import-params.js';
import { IdSchema, ModuleSlugSchema, TenantIdSchema } from './schemas.js';

export { ColumnMappingSchema, ImportOptionsSchema, MATCH_BY_NUMBER };
export type { ColumnMapping, ImportOptions } from '../services/imports/import-params.js';

const LanguageSchema = z.enum(['en', 'es']).default('en');

export const ZStartImportUploadRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  fileName: z.string().min(1).max(255),
  size: z.number().int().min(0),
});
export type TStartImportUploadRequest = z.input<typeof ZStartImportUploadRequestSchema>;

export const ZStartImportUploadResponseSchema = z.object({
  uploadId: z.string(),
  /** PUT the file's bytes here with these headers. */
  url: z.string(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  maxBytes: z.number().int(),
});
export type TStartImportUploadResponse = z.infer<typeof ZStartImportUploadResponseSchema>;

export const ZPreviewImportRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  uploadId: IdSchema,
  /** Without options: the header, the first rows and mapping suggestions; with them: every mapped cell validated too. */
  options: ImportOptionsSchema.optional(),
  rows: z.number().int().min(1).max(50).optional(),
  language: LanguageSchema,
});
export type TPreviewImportRequest = z.input<typeof ZPreviewImportRequestSchema>;

export const ImportFieldSchema = z.object({
  key: z.string(),
  label: z.string(),
  type: z.string(),
  required: z.boolean(),
  unique: z.boolean(),
  importKey: z.boolean(),
  relatedModule: z.string().nullable(),
});
export type TImportField = z.infer<typeof ImportFieldSchema>;

export const PreviewCellErrorSchema = z.object({
  row: z.number().int(),
  column: z.number().int().nullable(),
  field: z.string().nullable(),
  messageKey: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  message: z.string(),
});
export type TPreviewCellError = z.infer<typeof PreviewCellErrorSchema>;

export const ZPreviewImportResponseSchema = z.object({
  header: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  errors: z.array(PreviewCellErrorSchema),
  suggested: z.array(ColumnMappingSchema),
  /** What this user chose last time for this module (mapping matched by column name). */
  saved: ImportOptionsSchema.partial().nullable(),
  fields: z.array(ImportFieldSchema),
  /** `_number`, unique fields and import-key fields. */
  matchKeys: z.array(z.string()),
});
export type TPreviewImportResponse = z.infer<typeof ZPreviewImportResponseSchema>;

export const ZStartImportRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  uploadId: IdSchema,
  options: ImportOptionsSchema,
  language: LanguageSchema,
});
export type TStartImportRequest = z.input<typeof ZStartImportRequestSchema>;

export const ZJobStartedResponseSchema = z.object({ jobId: z.string() });
export type TJobStartedResponse = z.infer<typeof ZJobStartedResponseSchema>;

export const ZImportJobRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  jobId: IdSchema,
});
export type TImportJobRequest = z.input<typeof ZImportJobRequestSchema>;

export const ZImportErrorFileResponseSchema = z.object({ url: z.string(), fileName: z.string() });
export type TImportErrorFileResponse = z.infer<typeof ZImportErrorFileResponseSchema>;
