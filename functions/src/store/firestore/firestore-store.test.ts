/**
 * Unit tests of FirestoreStore that need no emulator: error mapping, value
 * conversion and the QuerySpec -> SDK query translation (compared with the
 * SDK's own Query.isEqual; building a query opens no connection).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError, isStoreError } from '../document-store.js';
import { FirestoreStore, fromSdk, mapFirestoreError } from './firestore-store.js';

describe('FirestoreStore (no emulator)', () => {
  it('maps gRPC codes to StoreError codes', () => {
    const cases: Array<[number, string]> = [
      [3, 'invalid-argument'],
      [5, 'not-found'],
      [6, 'already-exists'],
      [9, 'failed-precondition'],
      [10, 'aborted'],
      [14, 'unavailable'],
    ];
    for (const [code, expected] of cases) {
      const mapped = mapFirestoreError(Object.assign(new Error(`grpc ${code}`), { code }));
      expect(isStoreError(mapped)).toBe(true);
      expect((mapped as StoreError).code).toBe(expected);
    }
    const other = Object.assign(new Error('permission'), { code: 7 });
    expect(mapFirestoreError(other)).toBe(other);
  });

  it('converts Timestamps to Dates at any depth', async () => {
    const { Timestamp } = await import('@google-cloud/firestore');
    const ts = Timestamp.fromMillis(1234);
    expect(fromSdk({ a: ts, b: [ts, { c: ts }], n: 1, s: 'x', z: null })).toEqual({
      a: new Date(1234),
      b: [new Date(1234), { c: new Date(1234) }],
      n: 1,
      s: 'x',
      z: null,
    });
  });

  it('translates QuerySpec to the equivalent SDK query', async () => {
    const sdk = await import('@google-cloud/firestore');
    const db = new sdk.Firestore({ projectId: 'demo-unit', host: '127.0.0.1', port: 9, ssl: false });
    try {
      const store = new FirestoreStore(db);
      const q = store.buildQuery(
        {
          collection: 'crm_tenants/t1/records',
          where: [
            { field: 'tokens', op: 'array-contains', value: 'status:open' },
            { or: [{ field: 'data.amount', op: '>', value: 5 }, { and: [{ field: 'when', op: '<', value: new Date(0) }] }] },
          ],
          orderBy: [{ field: 'createdAt', direction: 'desc' }, { field: '__name__', direction: 'desc' }],
          startAfter: [new Date(10), 'crm_tenants/t1/records/r9'],
          limit: 20,
        },
        sdk,
      );
      const expected = db
        .collection('crm_tenants/t1/records')
        .where(sdk.Filter.where(new sdk.FieldPath('tokens'), 'array-contains', 'status:open'))
        .where(sdk.Filter.or(sdk.Filter.where(new sdk.FieldPath('data', 'amount'), '>', 5), sdk.Filter.and(sdk.Filter.where(new sdk.FieldPath('when'), '<', sdk.Timestamp.fromDate(new Date(0))))))
        .orderBy(new sdk.FieldPath('createdAt'), 'desc')
        .orderBy(sdk.FieldPath.documentId(), 'desc')
        .startAfter(sdk.Timestamp.fromDate(new Date(10)), db.doc('crm_tenants/t1/records/r9'))
        .limit(20);
      expect(q.isEqual(expected)).toBe(true);

      const group = store.buildQuery({ collection: 'records', collectionGroup: true, where: [{ field: 'ownerId', op: 'in', value: ['a', 'b'] }] }, sdk);
      expect(group.isEqual(db.collectionGroup('records').where(sdk.Filter.where(new sdk.FieldPath('ownerId'), 'in', ['a', 'b'])))).toBe(true);

      // Shared validation: Firestore's restrictions are refused before any RPC.
      expect(() => store.buildQuery({ collection: 'c', limit: 0 }, sdk)).toThrow(StoreError);
      await expect(store.set('c/d', { bad: undefined } as never)).rejects.toThrow(/undefined/);
      await expect(store.get('c')).rejects.toThrow(/not a document path/);
      expect(store.newId()).toMatch(/^[A-Za-z0-9]{20}$/);
    } finally {
      await db.terminate();
    }
  });
});

/**
 * The SDK's own retry loop (Firestore#runTransaction) with the RPC-issuing
 * Transaction methods stubbed: what it retries depends only on the error the
 * callback rejects with, which is what these tests pin down.
 */
describe('FirestoreStore transactions under the SDK retry loop', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function stubbedDb(readErrors: ReadonlyArray<{ code: number; message: string } | null>) {
    const sdk = await import('@google-cloud/firestore');
    const db = new sdk.Firestore({ projectId: 'demo-unit', host: '127.0.0.1', port: 9, ssl: false });
    let reads = 0;
    const missing = { exists: false };
    vi.spyOn(sdk.Transaction.prototype, 'getAll').mockImplementation(async () => {
      const error = readErrors[Math.min(reads, readErrors.length - 1)];
      reads += 1;
      if (error) throw Object.assign(new Error(error.message), { code: error.code });
      return [missing] as never;
    });
    // commit() and rollback() are the SDK's internal RPCs (not in its typings); the retry loop calls them.
    const internals = sdk.Transaction.prototype as unknown as { commit(): Promise<void>; rollback(): Promise<void> };
    const commit = vi.spyOn(internals, 'commit').mockResolvedValue(undefined);
    vi.spyOn(internals, 'rollback').mockResolvedValue(undefined);
    return { db, reads: () => reads, commit };
  }

  it('retries the whole transaction when a read is ABORTED by lock contention', async () => {
    const { db, reads, commit } = await stubbedDb([{ code: 10, message: 'Aborted due to cross-transaction contention.' }, null]);
    try {
      const store = new FirestoreStore(db);
      let attempts = 0;
      const result = await store.runTransaction(async (tx) => {
        attempts += 1;
        const doc = await tx.get('c/d');
        tx.set('c/d', { n: 1 });
        return doc;
      });
      expect(result).toBeNull();
      expect(attempts).toBe(2);
      expect(reads()).toBe(2);
      expect(commit).toHaveBeenCalledTimes(1);
    } finally {
      await db.terminate();
    }
  });

  it('gives up after maxTransactionAttempts with a StoreError "aborted"', async () => {
    const { db, reads, commit } = await stubbedDb([{ code: 10, message: 'contention' }]);
    try {
      const store = new FirestoreStore(db, { maxTransactionAttempts: 2 });
      const failure = await store.runTransaction((tx) => tx.get('c/d')).catch((error: unknown) => error);
      expect(isStoreError(failure, 'aborted')).toBe(true);
      expect(reads()).toBe(2);
      expect(commit).not.toHaveBeenCalled();
    } finally {
      await db.terminate();
    }
  });

  it('does not retry an error a retry cannot cure (a missing index), and maps it outside', async () => {
    const { db, reads } = await stubbedDb([{ code: 9, message: 'The query requires an index.' }, null]);
    try {
      const store = new FirestoreStore(db);
      const failure = await store.runTransaction((tx) => tx.get('c/d')).catch((error: unknown) => error);
      expect(isStoreError(failure, 'failed-precondition')).toBe(true);
      expect(reads()).toBe(1);
    } finally {
      await db.terminate();
    }
  });

  it('does not retry a StoreError the callback raises itself (a version conflict is the user\'s to resolve)', async () => {
    const { db, reads } = await stubbedDb([null]);
    try {
      const store = new FirestoreStore(db);
      let attempts = 0;
      const failure = await store
        .runTransaction(async (tx) => {
          attempts += 1;
          await tx.get('c/d');
          throw new StoreError('aborted', 'stale version');
        })
        .catch((error: unknown) => error);
      expect(isStoreError(failure, 'aborted')).toBe(true);
      expect(attempts).toBe(1);
      expect(reads()).toBe(1);
    } finally {
      await db.terminate();
    }
  });
});
