import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory/memory-store.js';
import { importLegacyStore } from './embedded-store.js';

describe('importLegacyStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'legacy-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const legacyFile = {
    format: 'crm-pro-memory-store',
    version: 1,
    documents: [
      { path: 'c/a', createTime: '2026-01-02T03:04:05.000Z', updateTime: '2026-01-03T03:04:05.000Z', data: { n: 1, when: { __date__: '2026-01-01T00:00:00.000Z' } } },
      { path: 'c/a/sub/b', createTime: '2026-01-02T03:04:05.000Z', updateTime: '2026-01-02T03:04:05.000Z', data: { tags: ['x'] } },
    ],
  };

  it('imports the old JSON store once, with its times, and keeps the file as a backup', async () => {
    await writeFile(join(dir, 'store.json'), JSON.stringify(legacyFile));
    const store = new MemoryStore({ filePath: join(dir, 'store.sqlite') });
    const lines: string[] = [];
    expect(await importLegacyStore(store, dir, (line) => lines.push(line))).toBe(2);
    const a = await store.get('c/a');
    expect(a?.data).toEqual({ n: 1, when: new Date('2026-01-01T00:00:00.000Z') });
    expect(a?.createTime.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(a?.updateTime.toISOString()).toBe('2026-01-03T03:04:05.000Z');
    expect((await store.query({ collection: 'c/a/sub', where: [{ field: 'tags', op: 'array-contains', value: 'x' }] })).map((d) => d.id)).toEqual(['b']);
    expect(lines[0]).toMatch(/Imported 2 documents .* kept as .*store\.json\.imported-.*\.bak/);
    const files = await readdir(dir);
    expect(files).not.toContain('store.json');
    expect(files.some((f) => f.startsWith('store.json.imported-'))).toBe(true);
    // A second start finds nothing to import.
    expect(await importLegacyStore(store, dir, (line) => lines.push(line))).toBe(0);
    await store.close();
  });

  it('never imports over a database that already holds data', async () => {
    const store = new MemoryStore({ filePath: join(dir, 'store.sqlite') });
    await store.set('c/existing', { v: 1 });
    await writeFile(join(dir, 'store.json'), JSON.stringify(legacyFile));
    const lines: string[] = [];
    expect(await importLegacyStore(store, dir, (line) => lines.push(line))).toBe(0);
    expect(await store.get('c/a')).toBeNull();
    expect(lines[0]).toMatch(/was not imported/);
    await store.close();
  });
});
