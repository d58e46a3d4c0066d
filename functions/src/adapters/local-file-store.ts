import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileNotFoundError, isSafeFilePath, type FileBody, type FileStat } from '../services/files/file-store.js';
import { SignedUrlFileStore } from '../services/files/signed-url-file-store.js';

/**
 * The embedded runtime's bucket: a folder under the data directory
 * (`<data>/files/crm/{tenantId}/…`). A write goes to a temporary file in the
 * same folder, is fsynced, renamed over the target and the folder fsynced, so
 * a crash leaves the old file or the new one, never a torn one. URLs are
 * signed with a secret kept beside the files, served by the runtime at
 * `/__crm/files/…` (runtime-server.ts).
 */
export class LocalFileStore extends SignedUrlFileStore {
  private constructor(private readonly root: string, secret: Uint8Array, now?: () => number) {
    super({ secret, ...(now ? { now } : {}) });
  }

  /** Opens (creating if needed) the folder and its URL secret. */
  static async open(root: string, options: { now?: () => number } = {}): Promise<LocalFileStore> {
    await mkdir(root, { recursive: true });
    const secretPath = join(root, '.url-secret');
    let secret: Buffer;
    try {
      secret = await readFile(secretPath);
    } catch {
      secret = randomBytes(32);
      await writeFile(secretPath, secret, { mode: 0o600, flag: 'wx' }).catch(async () => {
        secret = await readFile(secretPath); // another opener won the race: use its secret
      });
    }
    return new LocalFileStore(root, secret, options.now);
  }

  async write(path: string, body: FileBody, options: { contentType?: string } = {}): Promise<{ size: number }> {
    const target = this.locate(path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
    let size = 0;
    // Created before anything is piped: a stream opening its file lazily could create it after a failed
    // body's clean-up had already run, and leave the temporary file behind.
    const handle = await open(temporary, 'wx');
    try {
      const out = handle.createWriteStream();
      const source = typeof body === 'string' ? [Buffer.from(body, 'utf8')] : body instanceof Uint8Array ? [body] : body;
      await pipeline(async function* () {
        for await (const chunk of source) {
          size += chunk.byteLength;
          yield chunk;
        }
      }, out);
      await fsyncPath(temporary);
      await rename(temporary, target);
      if (options.contentType) await writeFile(`${target}.content-type`, options.contentType);
      else await rm(`${target}.content-type`, { force: true });
      await fsyncPath(dirname(target));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { size };
  }

  async read(path: string): Promise<Readable> {
    const target = this.locate(path);
    if (!(await this.stat(path))) throw new FileNotFoundError(path);
    return createReadStream(target);
  }

  async stat(path: string): Promise<FileStat | null> {
    const target = this.locate(path);
    try {
      const info = await stat(target);
      if (!info.isFile()) return null;
      const contentType = await readFile(`${target}.content-type`, 'utf8').catch(() => undefined);
      return { size: info.size, ...(contentType ? { contentType } : {}) };
    } catch {
      return null;
    }
  }

  async delete(path: string): Promise<void> {
    const target = this.locate(path);
    await rm(target, { force: true });
    await rm(`${target}.content-type`, { force: true });
  }

  private locate(path: string): string {
    // `.partial` and `.content-type` are this store's own suffixes: refusing them keeps them unaddressable.
    if (!isSafeFilePath(path) || /\.(partial|content-type)$/.test(path) || path.startsWith('.')) {
      throw new Error(`Not a file path: ${path}`);
    }
    return join(this.root, ...path.split('/'));
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
