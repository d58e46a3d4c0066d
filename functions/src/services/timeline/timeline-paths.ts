import { crmPaths } from '../paths.js';

/**
 * Notes and attachments live under their record, like its history: a
 * record's notes are one collection ordered by `createdAt` (Firestore's
 * automatic single-field index serves it, no composite needed), and the
 * path alone scopes them to the tenant and the record.
 */
export const timelinePaths = {
  notes: (tenantId: string, recordId: string) => `${crmPaths.record(tenantId, recordId)}/notes`,
  note: (tenantId: string, recordId: string, noteId: string) => `${crmPaths.record(tenantId, recordId)}/notes/${noteId}`,
  attachments: (tenantId: string, recordId: string) => `${crmPaths.record(tenantId, recordId)}/attachments`,
  attachment: (tenantId: string, recordId: string, attachmentId: string) => `${crmPaths.record(tenantId, recordId)}/attachments/${attachmentId}`,
} as const;
