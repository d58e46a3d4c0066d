import { z } from 'zod';

/** The list view an export reproduces: what crmListRecords takes, minus paging. */
export const ExportViewSchema = z.strictObject({
  filters: z
    .array(
      z.strictObject({
        field: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
        op: z.enum(['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains']),
        value: z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.union([z.string().max(1000), z.number(), z.boolean()])).max(30)]),
      }),
    )
    .max(10)
    .optional(),
  search: z.string().max(200).optional(),
  sort: z.string().max(63).optional(),
  direction: z.enum(['asc', 'desc']).optional(),
  deleted: z.boolean().optional(),
});
export type ExportView = z.infer<typeof ExportViewSchema>;

/** Params of an `export` job (validated by the handler at every slice: a job doc is data, not code). */
export const ExportParamsSchema = z.strictObject({
  module: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/),
  /** The list view's filters, search and sort; `{}` for the whole module. */
  view: ExportViewSchema,
  /** The view's columns in order; absent: every active field. */
  fields: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/)).max(200).optional(),
  format: z.enum(['formatted', 'raw']),
  fileType: z.enum(['csv', 'xlsx']),
  language: z.enum(['en', 'es']),
  actor: z.strictObject({ uid: z.string().min(1).max(128), email: z.string().max(320).optional(), platformRole: z.enum(['super_admin', 'staff']).nullable() }),
  fileName: z.string().min(1).max(200),
});
export type ExportParams = z.infer<typeof ExportParamsSchema>;

/** Where an export stands between slices (the job's cursor). */
export const ExportCursorSchema = z.strictObject({
  phase: z.enum(['rows', 'assemble', 'cleanup']),
  /** crmListRecords' cursor of the next page; null before the first page. */
  listCursor: z.string().nullable(),
  /** Part files written so far (part-00001.jsonl ...). */
  parts: z.number().int().min(0),
  rows: z.number().int().min(0),
  /** Documents the list scanned so far (its scan bound counts the whole list). */
  scanned: z.number().int().min(0),
});
export type ExportCursor = z.infer<typeof ExportCursorSchema>;

export const INITIAL_EXPORT_CURSOR: ExportCursor = { phase: 'rows', listCursor: null, parts: 0, rows: 0, scanned: 0 };
