import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIndexConfig, loadIndexConfigSync, parseIndexConfig } from './load-index-config.js';
import { MemoryStore } from './memory-store.js';

describe('loadIndexConfig', () => {
  it('validates and defaults queryScope to COLLECTION', () => {
    const config = parseIndexConfig({
      indexes: [{ collectionGroup: 'records', fields: [{ fieldPath: 'a', order: 'ASCENDING' }, { fieldPath: 'b', order: 'DESCENDING' }], density: 'SPARSE_ALL' }],
      fieldOverrides: [{ collectionGroup: 'records', fieldPath: 'x', indexes: [{ order: 'ASCENDING', queryScope: 'COLLECTION_GROUP' }] }],
    });
    expect(config.indexes[0]?.queryScope).toBe('COLLECTION');
  });

  it('rejects malformed files with a readable message', () => {
    expect(() => parseIndexConfig({ indexes: [{ collectionGroup: 'r', fields: [{ fieldPath: 'a', order: 'UP' }] }] }, 'x.json')).toThrow(/x.json is not a valid firestore.indexes.json/);
    expect(() => parseIndexConfig({ indexes: [{ collectionGroup: 'r', fields: [{ fieldPath: 'a' }] }] })).toThrow(/exactly one of/);
  });

  it('loads a file (async and sync) and feeds MemoryStore', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'indexes-'));
    try {
      const path = join(dir, 'firestore.indexes.json');
      await writeFile(path, JSON.stringify({ indexes: [{ collectionGroup: 'records', queryScope: 'COLLECTION', fields: [{ fieldPath: 'a', order: 'ASCENDING' }, { fieldPath: 'n', order: 'ASCENDING' }] }], fieldOverrides: [] }));
      const indexes = await loadIndexConfig({ path });
      expect(loadIndexConfigSync({ path })).toEqual(indexes);
      const store = new MemoryStore({ indexes });
      await expect(store.query({ collection: 'r/t/records', where: [{ field: 'a', op: '==', value: 1 }], orderBy: [{ field: 'n' }] })).resolves.toEqual([]);
      expect(await loadIndexConfig({ path: join(dir, 'missing.json'), allowMissing: true })).toEqual({ indexes: [] });
      await expect(loadIndexConfig({ path: join(dir, 'missing.json') })).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
