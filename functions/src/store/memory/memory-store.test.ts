import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError, type DocumentChange } from '../document-store.js';
import { MemoryStore } from './memory-store.js';

const records = 'crm_tenants/t1/records';

describe('MemoryStore index enforcement', () => {
  it('fails a query lacking a composite index with failed-precondition naming the index', async () => {
    const store = new MemoryStore({ indexes: { indexes: [] } });
    await store.set(`${records}/r1`, { tokens: ['status:open'], createdAt: new Date() });
    const spec = {
      collection: records,
      where: [{ field: 'tokens', op: 'array-contains' as const, value: 'status:open' }],
      orderBy: [{ field: 'createdAt', direction: 'desc' as const }],
    };
    const error = await store.query(spec).catch((e: unknown) => e);
    expect(isStoreError(error, 'failed-precondition')).toBe(true);
    expect((error as Error).message).toBe(
      'The query requires an index: collectionGroup=records (COLLECTION) fields [tokens CONTAINS, createdAt DESCENDING]. Add it to firestore.indexes.json.',
    );
    // Aggregations follow the same rule.
    await expect(store.aggregate(spec, { n: { op: 'count' } })).rejects.toThrow(/requires an index/);
    // No read is billed for a refused query.
    expect(store.meter.read().reads).toBe(0);

    const indexed = new MemoryStore({
      indexes: {
        indexes: [
          { collectionGroup: 'records', queryScope: 'COLLECTION', fields: [{ fieldPath: 'tokens', arrayConfig: 'CONTAINS' }, { fieldPath: 'createdAt', order: 'DESCENDING' }] },
        ],
      },
    });
    await indexed.set(`${records}/r1`, { tokens: ['status:open'], createdAt: new Date() });
    expect(await indexed.query(spec)).toHaveLength(1);
  });

  it('enforces indexes inside transactions too, and can be switched off', async () => {
    const store = new MemoryStore();
    await expect(
      store.runTransaction((tx) => tx.query({ collection: records, where: [{ field: 'a', op: '==', value: 1 }], orderBy: [{ field: 'b' }] })),
    ).rejects.toThrow(/a ASCENDING, b ASCENDING/);
    const lax = new MemoryStore({ enforceIndexes: false });
    expect(await lax.query({ collection: records, where: [{ field: 'a', op: '==', value: 1 }], orderBy: [{ field: 'b' }] })).toEqual([]);
  });
});

describe('MemoryStore document limits (Firestore refuses the write)', () => {
  const indexes = {
    indexes: [{ collectionGroup: 'records', fields: [{ fieldPath: 'tokens', arrayConfig: 'CONTAINS' as const }, { fieldPath: 'seq', order: 'ASCENDING' as const }] }],
    fieldOverrides: [{ collectionGroup: 'records', fieldPath: 'blob', indexes: [] }],
  };

  it('refuses a document over 1 MiB, naming it, and writes nothing of the commit', async () => {
    const store = new MemoryStore({ indexes });
    const batch = store.batch();
    batch.set('t/a/records/ok', { n: 1 });
    batch.set('t/a/records/big', { blob: 'x'.repeat(1_048_576) });
    await expect(batch.commit()).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/t\/a\/records\/big is \d+ bytes; Firestore allows at most 1048576/) });
    expect(await store.get('t/a/records/ok')).toBeNull();
  });

  it('refuses a document with more than 20,000 fields', async () => {
    const store = new MemoryStore({ indexes });
    const wide = Object.fromEntries(Array.from({ length: 20_001 }, (_, i) => [`f${i}`, 1]));
    await expect(store.set('t/a/records/wide', { blob: wide })).rejects.toThrow(/has 20002 fields; Firestore allows at most 20000/); // the map itself and its 20,001 subfields
  });

  it('counts index entries as Firestore does (exemptions honoured) and refuses more than 40,000', async () => {
    const store = new MemoryStore({ indexes });
    store.meter.reset();
    // 2 (seq asc/desc) + 3 tokens contains + 2 (tokens asc/desc) + 3 composite (tokens x seq) + 0 for the exempt map
    await store.set('t/a/records/r', { seq: 1, tokens: ['a', 'b', 'b', 'c'], blob: { x: 1, y: [1, 2] } });
    expect(store.meter.read().indexEntries).toBe(10);
    const tokens = Array.from({ length: 20_000 }, (_, i) => `t${i}`);
    await expect(store.set('t/a/records/many', { seq: 2, tokens })).rejects.toThrow(/needs 40004 index entries; Firestore allows at most 40000/);
    // Exempt from single-field indexes, the same array is fine.
    await store.set('t/a/records/exempt', { blob: { tokens } });
  });
});

describe('MemoryStore transactions', () => {
  it('aborts a read when a document read earlier was written since, and retries the whole function', async () => {
    const store = new MemoryStore();
    await store.set('c/a', { n: 1 });
    await store.set('c/b', { n: 1 });
    let attempts = 0;
    const result = await store.runTransaction(async (tx) => {
      attempts++;
      const a = await tx.get('c/a');
      if (attempts === 1) await store.set('c/a', { n: 2 }); // another writer gets in between two reads
      const b = await tx.get('c/b');
      tx.set('c/sum', { n: (a?.data['n'] as number) + (b?.data['n'] as number) });
      return attempts;
    });
    expect(result).toBe(2);
    expect((await store.get('c/sum'))?.data).toEqual({ n: 3 });
  });

  it('does not retry when the function turns the abort into its own error, as the Admin SDK would not', async () => {
    const store = new MemoryStore();
    await store.set('c/a', { n: 1 });
    let attempts = 0;
    const failure = store.runTransaction(async (tx) => {
      attempts++;
      await tx.get('c/a');
      await store.set('c/a', { n: attempts + 1 });
      try {
        await tx.get('c/b');
      } catch (error) {
        throw new Error(`wrapped: ${(error as Error).message}`);
      }
    });
    await expect(failure).rejects.toThrow(/^wrapped: Transaction contention/);
    expect(attempts).toBe(1);
  });

  it('gives up with aborted after the bounded number of attempts when contention never ends', async () => {
    const store = new MemoryStore({ maxTransactionAttempts: 3 });
    await store.set('c/a', { n: 1 });
    let attempts = 0;
    const failure = store.runTransaction(async (tx) => {
      attempts++;
      await tx.get('c/a');
      await store.set('c/a', { n: attempts + 100 });
      await tx.get('c/b');
    });
    await expect(failure).rejects.toMatchObject({ code: 'aborted' });
    expect(attempts).toBe(3);
  });

  it('keeps 200 concurrent read-modify-write transactions lossless', async () => {
    const store = new MemoryStore();
    await store.set('counters/c', { n: 0 });
    await Promise.all(
      Array.from({ length: 200 }, () =>
        store.runTransaction(async (tx) => {
          const snap = await tx.get('counters/c');
          await new Promise((r) => setImmediate(r));
          tx.set('counters/c', { n: (snap?.data['n'] as number) + 1 });
        }),
      ),
    );
    expect((await store.get('counters/c'))?.data['n']).toBe(200);
  });

  it('aborts after the maximum attempts and bills the reads of every attempt', async () => {
    const store = new MemoryStore({ maxTransactionAttempts: 3 });
    await store.set('counters/c', { n: 0 });
    store.meter.reset();
    let attempts = 0;
    const error = await store
      .runTransaction(async (tx) => {
        attempts++;
        await tx.get('counters/c');
        await store.set('counters/c', { n: attempts }); // a blind write always invalidates the read
        tx.update('counters/c', { n: -1 });
      })
      .catch((e: unknown) => e);
    expect(isStoreError(error, 'aborted')).toBe(true);
    expect(attempts).toBe(3);
    expect(store.meter.read()).toMatchObject({ reads: 3, writes: 3, deletes: 0 });
    expect((await store.get('counters/c'))?.data['n']).toBe(3);
  });

  it('retries when a document read as missing gets created (no lost inserts)', async () => {
    const store = new MemoryStore();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        store.runTransaction(async (tx) => {
          const existing = await tx.get('slots/s');
          await new Promise((r) => setImmediate(r));
          if (existing) return false;
          tx.create('slots/s', { owner: i });
          return true;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled' && r.value === true)).toHaveLength(1);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('refuses use of a transaction object after it finished', async () => {
    const store = new MemoryStore();
    let leaked: Parameters<Parameters<MemoryStore['runTransaction']>[0]>[0] | null = null;
    await store.runTransaction(async (tx) => {
      leaked = tx;
    });
    expect(() => leaked?.set('a/b', { x: 1 })).toThrow(/already finished/);
  });
});

describe('MemoryStore change feed', () => {
  it('reports listener errors through onListenerError and keeps delivering in commit order', async () => {
    const errors: Array<[unknown, string]> = [];
    const store = new MemoryStore({ onListenerError: (error, change) => errors.push([error, change.path]) });
    const seen: string[] = [];
    store.onChange('records', async (c) => {
      await new Promise((r) => setTimeout(r, c.path.endsWith('a') ? 20 : 0)); // slow first event
      seen.push(`${c.kind}:${c.path}`);
      if (c.path.endsWith('b')) throw new Error('bad listener');
    });
    const b = store.batch();
    b.set(`${records}/a`, { v: 1 }).set(`${records}/b`, { v: 1 });
    await b.commit();
    await store.delete(`${records}/a`);
    expect(seen).toEqual([]); // never delivered inside the writer's await chain
    await store.whenIdle();
    expect(seen).toEqual([`created:${records}/a`, `created:${records}/b`, `deleted:${records}/a`]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toBe(`${records}/b`);
  });

  it('emits one net change per document per commit and none for no-op writes', async () => {
    const store = new MemoryStore();
    const events: DocumentChange[] = [];
    store.onChange('records', (c) => {
      events.push(c);
    });
    await store.set(`${records}/x`, { v: 1 });
    await store.set(`${records}/x`, { v: 1 }); // unchanged
    await store.runTransaction(async (tx) => {
      tx.update(`${records}/x`, { v: 2 }).update(`${records}/x`, { w: 3 });
    });
    const b = store.batch();
    b.create(`${records}/tmp`, { v: 1 }).delete(`${records}/tmp`);
    await b.commit();
    await store.whenIdle();
    expect(events.map((e) => [e.kind, e.before, e.after])).toEqual([
      ['created', null, { v: 1 }],
      ['updated', { v: 1 }, { v: 2, w: 3 }],
    ]);
  });

  it('stops delivering after unsubscribe and only matches the parent collection id', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    const off = store.onChange('records', (c) => {
      seen.push(c.path);
    });
    await store.set(`${records}/a`, { v: 1 });
    await store.set(`${records}/a/notes/n`, { v: 1 });
    await store.whenIdle();
    off();
    await store.set(`${records}/b`, { v: 1 });
    await store.whenIdle();
    expect(seen).toEqual([`${records}/a`]);
  });
});

describe('MemoryStore production-shaped change feed', () => {
  async function deliveries(seed: number, failFirst = new Set<string>()): Promise<{ order: string[]; maxInFlight: number }> {
    const store = new MemoryStore({ changeFeed: { mode: 'production', seed }, onListenerError: () => undefined });
    const order: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const failed = new Set<string>();
    store.onChange('c', async (change) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      order.push(change.path);
      if (failFirst.has(change.path) && !failed.has(change.path)) {
        failed.add(change.path);
        throw new Error('transient');
      }
    });
    for (let i = 0; i < 30; i++) await store.set(`c/${String(i).padStart(2, '0')}`, { i });
    await store.whenIdle();
    return { order, maxInFlight };
  }

  it('delivers every change at least once, some twice, out of order and concurrently, replayable by seed', async () => {
    const a = await deliveries(7);
    const paths = Array.from({ length: 30 }, (_, i) => `c/${String(i).padStart(2, '0')}`);
    expect(new Set(a.order)).toEqual(new Set(paths));
    expect(a.order.length).toBeGreaterThan(30);
    expect(a.order.slice(0, 30)).not.toEqual(paths);
    expect(a.maxInFlight).toBeGreaterThan(1);
    expect((await deliveries(7)).order).toEqual(a.order);
    expect((await deliveries(8)).order).not.toEqual(a.order);
  });

  it('delivers a change again after its listener throws', async () => {
    const { order } = await deliveries(3, new Set(['c/05', 'c/17']));
    expect(order.filter((p) => p === 'c/05').length).toBeGreaterThanOrEqual(2);
    expect(order.filter((p) => p === 'c/17').length).toBeGreaterThanOrEqual(2);
  });
});

describe('MemoryStore persistence', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'memory-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips every value type (Dates, NaN, -0, Infinity) through the file', async () => {
    const filePath = join(dir, 'store.sqlite');
    const a = new MemoryStore({ filePath });
    const data = { when: new Date('2024-05-06T07:08:09.010Z'), nested: { list: [new Date(0), NaN, -0, Infinity, null, 'x'] }, t: true };
    await a.set('c/d', data);
    await a.set('c/d/sub/e', { n: 1 });
    await a.close();
    const b = new MemoryStore({ filePath });
    const doc = await b.get('c/d');
    expect(doc?.data).toEqual(data);
    expect(Object.is((doc?.data['nested'] as { list: unknown[] }).list[2], -0)).toBe(true);
    expect(doc?.createTime.getTime()).toBeGreaterThan(0);
    expect((await b.get('c/d/sub/e'))?.data).toEqual({ n: 1 });
    await expect(b.close()).resolves.toBeUndefined();
  });

  it('keeps every acknowledged write in the file even when the process never closes the store (crash)', async () => {
    const filePath = join(dir, 'store.sqlite');
    const crashed = new MemoryStore({ filePath });
    await Promise.all(Array.from({ length: 50 }, (_, i) => crashed.set(`c/d${i}`, { i })));
    await crashed.runTransaction(async (tx) => {
      tx.set('c/tx', { n: 1 });
    });
    // No flush, no close: a second process opening the file sees everything that was acknowledged.
    const reopened = new MemoryStore({ filePath });
    expect((await reopened.query({ collection: 'c' })).map((d) => d.id).sort()).toEqual(
      [...Array.from({ length: 50 }, (_, i) => `d${i}`), 'tx'].sort(),
    );
    await reopened.close();
    await expect(reopened.set('c/late', { v: 1 })).rejects.toThrow(/closed/);
  });

  it('refuses to start over a file that is not a store database instead of silently losing data', async () => {
    const filePath = join(dir, 'store.sqlite');
    await writeFile(filePath, '{"version":1,"documents":[{"path":"c/d","da');
    expect(() => new MemoryStore({ filePath })).toThrow(/is not a CRM store database/);
  });

  it('starts empty when the file and its folder do not exist yet', async () => {
    const store = new MemoryStore({ filePath: join(dir, 'nested-missing', 'store.sqlite') });
    expect(await store.query({ collection: 'c' })).toEqual([]);
    expect((await readdir(join(dir, 'nested-missing'))).length).toBeGreaterThan(0);
    await store.close();
  });

  it('redelivers to a durable subscription, after a restart, every change its listener had not finished', async () => {
    const filePath = join(dir, 'store.sqlite');
    const a = new MemoryStore({ filePath });
    const seenByA: string[] = [];
    a.onChange(
      'c',
      async (change) => {
        seenByA.push(change.path);
        if (change.path === 'c/2') await new Promise(() => undefined); // the process dies inside this handler
      },
      { subscription: 'handler' },
    );
    await a.set('c/1', { v: 1 });
    await a.set('c/2', { v: 2 });
    await a.set('c/3', { v: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seenByA).toEqual(['c/1', 'c/2']);

    const b = new MemoryStore({ filePath });
    const seenByB: Array<{ path: string; eventId: string; kind: string }> = [];
    b.onChange('c', (change) => void seenByB.push({ path: change.path, eventId: change.eventId, kind: change.kind }), { subscription: 'handler' });
    await b.whenIdle();
    expect(seenByB.map((c) => c.path)).toEqual(['c/2', 'c/3']);
    expect(seenByB.every((c) => c.kind === 'created' && c.eventId.length > 0)).toBe(true);
    await b.close();

    // Everything was finished: the next start replays nothing.
    const c = new MemoryStore({ filePath });
    const seenByC: string[] = [];
    c.onChange('c', (change) => void seenByC.push(change.path), { subscription: 'handler' });
    await c.whenIdle();
    expect(seenByC).toEqual([]);
    await c.close();
  });
});
