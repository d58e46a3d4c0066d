import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { collectBody, FileNotFoundError, isSafeFilePath, type FileBody, type FileStat } from './file-store.js';
import { SignedUrlFileStore } from './signed-url-file-store.js';

/** Files in memory, for unit tests: same contract and signed URLs as the local folder. */
export class MemoryFileStore extends SignedUrlFileStore {
  private readonly files = new Map<string, { bytes: Buffer; contentType?: string }>();

  constructor(options: { secret?: Uint8Array; now?: () => number } = {}) {
    super({ secret: options.secret ?? randomBytes(32), ...(options.now ? { now: options.now } : {}) });
  }

  async write(path: string, body: FileBody, options: { contentType?: string } = {}): Promise<{ size: number }> {
    assertPath(path);
    // Collected before it is stored: a body that fails half-way stores nothing (atomic, like the folder's rename).
    const bytes = await collectBody(body);
    this.files.set(path, { bytes, ...(options.contentType ? { contentType: options.contentType } : {}) });
    return { size: bytes.length };
  }

  async read(path: string): Promise<Readable> {
    const file = this.files.get(path);
    if (!file) throw new FileNotFoundError(path);
    return Readable.from([file.bytes]);
  }

  async stat(path: string): Promise<FileStat | null> {
    const file = this.files.get(path);
    return file ? { size: file.bytes.length, ...(file.contentType ? { contentType: file.contentType } : {}) } : null;
  }

  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }

  /** Paths under a prefix (tests). */
  list(prefix = ''): string[] {
    return [...this.files.keys()].filter((path) => path.startsWith(prefix)).sort();
  }
}

function assertPath(path: string): void {
  if (!isSafeFilePath(path)) throw new Error(`Not a file path: ${path}`);
}
