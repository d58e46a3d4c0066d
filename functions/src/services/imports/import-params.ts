import { z } from 'zod';

/** The match key "record number" (field keys start with a letter, so this cannot collide with one). */
export const MATCH_BY_NUMBER = '_number';

export const IMPORT_MODES = ['create', 'update', 'upsert'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** One column of the file mapped to one field of the module. */
export const ColumnMappingSchema = z.strictObject({
  column: z.number().int().min(0).max(199),
  /** A field key, or `_number` for a column holding record numbers (the match key). */
  field: z.string().regex(/^(_number|[a-z][a-z0-9_]{0,62})$/),
});
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;

/** What the importer chooses in the wizard; shared by the preview and the start callables. */
export const ImportOptionsSchema = z.strictObject({
  mapping: z.array(ColumnMappingSchema).min(1).max(200),
  mode: z.enum(IMPORT_MODES),
  /** `_number` (record number), a unique field, or a field marked `import_key`; required unless mode is `create`. */
  matchKey: z.string().max(64).nullable().default(null),
  /** How relationship cells name the related record. */
  relationResolution: z.enum(['number', 'display']).default('display'),
  runWorkflows: z.boolean().default(true),
  /** Owner of created records; the importer when absent. */
  ownerId: z.string().regex(/^[A-Za-z0-9_.@:-]{1,128}$/).nullable().default(null),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

/** The import job's `params` (handler-owned, parsed at every slice). */
export const ImportJobParamsSchema = ImportOptionsSchema.extend({
  uploadId: z.string(),
  module: z.string(),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  sourcePath: z.string(),
  /** The language of the error file's messages. */
  language: z.enum(['en', 'es']).default('en'),
  /** The importer, as checked when the job started (the job acts for them). */
  actor: z.strictObject({ uid: z.string(), role: z.enum(['owner', 'admin', 'member']).nullable(), platformRole: z.enum(['super_admin', 'staff']).nullable() }),
});
export type ImportJobParams = z.infer<typeof ImportJobParamsSchema>;

export const RevertJobParamsSchema = z.strictObject({
  importJobId: z.string(),
  module: z.string(),
  /** Records the import created plus those it updated: the progress bar's total. */
  total: z.number().int().min(0),
  actor: ImportJobParamsSchema.shape.actor,
});
export type RevertJobParams = z.infer<typeof RevertJobParamsSchema>;
