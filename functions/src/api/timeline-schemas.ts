/**
 * Wire format of the timeline callables: the record timeline, notes,
 * tenant members (mention and assignee pickers) and attachments.
 * Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { IdSchema, TenantIdSchema } from './schemas.js';
import { TaskViewSchema } from './workflow-schemas.js';

/** What the editor may send; the stored note is bounded again after sanitising (NOTE_HTML_MAX). */
const NoteHtmlSchema = z.string().min(1, 'must not be empty').max(100_000, 'is too long (at most 100,000 characters)');

export const PersonSchema = z.object({ uid: z.string(), name: z.string().nullable() });
export type TPerson = z.infer<typeof PersonSchema>;

// ---- timeline ---------------------------------------------------------------

export const ZListTimelineRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  recordId: IdSchema,
  pageSize: z.number().int().min(1).max(50).optional(),
  cursor: z.string().max(4000).optional(),
});
export type TListTimelineRequest = z.infer<typeof ZListTimelineRequestSchema>;

const EntryBase = { id: z.string(), at: z.string() };

export const TimelineEntrySchema = z.discriminatedUnion('type', [
  z.object({
    ...EntryBase,
    type: z.literal('history'),
    kind: z.string(),
    by: PersonSchema.nullable(),
    byAutomation: z.boolean(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    version: z.number().int(),
    /** `{ kind: 'import', jobId }`, `{ kind: 'merge', … }` when the change was not an edit. */
    source: z.looseObject({ kind: z.string() }).nullable(),
  }),
  z.object({
    ...EntryBase,
    type: z.literal('workflow_run'),
    workflowId: z.string(),
    workflowName: z.string(),
    status: z.string(),
    eventKind: z.string(),
    late: z.boolean(),
    plannedAt: z.string().nullable(),
    mails: z.array(z.object({ to: z.array(z.string()).nullable(), subject: z.string().nullable() })),
  }),
  z.object({
    ...EntryBase,
    type: z.literal('task'),
    title: z.string(),
    dueDate: z.string(),
    status: z.string(),
    assignee: PersonSchema.nullable(),
    taskKind: z.string(),
  }),
  z.object({
    ...EntryBase,
    type: z.literal('note'),
    /** Sanitised on the server; the SPA sanitises again before rendering. */
    html: z.string(),
    author: PersonSchema.nullable(),
    mentions: z.array(PersonSchema),
    editedAt: z.string().nullable(),
    canEdit: z.boolean(),
    canDelete: z.boolean(),
  }),
  z.object({
    ...EntryBase,
    type: z.literal('attachment'),
    fileName: z.string(),
    size: z.number(),
    contentType: z.string(),
    by: PersonSchema.nullable(),
    canDelete: z.boolean(),
  }),
]);
export type TTimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const ZListTimelineResponseSchema = z.object({
  /** Newest first. */
  entries: z.array(TimelineEntrySchema),
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type TListTimelineResponse = z.infer<typeof ZListTimelineResponseSchema>;

// ---- notes ------------------------------------------------------------------

export const NoteViewSchema = z.object({
  id: z.string(),
  recordId: z.string(),
  html: z.string(),
  text: z.string(),
  mentions: z.array(z.string()),
  authorId: z.string(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
});
export type TNoteView = z.infer<typeof NoteViewSchema>;

export const ZAddNoteRequestSchema = z.strictObject({ tenantId: TenantIdSchema, recordId: IdSchema, html: NoteHtmlSchema });
export type TAddNoteRequest = z.infer<typeof ZAddNoteRequestSchema>;
export const ZUpdateNoteRequestSchema = z.strictObject({ tenantId: TenantIdSchema, recordId: IdSchema, noteId: IdSchema, html: NoteHtmlSchema });
export const ZNoteResponseSchema = z.object({ note: NoteViewSchema });
export const ZDeleteNoteRequestSchema = z.strictObject({ tenantId: TenantIdSchema, recordId: IdSchema, noteId: IdSchema });
export const ZDeleteNoteResponseSchema = z.object({ deleted: z.literal(true) });

// ---- members ----------------------------------------------------------------

export const ZListMembersRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export const MemberViewSchema = z.object({ uid: z.string(), name: z.string().nullable(), email: z.string().nullable() });
export type TMemberView = z.infer<typeof MemberViewSchema>;
export const ZListMembersResponseSchema = z.object({ members: z.array(MemberViewSchema) });

// ---- attachments --------------------------------------------------------------

export { ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, isAllowedAttachmentType } from '../engine/timeline/attachment-limits.js';

export const ZRequestAttachmentUploadRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  recordId: IdSchema,
  fileName: z.string().trim().min(1, 'must not be empty').max(255, 'is too long (at most 255 characters)'),
  contentType: z.string().max(200),
  size: z.number().int().min(1, 'must be a file with content').max(Number.MAX_SAFE_INTEGER),
});
export const ZRequestAttachmentUploadResponseSchema = z.object({
  attachmentId: z.string(),
  /** PUT the file's bytes here with these headers, then call crmConfirmAttachment. */
  upload: z.object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()) }),
});
export type TRequestAttachmentUploadResponse = z.infer<typeof ZRequestAttachmentUploadResponseSchema>;

export const ZAttachmentRequestSchema = z.strictObject({ tenantId: TenantIdSchema, recordId: IdSchema, attachmentId: IdSchema });
export const AttachmentViewSchema = z.object({
  id: z.string(),
  recordId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  uploadedBy: z.string(),
  createdAt: z.string(),
});
export type TAttachmentView = z.infer<typeof AttachmentViewSchema>;
export const ZAttachmentResponseSchema = z.object({ attachment: AttachmentViewSchema });
export const ZAttachmentDownloadResponseSchema = z.object({ url: z.string(), fileName: z.string() });
export const ZDeleteAttachmentResponseSchema = z.object({ deleted: z.literal(true) });

// ---- tasks on a record ----------------------------------------------------------

export const ZCreateTaskRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  recordId: IdSchema,
  title: z.string().trim().min(1, 'must not be empty').max(200, 'is too long (at most 200 characters)'),
  description: z.string().max(2000, 'is too long (at most 2,000 characters)').optional(),
  assigneeId: IdSchema,
  /** A calendar day in the tenant's zone, like workflow tasks' due dates. */
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-03-01'),
});
export type TCreateTaskRequest = z.infer<typeof ZCreateTaskRequestSchema>;
export const ZCreateTaskResponseSchema = z.object({ task: TaskViewSchema });
