import type * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from './memory-store.js';

/**
 * A read never hands out a write that a crash could still take back. The
 * store's fsyncs are held here until the test lets them go, so "not durable
 * yet" is a state the test controls, not a race it hopes to win.
 */
const held = vi.hoisted(() => ({ callbacks: [] as Array<(error: NodeJS.ErrnoException | null) => void> }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return { ...actual, fdatasync: (_fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => held.callbacks.push(callback) };
});

/** Lets every fsync asked for so far complete, then lets the store react to it. */
async function releaseFsyncs(): Promise<void> {
  while (held.callbacks.length > 0) held.callbacks.splice(0).forEach((callback) => callback(null));
  await new Promise((resolve) => setImmediate(resolve));
}

/** Releases fsyncs until `promise` settles (the store may ask for one a turn after a release). */
async function releasingFsyncs<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  void promise.finally(() => {
    settled = true;
  });
  while (!settled) await releaseFsyncs();
  return promise;
}

/** Waits until the store has asked for an fsync (the group ends one event-loop turn after its commits). */
async function untilFsyncAsked(): Promise<void> {
  while (held.callbacks.length === 0) await new Promise((resolve) => setImmediate(resolve));
}

const path = 'crm_tenants/t1/jobs/j1';
let dir: string;
let store: MemoryStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crm-durable-reads-'));
  store = new MemoryStore({ filePath: join(dir, 'store.sqlite'), enforceIndexes: false });
  // The first fsync opens the WAL; let the store get past set-up with a durable first write.
  await releasingFsyncs(store.set(path, { done: 0 }));
});

afterEach(async () => {
  await releasingFsyncs(store.close());
  await rm(dir, { recursive: true, force: true });
});

describe('reads of the durable store', () => {
  it('answer only once what they saw is durable, by every read path', async () => {
    let acknowledged = false;
    const write = store.update(path, { done: 500 }).then(() => {
      acknowledged = true;
    });
    const settled: string[] = [];
    const reads = {
      get: store.get(path),
      getAll: store.getAll([path]),
      query: store.query({ collection: 'crm_tenants/t1/jobs' }),
      aggregate: store.aggregate({ collection: 'crm_tenants/t1/jobs' }, { total: { op: 'sum', field: 'done' } }),
      listDocumentIds: store.listDocumentIds('crm_tenants/t1/jobs'),
      transaction: store.runTransaction(async (tx) => (await tx.get(path))?.data.done),
    };
    for (const [name, read] of Object.entries(reads)) void read.then(() => settled.push(name));

    await untilFsyncAsked();
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(acknowledged).toBe(false);
    expect(settled).toEqual([]);

    await releasingFsyncs(Promise.all([write, ...Object.values(reads)]));
    expect((await reads.get)?.data.done).toBe(500);
    expect((await reads.getAll)[0]?.data.done).toBe(500);
    expect((await reads.query)[0]?.data.done).toBe(500);
    expect(await reads.aggregate).toEqual({ total: 500 });
    expect(await reads.listDocumentIds).toEqual(['j1']);
    expect(await reads.transaction).toBe(500);
    expect(settled.sort()).toEqual(Object.keys(reads).sort());
  });

  it('answer at once when nothing is in flight', async () => {
    // No fsync is released here: a read of durable data must not wait for one.
    expect((await store.get(path))?.data.done).toBe(0);
    expect(await store.query({ collection: 'crm_tenants/t1/jobs' })).toHaveLength(1);
    expect(held.callbacks).toHaveLength(0);
  });
});
