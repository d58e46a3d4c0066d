/**
 * What may be attached to a record: the server enforces it, the SPA checks
 * it before uploading (the same constants), Cloud Storage enforces the size
 * again through the signed upload URL.
 */

/** 25 MiB, as storage.rules allow for file fields: the largest scan or document a record needs. */
export const ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
/**
 * Documents and images only, the list storage.rules allow for file fields:
 * nothing a browser would run if it opened the file (no HTML, no SVG).
 */
export const ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/heic',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.ms-excel',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const;

export function isAllowedAttachmentType(contentType: string): boolean {
  return (ATTACHMENT_TYPES as readonly string[]).includes(contentType.toLowerCase().split(';')[0]?.trim() ?? '');
}
