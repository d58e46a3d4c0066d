import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as tl from '@crm/api/timeline-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { resolveFileUrl, useBackend } from '../../../lib/firebase/backend-context';

/** The timeline callables with the server's own schemas (checked before they leave, parsed before they render). */
const TIMELINE_CALLABLES = {
  crmListTimeline: { request: tl.ZListTimelineRequestSchema, response: tl.ZListTimelineResponseSchema },
  crmAddNote: { request: tl.ZAddNoteRequestSchema, response: tl.ZNoteResponseSchema },
  crmUpdateNote: { request: tl.ZUpdateNoteRequestSchema, response: tl.ZNoteResponseSchema },
  crmDeleteNote: { request: tl.ZDeleteNoteRequestSchema, response: tl.ZDeleteNoteResponseSchema },
  crmListTenantMembers: { request: tl.ZListMembersRequestSchema, response: tl.ZListMembersResponseSchema },
  crmRequestAttachmentUpload: { request: tl.ZRequestAttachmentUploadRequestSchema, response: tl.ZRequestAttachmentUploadResponseSchema },
  crmConfirmAttachment: { request: tl.ZAttachmentRequestSchema, response: tl.ZAttachmentResponseSchema },
  crmGetAttachmentDownload: { request: tl.ZAttachmentRequestSchema, response: tl.ZAttachmentDownloadResponseSchema },
  crmDeleteAttachment: { request: tl.ZAttachmentRequestSchema, response: tl.ZDeleteAttachmentResponseSchema },
  crmCreateTask: { request: tl.ZCreateTaskRequestSchema, response: tl.ZCreateTaskResponseSchema },
} as const;

export const callTimeline = createCaller(TIMELINE_CALLABLES);

export type TTimelineEntry = tl.TTimelineEntry;
export type TMemberView = tl.TMemberView;

export const TIMELINE_PAGE = 20;

const keys = {
  timeline: (tenantId: string, recordId: string) => ['crm', tenantId, 'timeline', recordId] as const,
  members: (tenantId: string) => ['crm', tenantId, 'members'] as const,
};

/** A record's activity, newest first, a page at a time; refetched whenever the record page opens. */
export function useTimeline(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  return useInfiniteQuery({
    queryKey: keys.timeline(tenantId, recordId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => callTimeline(functions, 'crmListTimeline', { tenantId, recordId, pageSize: TIMELINE_PAGE, ...(pageParam ? { cursor: pageParam } : {}) }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    staleTime: 0,
  });
}

export function useInvalidateTimeline(tenantId: string, recordId: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: keys.timeline(tenantId, recordId) });
}

/** The tenant's members for the mention picker; names change rarely, so a minute of cache is fine. */
export function useMembers(tenantId: string, enabled = true) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.members(tenantId),
    enabled,
    staleTime: 60_000,
    queryFn: async () => (await callTimeline(functions, 'crmListTenantMembers', { tenantId })).members,
  });
}

export function useAddNote(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  const invalidate = useInvalidateTimeline(tenantId, recordId);
  return useMutation({
    mutationFn: async (html: string) => (await callTimeline(functions, 'crmAddNote', { tenantId, recordId, html })).note,
    onSuccess: invalidate,
  });
}

export function useUpdateNote(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  const invalidate = useInvalidateTimeline(tenantId, recordId);
  return useMutation({
    mutationFn: async (input: { noteId: string; html: string }) => (await callTimeline(functions, 'crmUpdateNote', { tenantId, recordId, ...input })).note,
    onSuccess: invalidate,
  });
}

export function useDeleteNote(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  const invalidate = useInvalidateTimeline(tenantId, recordId);
  return useMutation({
    mutationFn: async (noteId: string) => callTimeline(functions, 'crmDeleteNote', { tenantId, recordId, noteId }),
    onSuccess: invalidate,
  });
}

/** Ask for a signed upload, PUT the bytes straight to the file store, then confirm: only a file that arrived is listed. */
export function useUploadAttachment(tenantId: string, recordId: string) {
  const backend = useBackend();
  const { functions } = backend;
  const invalidate = useInvalidateTimeline(tenantId, recordId);
  return useMutation({
    mutationFn: async (file: File) => {
      const contentType = file.type || 'application/octet-stream';
      const { attachmentId, upload } = await callTimeline(functions, 'crmRequestAttachmentUpload', { tenantId, recordId, fileName: file.name, contentType, size: file.size });
      const response = await fetch(resolveFileUrl(backend, upload.url), { method: upload.method, headers: upload.headers, body: file });
      if (!response.ok) throw new UploadFailedError(file.name, response.status);
      return (await callTimeline(functions, 'crmConfirmAttachment', { tenantId, recordId, attachmentId })).attachment;
    },
    onSuccess: invalidate,
  });
}

export class UploadFailedError extends Error {
  override readonly name = 'UploadFailedError';
  constructor(
    readonly fileName: string,
    readonly status: number,
  ) {
    super(`The upload of ${fileName} answered HTTP ${status}.`);
  }
}

export function useDownloadAttachment(tenantId: string, recordId: string) {
  const backend = useBackend();
  const { functions } = backend;
  return useMutation({
    mutationFn: async (attachmentId: string) => {
      const { url, fileName } = await callTimeline(functions, 'crmGetAttachmentDownload', { tenantId, recordId, attachmentId });
      // A link click, not window.open: the file store answers Content-Disposition: attachment, so the page stays.
      const link = document.createElement('a');
      link.href = resolveFileUrl(backend, url);
      link.download = fileName;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
    },
  });
}

export function useDeleteAttachment(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  const invalidate = useInvalidateTimeline(tenantId, recordId);
  return useMutation({
    mutationFn: async (attachmentId: string) => callTimeline(functions, 'crmDeleteAttachment', { tenantId, recordId, attachmentId }),
    onSuccess: invalidate,
  });
}

/** A task on the record for a member; the record's task list and "My tasks" (the workflows feature's queries) refresh too. */
export function useCreateTask(tenantId: string, recordId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  const invalidate = useInvalidateTimeline(tenantId, recordId);
  return useMutation({
    mutationFn: async (input: { title: string; assigneeId: string; dueDate: string }) => (await callTimeline(functions, 'crmCreateTask', { tenantId, recordId, ...input })).task,
    onSuccess: async () => {
      await Promise.all([invalidate(), client.invalidateQueries({ queryKey: ['crm', tenantId, 'workflows', 'tasks'] })]);
    },
  });
}
