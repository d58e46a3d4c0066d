import { mkdirSync } from 'node:fs';
import type { DocumentStore } from '../store/document-store.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { loadIndexConfig } from '../store/memory/load-index-config.js';
import { defaultDataDir, storeFilePath } from '../runtime/runtime-constants.js';

/**
 * The persisted `MemoryStore` of the embedded runtime (`CRM_STORE=memory`).
 *
 * One instance per process: the callables, the change feed and the seed must
 * all see the same documents, and two instances on one file would overwrite
 * each other's writes. The folder is read from `CRM_DATA_DIR` on first use.
 */
let opened: Promise<MemoryStore> | undefined;

export function openEmbeddedStore(): Promise<DocumentStore> {
  return openEmbeddedMemoryStore();
}

/** The same instance, typed as `MemoryStore` for the runtime (flush, close, whenIdle). */
export function openEmbeddedMemoryStore(): Promise<MemoryStore> {
  opened ??= createStore().catch((error: unknown) => {
    // A failed open (bad index file, unreadable data) may be retried after the cause is fixed.
    opened = undefined;
    throw error;
  });
  return opened;
}

async function createStore(): Promise<MemoryStore> {
  const dataDir = defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  // The same index list `firebase deploy` uses: a query that would need a
  // missing composite index fails here exactly as it would in production.
  const indexes = await loadIndexConfig();
  return new MemoryStore({ indexes, filePath: storeFilePath(dataDir) });
}
