import { listTimeline } from '../services/timeline/list-timeline.js';
import { withTaskNames } from '../services/timeline/task-names.js';
import { timelineFor } from '../services/timeline/timeline-service.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './timeline-schemas.js';
import type { TTaskView } from './workflow-schemas.js';

/**
 * The record timeline and what users add to it. Reading needs read on the
 * record; notes need update on it (authors edit and delete their own,
 * owners and admins may delete any); the member list is for any member
 * (the mention picker).
 */
export const TIMELINE_CALLABLES = {
  crmListTimeline: defineTenant({
    request: schemas.ZListTimelineRequestSchema,
    response: schemas.ZListTimelineResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => listTimeline(services, timelineFor(services).members, caller, input),
  }),

  crmAddNote: defineTenant({
    request: schemas.ZAddNoteRequestSchema,
    response: schemas.ZNoteResponseSchema,
    handle: async ({ caller, services }, input) => ({ note: await timelineFor(services).notes.add(caller, input.recordId, input.html) }),
  }),

  crmUpdateNote: defineTenant({
    request: schemas.ZUpdateNoteRequestSchema,
    response: schemas.ZNoteResponseSchema,
    handle: async ({ caller, services }, input) => ({ note: await timelineFor(services).notes.update(caller, input.recordId, input.noteId, input.html) }),
  }),

  crmDeleteNote: defineTenant({
    request: schemas.ZDeleteNoteRequestSchema,
    response: schemas.ZDeleteNoteResponseSchema,
    handle: async ({ caller, services }, input) => {
      await timelineFor(services).notes.remove(caller, input.recordId, input.noteId);
      return { deleted: true as const };
    },
  }),

  crmRequestAttachmentUpload: defineTenant({
    request: schemas.ZRequestAttachmentUploadRequestSchema,
    response: schemas.ZRequestAttachmentUploadResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => timelineFor(services).attachments.requestUpload(caller, input),
  }),

  crmConfirmAttachment: defineTenant({
    request: schemas.ZAttachmentRequestSchema,
    response: schemas.ZAttachmentResponseSchema,
    handle: async ({ caller, services }, input) => ({ attachment: await timelineFor(services).attachments.confirm(caller, input.recordId, input.attachmentId) }),
  }),

  crmGetAttachmentDownload: defineTenant({
    request: schemas.ZAttachmentRequestSchema,
    response: schemas.ZAttachmentDownloadResponseSchema,
    handle: async ({ caller, services }, input) => timelineFor(services).attachments.downloadUrl(caller, input.recordId, input.attachmentId),
  }),

  crmDeleteAttachment: defineTenant({
    request: schemas.ZAttachmentRequestSchema,
    response: schemas.ZDeleteAttachmentResponseSchema,
    handle: async ({ caller, services }, input) => {
      await timelineFor(services).attachments.remove(caller, input.recordId, input.attachmentId);
      return { deleted: true as const };
    },
  }),

  crmCreateTask: defineTenant({
    request: schemas.ZCreateTaskRequestSchema,
    response: schemas.ZCreateTaskResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => {
      const timeline = timelineFor(services);
      const [task] = await withTaskNames(timeline.members, caller.tenantId, [await timeline.tasks.create(caller, input)]);
      return { task: task as TTaskView };
    },
  }),

  crmListTenantMembers: defineTenant({
    request: schemas.ZListMembersRequestSchema,
    response: schemas.ZListMembersResponseSchema,
    handle: async ({ caller, services }) => ({ members: await timelineFor(services).members.listMembers(caller.tenantId) }),
  }),
} as const;
