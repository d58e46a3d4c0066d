import { z } from 'zod';
import { ExportViewSchema } from '../exports/export-params.js';

export const BULK_ACTIONS = ['edit_field', 'change_owner', 'delete', 'restore', 'run_workflow'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Records the user ticked, each with the version they saw (a record changed since is reported, not overwritten). */
export const MAX_EXPLICIT_SELECTION = 1_000;
export const SelectedRecordSchema = z.strictObject({ id: z.string().min(1).max(128), version: z.number().int().min(1) });

export const BulkSelectionSchema = z.union([
  z.strictObject({ ids: z.array(SelectedRecordSchema).min(1).max(MAX_EXPLICIT_SELECTION) }),
  /** "All N matching": the list view's filters and search; the job snapshots ids and versions when it starts. */
  z.strictObject({ view: ExportViewSchema }),
]);
export type BulkSelection = z.infer<typeof BulkSelectionSchema>;

export const BulkParamsSchema = z.strictObject({
  module: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/),
  selection: BulkSelectionSchema,
  action: z.enum(BULK_ACTIONS),
  /** edit_field: the field and its new value (null clears it). */
  field: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/).optional(),
  value: z.unknown().optional(),
  /** change_owner: the uid of the new owner, a member of the tenant. */
  ownerId: z.string().min(1).max(128).optional(),
  /** run_workflow: the manual workflow to run on each record. */
  workflowId: z.string().min(1).max(128).optional(),
  actor: z.strictObject({ uid: z.string().min(1).max(128), email: z.string().max(320).optional(), platformRole: z.enum(['super_admin', 'staff']).nullable() }),
});
export type BulkParams = z.infer<typeof BulkParamsSchema>;

/** One record of the snapshot: its version when selected, and its owner (to skip others' records without a read). */
export const SnapshotItemSchema = z.strictObject({ id: z.string(), version: z.number().int(), ownerId: z.string().optional(), number: z.string().optional() });
export type SnapshotItem = z.infer<typeof SnapshotItemSchema>;

/** run_workflow adds `ran` (the workflow ran) and `skipped` (its conditions did not hold on the record; the reason is in the issue). */
export const BULK_OUTCOMES = ['updated', 'unchanged', 'forbidden', 'conflict', 'invalid', 'not_found', 'failed', 'ran', 'skipped'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

export const BulkIssueSchema = z.strictObject({
  id: z.string(),
  number: z.string().nullable(),
  outcome: z.enum(BULK_OUTCOMES),
  message: z.string(),
});
export type BulkIssue = z.infer<typeof BulkIssueSchema>;
/** Issues kept for the report shown to the user; the counts cover every record. */
export const MAX_REPORTED_ISSUES = 200;

export const BulkCursorSchema = z.strictObject({
  phase: z.enum(['snapshot', 'apply']),
  listCursor: z.string().nullable(),
  scanned: z.number().int().min(0),
  /** Snapshot chunk files written (view selections); 0 for explicit selections, which stay in params. */
  chunks: z.number().int().min(0),
  selected: z.number().int().min(0),
  /** Next record to apply: chunk (1-based; explicit selections are chunk 1) and offset in it. */
  chunk: z.number().int().min(1),
  offset: z.number().int().min(0),
  issues: z.array(BulkIssueSchema).max(MAX_REPORTED_ISSUES),
});
export type BulkCursor = z.infer<typeof BulkCursorSchema>;
