import type { Readable } from 'node:stream';

/**
 * Where the CRM keeps files that are not documents: import sources, export
 * and error files, record attachments. One small port with three adapters:
 * Cloud Storage when deployed (`adapters/cloud-storage-file-store.ts`), a
 * folder under the data directory in the embedded runtime
 * (`adapters/local-file-store.ts`), memory in unit tests. Every path lives
 * under `crm/{tenantId}/` (see `tenantFiles`), the same prefix storage.rules
 * give the tenant, so a path names its tenant and nothing can cross over.
 */
export interface FileStore {
  /** Atomic: a reader sees the old file or the whole new one, never a part. */
  write(path: string, body: FileBody, options?: { contentType?: string }): Promise<{ size: number }>;
  /** Streams the file; rejects with `FileNotFoundError` when there is none. */
  read(path: string): Promise<Readable>;
  stat(path: string): Promise<FileStat | null>;
  /** Deleting a missing file is not an error. */
  delete(path: string): Promise<void>;
  /** A URL the browser can GET for a limited time, served as an attachment named `fileName`. */
  downloadUrl(path: string, options: { fileName: string; expiresInSeconds?: number }): Promise<string>;
  /** A URL the browser can PUT one file to: this path only, at most `maxBytes`, this content type. */
  uploadUrl(path: string, options: { contentType: string; maxBytes: number; expiresInSeconds?: number }): Promise<UploadTarget>;
}

export type FileBody = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface FileStat {
  readonly size: number;
  readonly contentType?: string;
}

export interface UploadTarget {
  /** Absolute (Cloud Storage) or relative to the functions origin (embedded runtime: `/__crm/files/…`). */
  readonly url: string;
  readonly method: 'PUT';
  /** Headers the upload must send as they are (the content type is part of the signature). */
  readonly headers: Record<string, string>;
}

export class FileNotFoundError extends Error {
  override readonly name = 'FileNotFoundError';
  constructor(readonly path: string) {
    super(`No file at ${path}`);
  }
}

/** How long a signed URL lives unless the caller says otherwise. */
export const DEFAULT_URL_LIFETIME_SECONDS = 15 * 60;

/**
 * The server's own folders sit beside the modules' upload folders
 * (`crm/{tenantId}/{module}/`, see engine/fields/file-storage-path.ts);
 * module slugs cannot start with `_`, so the two never meet.
 */
export const tenantFiles = {
  prefix: (tenantId: string) => `crm/${tenantId}/`,
  importSource: (tenantId: string, jobId: string, fileName: string) => `crm/${tenantId}/_imports/${jobId}/${safeFileName(fileName)}`,
  jobOutput: (tenantId: string, jobId: string, fileName: string) => `crm/${tenantId}/_jobs/${jobId}/${safeFileName(fileName)}`,
  attachment: (tenantId: string, module: string, recordId: string, attachmentId: string, fileName: string) =>
    `crm/${tenantId}/_attachments/${module}/${recordId}/${attachmentId}/${safeFileName(fileName)}`,
} as const;

/**
 * A user's file name as the last segment of a path: no separators, no dot
 * segments, no control characters, at most 120 characters (the extension kept).
 */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.normalize('NFC').replace(/[\u0000-\u001f\u007f/\\]/g, '_').replace(/^\.+/, '_').trim();
  const base = cleaned === '' ? 'file' : cleaned;
  if (base.length <= 120) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 && base.length - dot <= 12 ? base.slice(dot) : '';
  return base.slice(0, 120 - extension.length) + extension;
}

/** Whether a path is a well-formed file path: relative, no empty, `.` or `..` segments. */
export function isSafeFilePath(path: string): boolean {
  if (path.length === 0 || path.length > 1024 || path.startsWith('/')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Reads a whole body into one buffer (small files: previews, tests). */
export async function collectBody(body: FileBody): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
