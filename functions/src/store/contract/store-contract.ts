/**
 * The DocumentStore contract: one suite, run against every adapter
 * (MemoryStore always, FirestoreStore when FIRESTORE_EMULATOR_HOST is set).
 *
 * Every test works under its own root document so that a shared emulator
 * can serve several runs; collection-group tests additionally filter on a
 * per-run `run` field because collection groups span the whole database.
 * Adapter-specific behaviour (index enforcement, persistence) is tested in
 * the adapter's own tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fieldValue,
  isStoreError,
  type DocumentChange,
  type DocumentStore,
  type StoreErrorCode,
  type StoreValue,
} from '../document-store.js';
import type { IndexConfig } from '../memory/index-planner.js';

export interface StoreFixture {
  readonly store: DocumentStore;
  readonly cleanup: () => Promise<void>;
  /** How long a change listener needs to attach before it sees writes (snapshot listeners: ~1 s). */
  readonly changeFeedSettleMs?: number;
}

/** Collection ids used by the suite with collection-group queries. */
export const CONTRACT_GROUP = 'contract_group_items';

/**
 * Indexes the contract's queries need in production; adapters that enforce
 * indexes must be given these (they are what firestore.indexes.json would list).
 */
export const CONTRACT_INDEXES: IndexConfig = {
  indexes: [
    { collectionGroup: 'items', queryScope: 'COLLECTION', fields: [{ fieldPath: 'group', order: 'ASCENDING' }, { fieldPath: 'n', order: 'ASCENDING' }] },
    { collectionGroup: 'items', queryScope: 'COLLECTION', fields: [{ fieldPath: 'n', order: 'ASCENDING' }, { fieldPath: 'v', order: 'ASCENDING' }] },
    { collectionGroup: 'items', queryScope: 'COLLECTION', fields: [{ fieldPath: 'v', order: 'DESCENDING' }, { fieldPath: 'n', order: 'DESCENDING' }] },
    { collectionGroup: 'items', queryScope: 'COLLECTION', fields: [{ fieldPath: 'group', order: 'ASCENDING' }, { fieldPath: 'v', order: 'ASCENDING' }] },
    { collectionGroup: CONTRACT_GROUP, queryScope: 'COLLECTION_GROUP', fields: [{ fieldPath: 'run', order: 'ASCENDING' }, { fieldPath: 'n', order: 'ASCENDING' }] },
  ],
  fieldOverrides: [
    {
      collectionGroup: CONTRACT_GROUP,
      fieldPath: 'run',
      indexes: [
        { queryScope: 'COLLECTION', order: 'ASCENDING' },
        { queryScope: 'COLLECTION', order: 'DESCENDING' },
        { queryScope: 'COLLECTION_GROUP', order: 'ASCENDING' },
      ],
    },
  ],
};

async function expectCode(promise: Promise<unknown> | (() => unknown), code: StoreErrorCode): Promise<void> {
  let error: unknown = null;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  if (!isStoreError(error, code)) {
    throw new Error(`expected StoreError '${code}', got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function describeStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: DocumentStore;
    let root: string;
    let items: string;
    const run = `run${Math.random().toString(36).slice(2, 10)}`;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
      root = `contract_${run}/${store.newId()}`;
      items = `${root}/items`;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const at = (id: string): string => `${items}/${id}`;
    const ids = (docs: ReadonlyArray<{ id: string }>): string[] => docs.map((d) => d.id);
    async function seed(docs: Record<string, Record<string, StoreValue>>): Promise<void> {
      const batch = store.batch();
      for (const [id, data] of Object.entries(docs)) batch.set(at(id), data);
      await batch.commit();
    }

    describe('documents and values', () => {
      it('round-trips every value type and hands out deep copies', async () => {
        const input = {
          nul: null,
          t: true,
          int: 42,
          dbl: 1.5,
          neg: -7,
          s: 'héllo',
          when: new Date('2024-01-02T03:04:05.678Z'),
          list: [1, 'two', { three: 3 }],
          map: { inner: { deep: [new Date(0)] } },
        };
        await store.set(at('a'), input);
        input.map.inner.deep.push(new Date(1));
        input.list.push('mutated');
        const doc = await store.get(at('a'));
        expect(doc).not.toBeNull();
        expect(doc?.id).toBe('a');
        expect(doc?.path).toBe(at('a'));
        expect(doc?.data).toEqual({
          nul: null,
          t: true,
          int: 42,
          dbl: 1.5,
          neg: -7,
          s: 'héllo',
          when: new Date('2024-01-02T03:04:05.678Z'),
          list: [1, 'two', { three: 3 }],
          map: { inner: { deep: [new Date(0)] } },
        });
        expect(doc?.data['when']).toBeInstanceOf(Date);
        expect(doc?.createTime).toBeInstanceOf(Date);
        expect(doc?.updateTime).toBeInstanceOf(Date);
        (doc?.data['map'] as { inner: { deep: unknown[] } }).inner.deep.length = 0;
        const again = await store.get(at('a'));
        expect((again?.data['map'] as { inner: { deep: unknown[] } }).inner.deep).toHaveLength(1);
      });

      it('returns null for a missing document', async () => {
        expect(await store.get(at('missing'))).toBeNull();
      });

      it('refuses malformed paths with invalid-argument', async () => {
        await expectCode(store.get(items), 'invalid-argument');
        await expectCode(store.set(`${items}/a/sub`, { x: 1 }), 'invalid-argument');
        await expectCode(store.get(`${items}//a`), 'invalid-argument');
        await expectCode(store.query({ collection: at('a') }), 'invalid-argument');
        await expectCode(store.listDocumentIds(at('a')), 'invalid-argument');
      });

      it('refuses undefined, functions, class instances and nested arrays', async () => {
        class Money {
          constructor(readonly cents: number) {}
        }
        const bad: unknown[] = [undefined, () => 1, new Money(5), [[1]], Symbol('s'), 10n];
        for (const value of bad) {
          await expectCode(async () => store.set(at('bad'), { value } as never), 'invalid-argument');
        }
        expect(await store.get(at('bad'))).toBeNull();
      });

      it('refuses reserved field names such as __proto__ without polluting prototypes', async () => {
        const payload = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, StoreValue>;
        await expectCode(async () => store.set(at('p'), payload), 'invalid-argument');
        await store.set(at('p'), { ok: 1 });
        await expectCode(async () => store.update(at('p'), { '__proto__.polluted': true }), 'invalid-argument');
        await expectCode(async () => store.set(at('p'), { nested: payload }, { merge: true }), 'invalid-argument');
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        await store.set(at('q'), { constructor: 'fine', toString: 'also fine' });
        expect((await store.get(at('q')))?.data).toEqual({ constructor: 'fine', toString: 'also fine' });
      });

      it('create fails with already-exists; update of a missing doc with not-found; delete of a missing doc succeeds', async () => {
        await store.create(at('c'), { v: 1 });
        await expectCode(store.create(at('c'), { v: 2 }), 'already-exists');
        await expectCode(store.update(at('nope'), { v: 1 }), 'not-found');
        await store.delete(at('nope'));
        expect((await store.get(at('c')))?.data).toEqual({ v: 1 });
      });

      it('update writes dotted paths, replaces map values and keeps other fields', async () => {
        await store.set(at('u'), { a: { b: 1, c: 2 }, d: { e: 1, f: 2 }, keep: true });
        await store.update(at('u'), { 'a.b': 10, 'a.new.deep': 'x', d: { e: 5 } });
        expect((await store.get(at('u')))?.data).toEqual({ a: { b: 10, c: 2, new: { deep: 'x' } }, d: { e: 5 }, keep: true });
        await expectCode(async () => store.update(at('u'), { a: 1, 'a.b': 2 }), 'invalid-argument');
        await expectCode(async () => store.update(at('u'), {}), 'invalid-argument');
      });

      it('set replaces the document; set with merge merges maps deeply', async () => {
        await store.set(at('m'), { a: { x: 1, y: 2 }, b: 1 });
        await store.set(at('m'), { a: { y: 3, z: 4 }, c: [1] }, { merge: true });
        expect((await store.get(at('m')))?.data).toEqual({ a: { x: 1, y: 3, z: 4 }, b: 1, c: [1] });
        await store.set(at('m'), { only: true });
        expect((await store.get(at('m')))?.data).toEqual({ only: true });
      });

      it('applies field transforms: increment, delete, arrayUnion, arrayRemove', async () => {
        await store.set(at('t'), { n: 1, s: 'str', gone: 1, nested: { gone: 1, stay: 2 }, tags: ['a', 'b'], nums: [1, 2, 1, 3] });
        await store.update(at('t'), {
          n: fieldValue.increment(2.5),
          s: fieldValue.increment(3),
          fresh: fieldValue.increment(-1),
          gone: fieldValue.delete(),
          'nested.gone': fieldValue.delete(),
          tags: fieldValue.arrayUnion('b', 'c', 'c'),
          nums: fieldValue.arrayRemove(1),
          made: fieldValue.arrayUnion('x'),
        });
        expect((await store.get(at('t')))?.data).toEqual({
          n: 3.5,
          s: 3,
          fresh: -1,
          nested: { stay: 2 },
          tags: ['a', 'b', 'c'],
          nums: [2, 3],
          made: ['x'],
        });
        await store.set(at('t'), { counter: { hits: fieldValue.increment(1) } }, { merge: true });
        await store.set(at('t'), { counter: { hits: fieldValue.increment(1) }, dropped: fieldValue.delete() }, { merge: true });
        expect((await store.get(at('t')))?.data['counter']).toEqual({ hits: 2 });
        await expectCode(async () => store.set(at('t2'), { x: fieldValue.delete() }), 'invalid-argument');
      });

      it('listDocumentIds lists direct children, including ones that only have subcollections', async () => {
        await store.set(at('b'), { v: 1 });
        await store.set(at('a'), { v: 1 });
        await store.set(`${at('ghost')}/sub/x`, { v: 1 });
        await store.set(`${root}/other/z`, { v: 1 });
        expect((await store.listDocumentIds(items)).sort()).toEqual(['a', 'b', 'ghost']);
        expect(await store.listDocumentIds(`${root}/empty`)).toEqual([]);
      });

      it('newId returns 20 alphanumeric characters, unique', () => {
        const seen = new Set<string>();
        for (let i = 0; i < 500; i++) {
          const id = store.newId();
          expect(id).toMatch(/^[A-Za-z0-9]{20}$/);
          seen.add(id);
        }
        expect(seen.size).toBe(500);
      });
    });

    describe('ordering', () => {
      it("orders mixed types like Firestore: null < bool < number < timestamp < string < array < map", async () => {
        const values: Array<[string, StoreValue]> = [
          ['m2', { a: 2 }],
          ['m1', { a: 1 }],
          ['m0', { a: 1, b: 0 }],
          ['arr2', [1, 3]],
          ['arr1', [1, 2, 3]],
          ['arr0', []],
          ['s3', '\u{1F600}'],
          ['s2', '\uFF5E'],
          ['s1', 'b'],
          ['s0', 'B'],
          ['d1', new Date(2000)],
          ['d0', new Date(1000)],
          ['n5', Infinity],
          ['n4', 2],
          ['n3', 1.5],
          ['n2', 1],
          ['n1', -Infinity],
          ['n0', NaN],
          ['b1', true],
          ['b0', false],
          ['z', null],
        ];
        await seed(Object.fromEntries(values.map(([id, v]) => [id, { v }])));
        await store.set(at('nofield'), { other: 1 });
        const expected = ['z', 'b0', 'b1', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'd0', 'd1', 's0', 's1', 's2', 's3', 'arr0', 'arr1', 'arr2', 'm1', 'm0', 'm2'];
        const asc = await store.query({ collection: items, orderBy: [{ field: 'v' }] });
        expect(ids(asc)).toEqual(expected);
        const desc = await store.query({ collection: items, orderBy: [{ field: 'v', direction: 'desc' }] });
        expect(ids(desc)).toEqual([...expected].reverse());
      });

      it('breaks ties by document name, in the direction of the last orderBy', async () => {
        await seed({ c: { v: 1 }, a: { v: 1 }, b: { v: 1 }, d: { v: 0 } });
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'v' }] }))).toEqual(['d', 'a', 'b', 'c']);
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'v', direction: 'desc' }] }))).toEqual(['c', 'b', 'a', 'd']);
        expect(ids(await store.query({ collection: items }))).toEqual(['a', 'b', 'c', 'd']);
        expect(ids(await store.query({ collection: items, orderBy: [{ field: '__name__', direction: 'desc' }] }))).toEqual(['d', 'c', 'b', 'a']);
      });

      it('orders by several fields and by nested fields', async () => {
        await seed({ a: { n: 1, v: 2, o: { k: 'b' } }, b: { n: 1, v: 1, o: { k: 'a' } }, c: { n: 0, v: 9, o: { k: 'c' } } });
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'n' }, { field: 'v' }] }))).toEqual(['c', 'b', 'a']);
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'v', direction: 'desc' }, { field: 'n', direction: 'desc' }] }))).toEqual(['c', 'a', 'b']);
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'o.k' }] }))).toEqual(['b', 'a', 'c']);
      });
    });

    describe('filters', () => {
      beforeEach(async () => {
        await seed({
          int1: { v: 1, group: 'g1', tags: ['red', 'blue'], o: { status: 'open' } },
          dbl1: { v: 1.0, group: 'g1', tags: ['green'], o: { status: 'closed' } },
          two: { v: 2, group: 'g2', tags: [], o: { status: 'open' } },
          str: { v: '1', group: 'g2', tags: ['red'] },
          nul: { v: null, group: 'g3' },
          nan: { v: NaN, group: 'g3' },
          arr: { v: [1, 2], group: 'g3', tags: ['blue', 'red'] },
          none: { group: 'g4' },
        });
      });
      const q = (field: string, op: Parameters<typeof store.query>[0] extends infer S ? S extends { where?: ReadonlyArray<infer F> } ? F extends { op: infer O } ? O : never : never : never, value: StoreValue) =>
        store.query({ collection: items, where: [{ field, op, value }] }).then((d) => ids(d).sort());

      it('== matches across int/double and only existing fields; == null and == NaN', async () => {
        expect(await q('v', '==', 1)).toEqual(['dbl1', 'int1']);
        expect(await q('v', '==', null)).toEqual(['nul']);
        expect(await q('v', '==', NaN)).toEqual(['nan']);
        expect(await q('v', '==', [1, 2])).toEqual(['arr']);
        expect(await q('o.status', '==', 'open')).toEqual(['int1', 'two']);
      });

      it('!= and not-in exclude missing fields and nulls', async () => {
        expect(await q('v', '!=', 1)).toEqual(['arr', 'nan', 'str', 'two']);
        expect(await q('v', '!=', null)).toEqual(['arr', 'dbl1', 'int1', 'nan', 'str', 'two']);
        expect(await q('v', 'not-in', [1, '1'])).toEqual(['arr', 'nan', 'two']);
      });

      it('range filters only match values of the same type', async () => {
        expect(await q('v', '>', 0)).toEqual(['dbl1', 'int1', 'two']);
        expect(await q('v', '>=', 2)).toEqual(['two']);
        expect(await q('v', '<', 2)).toEqual(['dbl1', 'int1', 'nan']);
        expect(await q('v', '<=', '1')).toEqual(['str']);
        expect(await q('v', '>', '')).toEqual(['str']);
      });

      it('in, array-contains and array-contains-any', async () => {
        expect(await q('v', 'in', [2, '1', null])).toEqual(['nul', 'str', 'two']);
        expect(await q('tags', 'array-contains', 'red')).toEqual(['arr', 'int1', 'str']);
        expect(await q('tags', 'array-contains-any', ['green', 'blue'])).toEqual(['arr', 'dbl1', 'int1']);
        expect(await q('v', 'array-contains', 2)).toEqual(['arr']);
      });

      it('filters on __name__', async () => {
        expect(await q('__name__', '==', at('two'))).toEqual(['two']);
        expect(await q('__name__', 'in', [at('two'), at('str')])).toEqual(['str', 'two']);
        expect(await q('__name__', '>=', at('str'))).toEqual(['str', 'two']);
      });

      it('OR and AND composite filters', async () => {
        const res = await store.query({
          collection: items,
          where: [
            {
              or: [
                { field: 'group', op: '==', value: 'g3' },
                { and: [{ field: 'group', op: '==', value: 'g1' }, { field: 'tags', op: 'array-contains', value: 'green' }] },
              ],
            },
          ],
        });
        expect(ids(res).sort()).toEqual(['arr', 'dbl1', 'nan', 'nul']);
        const and = await store.query({
          collection: items,
          where: [{ and: [{ field: 'group', op: 'in', value: ['g1', 'g2'] }, { field: 'o.status', op: '==', value: 'open' }] }],
        });
        expect(ids(and).sort()).toEqual(['int1', 'two']);
      });

      it('an inequality plus orderBy on another field orders by both', async () => {
        const res = await store.query({
          collection: items,
          where: [{ field: 'group', op: '==', value: 'g1' }],
          orderBy: [{ field: 'v' }],
        });
        expect(ids(res)).toEqual(['dbl1', 'int1']);
      });

      it('refuses queries Firestore refuses, with invalid-argument', async () => {
        const bad = [
          { where: [{ field: 'tags', op: 'array-contains', value: 'a' }, { field: 'tags', op: 'array-contains', value: 'b' }] },
          { where: [{ field: 'tags', op: 'array-contains', value: 'a' }, { field: 'tags', op: 'array-contains-any', value: ['b'] }] },
          { where: [{ field: 'v', op: 'in', value: Array.from({ length: 31 }, (_, i) => i) }] },
          { where: [{ field: 'v', op: 'in', value: [] }] },
          { where: [{ field: 'v', op: 'not-in', value: [1] }, { field: 'group', op: '!=', value: 'x' }] },
          { where: [{ field: 'v', op: '<', value: null }] },
          { where: [{ field: 'v', op: 'in', value: 1 }] },
          { where: [{ field: 'v', op: 'in', value: Array.from({ length: 6 }, (_, i) => i) }, { field: 'group', op: 'in', value: ['a', 'b', 'c', 'd', 'e', 'f'] }] },
          { orderBy: [{ field: 'v' }], startAfter: [1, 'x'] },
          { limit: 0 },
          { limit: 1.5 },
          { limit: -1 },
        ] as const;
        for (const spec of bad) {
          await expectCode(async () => store.query({ collection: items, ...(spec as object) }), 'invalid-argument');
        }
      });
    });

    describe('cursors, limits, collection groups', () => {
      it('pages through results with startAfter without gaps or repeats', async () => {
        const docs: Record<string, Record<string, StoreValue>> = {};
        for (let i = 0; i < 23; i++) docs[`d${String(i).padStart(2, '0')}`] = { n: i % 5, group: 'g' };
        await seed(docs);
        const seen: string[] = [];
        let cursor: StoreValue[] | undefined;
        for (let page = 0; page < 10; page++) {
          const res = await store.query({
            collection: items,
            where: [{ field: 'group', op: '==', value: 'g' }],
            orderBy: [{ field: 'n' }, { field: '__name__' }],
            limit: 5,
            ...(cursor ? { startAfter: cursor } : {}),
          });
          if (res.length === 0) break;
          seen.push(...ids(res));
          const last = res[res.length - 1];
          cursor = [last?.data['n'] ?? null, last?.path ?? ''];
        }
        expect(seen).toHaveLength(23);
        expect(new Set(seen).size).toBe(23);
        const ordered = Object.keys(docs).sort((a, b) => (docs[a]?.['n'] as number) - (docs[b]?.['n'] as number) || (a < b ? -1 : 1));
        expect(seen).toEqual(ordered);
      });

      it('startAt is inclusive, startAfter exclusive; partial cursors work', async () => {
        await seed({ a: { n: 1 }, b: { n: 2 }, c: { n: 2 }, d: { n: 3 } });
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'n' }], startAt: [2] }))).toEqual(['b', 'c', 'd']);
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'n' }], startAfter: [2] }))).toEqual(['d']);
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'n', direction: 'desc' }], startAfter: [2] }))).toEqual(['a']);
        expect(ids(await store.query({ collection: items, orderBy: [{ field: 'n' }], limit: 2 }))).toEqual(['a', 'b']);
      });

      it('collection-group queries find documents at any depth and only in that collection id', async () => {
        await store.set(`${root}/${CONTRACT_GROUP}/a`, { run, n: 3 });
        await store.set(`${root}/x/y/${CONTRACT_GROUP}/b`, { run, n: 1 });
        await store.set(`${root}/x/y/${CONTRACT_GROUP}/b/${CONTRACT_GROUP}/c`, { run, n: 2 });
        await store.set(`${root}/${CONTRACT_GROUP}_other/d`, { run, n: 0 });
        await store.set(`${root}/x/y/${CONTRACT_GROUP}x/e`, { run, n: 0 });
        const res = await store.query({
          collection: CONTRACT_GROUP,
          collectionGroup: true,
          where: [{ field: 'run', op: '==', value: run }],
          orderBy: [{ field: 'n' }],
        });
        expect(ids(res)).toEqual(['b', 'c', 'a']);
        expect(res.map((d) => d.path)).toContain(`${root}/x/y/${CONTRACT_GROUP}/b/${CONTRACT_GROUP}/c`);
        const count = await store.aggregate(
          { collection: CONTRACT_GROUP, collectionGroup: true, where: [{ field: 'run', op: '==', value: run }] },
          { c: { op: 'count' } },
        );
        expect(count).toEqual({ c: 3 });
      });
    });

    describe('aggregations', () => {
      it('count, sum and avg honour filters and limit; sum ignores non-numbers; avg of nothing is null', async () => {
        await seed({
          a: { group: 'g', n: 1 },
          b: { group: 'g', n: 2.5 },
          c: { group: 'g', n: 'x' },
          d: { group: 'g' },
          e: { group: 'h', n: 100 },
        });
        expect(await store.aggregate({ collection: items }, { c: { op: 'count' }, s: { op: 'sum', field: 'n' }, a: { op: 'avg', field: 'n' } })).toEqual({
          c: 5,
          s: 103.5,
          a: 103.5 / 3,
        });
        expect(
          await store.aggregate({ collection: items, where: [{ field: 'group', op: '==', value: 'g' }] }, { c: { op: 'count' }, s: { op: 'sum', field: 'n' } }),
        ).toEqual({ c: 4, s: 3.5 });
        expect(await store.aggregate({ collection: items, where: [{ field: 'group', op: '==', value: 'zzz' }] }, { s: { op: 'sum', field: 'n' }, a: { op: 'avg', field: 'n' }, c: { op: 'count' } })).toEqual({
          s: 0,
          a: null,
          c: 0,
        });
        expect(await store.aggregate({ collection: items, orderBy: [{ field: '__name__' }], limit: 2 }, { c: { op: 'count' }, s: { op: 'sum', field: 'n' } })).toEqual({ c: 2, s: 3.5 });
      });
    });

    describe('transactions and batches', () => {
      it('loses no update under 120 concurrent read-modify-write transactions', async () => {
        const counter = at('counter');
        await store.set(counter, { n: 0 });
        const results = await Promise.all(
          Array.from({ length: 120 }, (_, i) =>
            store.runTransaction(async (tx) => {
              const snap = await tx.get(counter);
              const n = (snap?.data['n'] as number) ?? 0;
              await delay(i % 3);
              tx.update(counter, { n: n + 1 });
              return n;
            }),
          ),
        );
        expect((await store.get(counter))?.data['n']).toBe(120);
        // Serializable: every transaction saw a distinct value.
        expect(new Set(results).size).toBe(120);
      }, 60_000);

      it('is serializable for query reads too (no write skew)', async () => {
        await seed({ a: { group: 'oncall', on: true }, b: { group: 'oncall', on: true } });
        const goOff = (id: string) =>
          store.runTransaction(async (tx) => {
            const on = await tx.query({ collection: items, where: [{ field: 'on', op: '==', value: true }] });
            await delay(5);
            if (on.length >= 2) tx.update(at(id), { on: false });
          });
        await Promise.all([goOff('a'), goOff('b')]);
        const stillOn = await store.query({ collection: items, where: [{ field: 'on', op: '==', value: true }] });
        expect(stillOn).toHaveLength(1);
      });

      it('refuses a read after a write in the same transaction', async () => {
        await expectCode(
          store.runTransaction(async (tx) => {
            tx.set(at('x'), { v: 1 });
            await tx.get(at('x'));
          }),
          'invalid-argument',
        );
        expect(await store.get(at('x'))).toBeNull();
      });

      it('returns the function result, and an error in the function writes nothing', async () => {
        expect(await store.runTransaction(async (tx) => (await tx.get(at('nothing'))) === null)).toBe(true);
        await expect(
          store.runTransaction(async (tx) => {
            tx.set(at('y'), { v: 1 });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.get(at('y'))).toBeNull();
      });

      it('commits a transaction atomically: a failing create fails every write', async () => {
        await store.set(at('exists'), { v: 1 });
        await expectCode(
          store.runTransaction(async (tx) => {
            tx.set(at('other'), { v: 1 });
            tx.create(at('exists'), { v: 2 });
          }),
          'already-exists',
        );
        expect(await store.get(at('other'))).toBeNull();
        expect((await store.get(at('exists')))?.data).toEqual({ v: 1 });
      });

      it('commits a batch atomically: an update of a missing doc fails every write', async () => {
        const batch = store.batch();
        batch.set(at('b1'), { v: 1 }).update(at('missing'), { v: 2 }).delete(at('b1'));
        await expectCode(batch.commit(), 'not-found');
        expect(await store.get(at('b1'))).toBeNull();
        const ok = store.batch();
        ok.create(at('b2'), { v: 1 }).update(at('b2'), { w: 2 }).set(at('b3'), { v: 3 });
        await ok.commit();
        expect((await store.get(at('b2')))?.data).toEqual({ v: 1, w: 2 });
      });

      it('refuses batches over 500 writes', async () => {
        const batch = store.batch();
        for (let i = 0; i < 501; i++) batch.set(at(`w${i}`), { i });
        await expectCode(async () => batch.commit(), 'invalid-argument');
        expect(await store.get(at('w0'))).toBeNull();
      });
    });

    describe('change feed', () => {
      it('delivers created/updated/deleted events after commit, in order, with unique event ids', async () => {
        const events: DocumentChange[] = [];
        const prefix = `${items}/`;
        const unsubscribe = store.onChange('items', (c) => {
          if (c.path.startsWith(prefix)) events.push(c);
        });
        try {
          await delay(fixture.changeFeedSettleMs ?? 0); // let a snapshot-based adapter attach
          await store.create(at('e'), { v: 1 });
          await store.update(at('e'), { v: 2 });
          await store.delete(at('e'));
          await store.set(`${root}/elsewhere/e`, { v: 1 });
          await waitFor(() => events.length >= 3);
          expect(events.map((e) => e.kind)).toEqual(['created', 'updated', 'deleted']);
          expect(events.map((e) => [e.before, e.after])).toEqual([
            [null, { v: 1 }],
            [{ v: 1 }, { v: 2 }],
            [{ v: 2 }, null],
          ]);
          expect(events.every((e) => e.path === at('e') && e.time instanceof Date)).toBe(true);
          expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
        } finally {
          unsubscribe();
        }
      });

      it('a throwing or slow listener neither blocks nor fails writes', async () => {
        const seen: string[] = [];
        const calledDuringWrite: boolean[] = [];
        let writing = false;
        const u1 = store.onChange('items', () => {
          calledDuringWrite.push(writing);
          throw new Error('listener bug');
        });
        const u2 = store.onChange('items', (c) => {
          seen.push(c.path);
          return new Promise<void>(() => undefined); // never settles
        });
        try {
          await delay(fixture.changeFeedSettleMs ?? 0);
          writing = true;
          await store.set(at('l1'), { v: 1 });
          writing = false;
          await store.set(at('l2'), { v: 1 });
          await waitFor(() => calledDuringWrite.length >= 2 && seen.length >= 1);
          expect(calledDuringWrite[0]).toBe(false);
          expect((await store.get(at('l2')))?.data).toEqual({ v: 1 });
        } finally {
          u1();
          u2();
        }
      });
    });

    describe('meter', () => {
      it('bills reads, writes and deletes like Firestore', async () => {
        const m = store.meter;
        await seed({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
        const step = async (fn: () => Promise<unknown>) => {
          m.reset();
          await fn();
          const { reads, writes, deletes } = m.read();
          return { reads, writes, deletes };
        };
        expect(await step(() => store.get(at('a')))).toEqual({ reads: 1, writes: 0, deletes: 0 });
        expect(await step(() => store.get(at('zz')))).toEqual({ reads: 1, writes: 0, deletes: 0 });
        expect(await step(() => store.getAll([at('a'), at('b'), at('zz')]))).toEqual({ reads: 3, writes: 0, deletes: 0 });
        expect(await step(() => store.query({ collection: items }))).toEqual({ reads: 3, writes: 0, deletes: 0 });
        expect(await step(() => store.query({ collection: items, limit: 2 }))).toEqual({ reads: 2, writes: 0, deletes: 0 });
        expect(await step(() => store.query({ collection: `${root}/none` }))).toEqual({ reads: 1, writes: 0, deletes: 0 });
        expect(await step(() => store.aggregate({ collection: items }, { c: { op: 'count' }, s: { op: 'sum', field: 'n' } }))).toEqual({ reads: 1, writes: 0, deletes: 0 });
        expect(await step(() => store.listDocumentIds(items))).toEqual({ reads: 3, writes: 0, deletes: 0 });
        expect(await step(() => store.listDocumentIds(`${root}/none`))).toEqual({ reads: 1, writes: 0, deletes: 0 });
        expect(await step(() => store.create(at('d'), { n: 4 }))).toEqual({ reads: 0, writes: 1, deletes: 0 });
        expect(await step(() => store.set(at('d'), { n: 5 }, { merge: true }))).toEqual({ reads: 0, writes: 1, deletes: 0 });
        expect(await step(() => store.update(at('d'), { n: fieldValue.increment(1) }))).toEqual({ reads: 0, writes: 1, deletes: 0 });
        expect(await step(() => store.delete(at('d')))).toEqual({ reads: 0, writes: 0, deletes: 1 });
        expect(
          await step(() => store.batch().set(at('x'), { n: 1 }).update(at('a'), { n: 9 }).delete(at('b')).commit()),
        ).toEqual({ reads: 0, writes: 2, deletes: 1 });
        expect(
          await step(() =>
            store.runTransaction(async (tx) => {
              const snap = await tx.get(at('a'));
              await tx.query({ collection: items, limit: 2 });
              tx.update(at('a'), { n: ((snap?.data['n'] as number) ?? 0) + 1 });
            }),
          ),
        ).toEqual({ reads: 3, writes: 1, deletes: 0 });
      });

      it('bills aggregations one read per 1,000 entries', async () => {
        for (let start = 0; start < 1001; start += 500) {
          const batch = store.batch();
          for (let i = start; i < Math.min(start + 500, 1001); i++) batch.set(at(`k${i}`), { n: 1 });
          await batch.commit();
        }
        store.meter.reset();
        expect(await store.aggregate({ collection: items }, { c: { op: 'count' } })).toEqual({ c: 1001 });
        expect(store.meter.read().reads).toBe(2);
      }, 60_000);
    });
  });
}
