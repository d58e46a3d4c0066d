/**
 * On-disk format of MemoryStore and its crash-safe writer.
 *
 * The file is replaced atomically: write a temp file in the same directory,
 * fsync it, rename it over the target, fsync the directory. A crash at any
 * point leaves either the previous complete file or the new complete file;
 * a torn temp file is never read (and is cleaned up on the next load).
 */
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreError, type DocumentData, type StoreValue } from '../document-store.js';
import { copyIn, isPlainObject } from './write-data.js';

export const FORMAT_VERSION = 1;
/** Dates are tagged with a key Firestore reserves, so no user field can collide with it. */
const DATE_TAG = '__date__';

export interface PersistedDocument {
  readonly path: string;
  readonly data: DocumentData;
  readonly createTime: Date;
  readonly updateTime: Date;
}

function encodeValue(value: StoreValue): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    // JSON has no NaN/Infinity/-0; tag them so they survive.
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { __number__: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value instanceof Date) return { [DATE_TAG]: value.toISOString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = encodeValue(value[key] as StoreValue);
  return out;
}

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === DATE_TAG) return new Date(String(value[DATE_TAG]));
    if (keys.length === 1 && keys[0] === '__number__') return Number(value['__number__']);
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of keys) out[key] = decodeValue(value[key]);
    return out;
  }
  return value;
}

export function serializeDocuments(docs: Iterable<PersistedDocument>): string {
  const documents = [];
  for (const d of docs) {
    documents.push({
      path: d.path,
      createTime: d.createTime.toISOString(),
      updateTime: d.updateTime.toISOString(),
      data: encodeValue(d.data),
    });
  }
  return JSON.stringify({ format: 'crm-pro-memory-store', version: FORMAT_VERSION, documents });
}

export function deserializeDocuments(text: string, source: string): PersistedDocument[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StoreError('failed-precondition', `MemoryStore file ${source} is not valid JSON (${(error as Error).message}); refusing to start over it.`);
  }
  if (!isPlainObject(parsed) || parsed['version'] !== FORMAT_VERSION || !Array.isArray(parsed['documents'])) {
    throw new StoreError('failed-precondition', `MemoryStore file ${source} has an unknown format.`);
  }
  return (parsed['documents'] as unknown[]).map((raw, i) => {
    if (!isPlainObject(raw) || typeof raw['path'] !== 'string') {
      throw new StoreError('failed-precondition', `MemoryStore file ${source}: document #${i} is malformed.`);
    }
    // copyIn re-validates the decoded data: a hand-edited file cannot smuggle in bad values.
    const data = copyIn(decodeValue(raw['data']), raw['path']) as DocumentData;
    return {
      path: raw['path'],
      data,
      createTime: new Date(String(raw['createTime'])),
      updateTime: new Date(String(raw['updateTime'])),
    };
  });
}

function tempPrefix(filePath: string): string {
  return `.${basename(filePath)}.tmp-`;
}

/**
 * Loads the last complete file (or null if none) and removes temp files left
 * behind by a crash mid-write. Synchronous because it runs in a constructor.
 */
export function loadDocumentsSync(filePath: string): PersistedDocument[] | null {
  const dir = dirname(filePath);
  try {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(tempPrefix(filePath))) {
        try {
          unlinkSync(join(dir, name));
        } catch {
          // Another process may have removed it already; harmless.
        }
      }
    }
  } catch {
    // Directory does not exist yet: nothing to clean, nothing to load.
  }
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return deserializeDocuments(text, filePath);
}

/** Atomically replaces `filePath` with `contents`. */
export async function writeFileAtomic(filePath: string, contents: string): Promise<void> {
  const dir = dirname(filePath);
  const temp = join(dir, `${tempPrefix(filePath)}${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, filePath);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable; not supported on every platform, so best effort.
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // e.g. Windows cannot fsync a directory.
  }
}
