/**
 * Unit tests of FirestoreStore that need no emulator: error mapping, value
 * conversion and the QuerySpec -> SDK query translation (compared with the
 * SDK's own Query.isEqual; building a query opens no connection).
 */
import { describe, expect, it } from 'vitest';
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
