import type { Readable } from 'node:stream';
import type { getStorage } from 'firebase-admin/storage';
import { pipeline } from 'node:stream/promises';
import {
  DEFAULT_URL_LIFETIME_SECONDS,
  FileNotFoundError,
  isSafeFilePath,
  type FileBody,
  type FileStat,
  type FileStore,
  type UploadTarget,
} from '../services/files/file-store.js';

type Bucket = ReturnType<ReturnType<typeof getStorage>['bucket']>;

/**
 * Production: the project's default Cloud Storage bucket (firebase-admin).
 * Uploads are resumable-free single requests (`resumable: false`: our files
 * are at most tens of MB and a failed write is retried whole, which keeps the
 * object atomic). Browsers get V4 signed URLs; signing uses the function's
 * service account (needs `iam.serviceAccounts.signBlob`, see README deploy).
 */
export class CloudStorageFileStore implements FileStore {
  private bucketPromise: Promise<Bucket> | undefined;

  constructor(private readonly options: { bucketName?: string } = {}) {}

  async write(path: string, body: FileBody, options: { contentType?: string } = {}): Promise<{ size: number }> {
    const file = (await this.bucket()).file(checked(path));
    let size = 0;
    const source = typeof body === 'string' ? [Buffer.from(body, 'utf8')] : body instanceof Uint8Array ? [body] : body;
    await pipeline(
      async function* () {
        for await (const chunk of source) {
          size += chunk.byteLength;
          yield chunk;
        }
      },
      file.createWriteStream({ resumable: false, ...(options.contentType ? { contentType: options.contentType } : {}) }),
    );
    return { size };
  }

  async read(path: string): Promise<Readable> {
    const file = (await this.bucket()).file(checked(path));
    const [exists] = await file.exists();
    if (!exists) throw new FileNotFoundError(path);
    return file.createReadStream();
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const [metadata] = await (await this.bucket()).file(checked(path)).getMetadata();
      return { size: Number(metadata.size ?? 0), ...(metadata.contentType ? { contentType: metadata.contentType } : {}) };
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return null;
      throw error;
    }
  }

  async delete(path: string): Promise<void> {
    await (await this.bucket()).file(checked(path)).delete({ ignoreNotFound: true });
  }

  async downloadUrl(path: string, { fileName, expiresInSeconds }: { fileName: string; expiresInSeconds?: number }): Promise<string> {
    const [url] = await (await this.bucket()).file(checked(path)).getSignedUrl({
      version: 'v4',
      action: 'read',
      expires: Date.now() + (expiresInSeconds ?? DEFAULT_URL_LIFETIME_SECONDS) * 1000,
      responseDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    });
    return url;
  }

  async uploadUrl(path: string, options: { contentType: string; maxBytes: number; expiresInSeconds?: number }): Promise<UploadTarget> {
    const [url] = await (await this.bucket()).file(checked(path)).getSignedUrl({
      version: 'v4',
      action: 'write',
      expires: Date.now() + (options.expiresInSeconds ?? DEFAULT_URL_LIFETIME_SECONDS) * 1000,
      contentType: options.contentType,
      // The size cap is signed into the URL: Cloud Storage refuses a body outside the range.
      extensionHeaders: { 'x-goog-content-length-range': `0,${options.maxBytes}` },
    });
    return { url, method: 'PUT', headers: { 'Content-Type': options.contentType, 'x-goog-content-length-range': `0,${options.maxBytes}` } };
  }

  private bucket(): Promise<Bucket> {
    this.bucketPromise ??= (async () => {
      const [{ getApps, initializeApp }, { getStorage }] = await Promise.all([import('firebase-admin/app'), import('firebase-admin/storage')]);
      if (getApps().length === 0) initializeApp();
      return this.options.bucketName ? getStorage().bucket(this.options.bucketName) : getStorage().bucket();
    })();
    return this.bucketPromise;
  }
}

function checked(path: string): string {
  if (!isSafeFilePath(path)) throw new Error(`Not a file path: ${path}`);
  return path;
}
