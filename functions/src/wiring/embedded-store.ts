import { existsSync, mkdirSync, renameSync } from 'node:fs';
import type { DocumentStore } from '../store/document-store.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { loadIndexConfig } from '../store/memory/load-index-config.js';
import { loadDocumentsSync } from '../store/memory/legacy-json-store.js';
import { defaultDataDir, legacyStoreFilePath, storeFilePath } from '../runtime/runtime-constants.js';

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
  const store = new MemoryStore({ indexes, filePath: storeFilePath(dataDir) });
  await importLegacyStore(store, dataDir);
  return store;
}

/**
 * A data folder from before the SQLite store holds `store.json`: import it
 * into the new database once (atomically), then rename it to a backup so it is
 * neither imported again nor lost.
 */
export async function importLegacyStore(store: MemoryStore, dataDir: string, log: (line: string) => void = console.log): Promise<number> {
  const legacy = legacyStoreFilePath(dataDir);
  if (!existsSync(legacy)) return 0;
  if (store.documentCount() > 0) {
    log(`  ${legacy} was not imported: the store database already holds data. Move the file away to silence this message.`);
    return 0;
  }
  const docs = loadDocumentsSync(legacy) ?? [];
  const n = await store.importDocuments(docs);
  const backup = `${legacy}.imported-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
  renameSync(legacy, backup);
  log(`  Imported ${n} documents from ${legacy} into the SQLite store; the old file is kept as ${backup}.`);
  return n;
}
