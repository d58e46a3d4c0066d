/**
 * Reader of the single-JSON-file format that MemoryStore used before its
 * SQLite database: the embedded runtime imports such a file once (see
 * wiring/embedded-store.ts). Nothing writes this format any more.
 */
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StoreError, type DocumentData } from '../document-store.js';
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
