import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DEFAULT_URL_LIFETIME_SECONDS,
  isSafeFilePath,
  type FileBody,
  type FileStat,
  type FileStore,
  type UploadTarget,
} from './file-store.js';

/** Where the embedded runtime serves signed file URLs (runtime-server.ts). */
export const FILE_ROUTE_PREFIX = '/__crm/files/';

/** What a verified URL allows: one operation on one path until `expires` (epoch seconds). */
export interface FileGrant {
  readonly op: 'get' | 'put';
  readonly path: string;
  readonly expires: number;
  readonly fileName?: string;
  readonly contentType?: string;
  readonly maxBytes?: number;
}

export class UploadRefusedError extends Error {
  override readonly name = 'UploadRefusedError';
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

/**
 * The file stores that hand out their own signed URLs (memory, local folder):
 * a URL is a capability — HMAC-SHA256 over the operation, path, expiry and
 * limits — checked by `grantFor` in the runtime's file route, the way Cloud
 * Storage checks a V4 signature. Subclasses provide the bytes.
 */
export abstract class SignedUrlFileStore implements FileStore {
  private readonly secret: Buffer;
  private readonly nowMs: () => number;

  protected constructor(options: { secret: Uint8Array; now?: () => number }) {
    if (options.secret.length < 32) throw new Error('A file URL secret needs at least 32 bytes.');
    this.secret = Buffer.from(options.secret);
    this.nowMs = options.now ?? Date.now;
  }

  abstract write(path: string, body: FileBody, options?: { contentType?: string }): Promise<{ size: number }>;
  abstract read(path: string): Promise<Readable>;
  abstract stat(path: string): Promise<FileStat | null>;
  abstract delete(path: string): Promise<void>;

  async downloadUrl(path: string, { fileName, expiresInSeconds }: { fileName: string; expiresInSeconds?: number }): Promise<string> {
    return this.sign({ op: 'get', path, expires: this.expiry(expiresInSeconds), fileName });
  }

  async uploadUrl(path: string, options: { contentType: string; maxBytes: number; expiresInSeconds?: number }): Promise<UploadTarget> {
    const url = this.sign({ op: 'put', path, expires: this.expiry(options.expiresInSeconds), contentType: options.contentType, maxBytes: options.maxBytes });
    return { url, method: 'PUT', headers: { 'Content-Type': options.contentType } };
  }

  /** The grant a URL (path and query, as the server received it) carries, or null if forged, altered or expired. */
  grantFor(url: string, op: 'get' | 'put'): FileGrant | null {
    const parsed = new URL(url, 'http://local.invalid');
    if (!parsed.pathname.startsWith(FILE_ROUTE_PREFIX)) return null;
    let path: string;
    try {
      path = parsed.pathname.slice(FILE_ROUTE_PREFIX.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      return null;
    }
    const query = parsed.searchParams;
    const expires = Number(query.get('exp'));
    const maxText = query.get('max');
    const grant: FileGrant = {
      op,
      path,
      expires,
      ...(query.get('name') !== null ? { fileName: query.get('name')! } : {}),
      ...(query.get('type') !== null ? { contentType: query.get('type')! } : {}),
      ...(maxText !== null ? { maxBytes: Number(maxText) } : {}),
    };
    if (query.get('op') !== op || !Number.isSafeInteger(expires) || !isSafeFilePath(path)) return null;
    const given = Buffer.from(query.get('sig') ?? '', 'base64url');
    const expected = this.signature(grant);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (expires * 1000 < this.nowMs()) return null;
    return grant;
  }

  /**
   * Stores an upload under a `put` grant: the declared content type must be
   * the signed one, and the body is cut off (nothing stored) past `maxBytes`.
   */
  async acceptUpload(grant: FileGrant, body: AsyncIterable<Uint8Array>, contentType: string | undefined): Promise<{ size: number }> {
    if (grant.contentType !== undefined && normaliseType(contentType) !== normaliseType(grant.contentType)) {
      throw new UploadRefusedError(415, `This upload must be sent as ${grant.contentType}.`);
    }
    const limit = grant.maxBytes ?? Number.POSITIVE_INFINITY;
    async function* limited(): AsyncIterable<Uint8Array> {
      let size = 0;
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > limit) throw new UploadRefusedError(413, `The file is larger than the ${limit} bytes allowed.`);
        yield chunk;
      }
    }
    return this.write(grant.path, limited(), grant.contentType !== undefined ? { contentType: grant.contentType } : {});
  }

  private expiry(seconds: number | undefined): number {
    return Math.floor(this.nowMs() / 1000) + (seconds ?? DEFAULT_URL_LIFETIME_SECONDS);
  }

  private sign(grant: FileGrant): string {
    if (!isSafeFilePath(grant.path)) throw new Error(`Not a file path: ${grant.path}`);
    const query = new URLSearchParams({ op: grant.op, exp: String(grant.expires) });
    if (grant.fileName !== undefined) query.set('name', grant.fileName);
    if (grant.contentType !== undefined) query.set('type', grant.contentType);
    if (grant.maxBytes !== undefined) query.set('max', String(grant.maxBytes));
    query.set('sig', this.signature(grant).toString('base64url'));
    return `${FILE_ROUTE_PREFIX}${grant.path.split('/').map(encodeURIComponent).join('/')}?${query.toString()}`;
  }

  private signature(grant: FileGrant): Buffer {
    const canonical = [grant.op, grant.path, grant.expires, grant.fileName ?? '', grant.contentType ?? '', grant.maxBytes ?? ''].join('\n');
    return createHmac('sha256', this.secret).update(canonical).digest();
  }
}

function normaliseType(type: string | undefined): string {
  return (type ?? '').split(';')[0]!.trim().toLowerCase();
}
