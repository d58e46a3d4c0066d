import { describe, expect, it } from 'vitest';
import type { QuerySpec } from '../document-store.js';
import { IndexPlanner, describeMissingIndex, type IndexConfig } from './index-planner.js';
import { prepareQuery } from './match-query.js';

const records = 'crm_tenants/t1/records';

function need(config: IndexConfig, spec: QuerySpec): string | null {
  const missing = new IndexPlanner(config).findMissingIndex(prepareQuery(spec));
  return missing ? describeMissingIndex(missing) : null;
}

const none: IndexConfig = { indexes: [] };

describe('IndexPlanner', () => {
  it('needs no composite index for what single-field indexes serve', () => {
    expect(need(none, { collection: records })).toBeNull();
    expect(need(none, { collection: records, where: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: '==', value: 2 }, { field: 'c', op: 'in', value: [1, 2] }] })).toBeNull();
    expect(need(none, { collection: records, where: [{ field: 'tags', op: 'array-contains', value: 'x' }, { field: 'b', op: '==', value: 2 }] })).toBeNull();
    expect(need(none, { collection: records, where: [{ field: 'a', op: '>', value: 1 }], orderBy: [{ field: 'a', direction: 'desc' }] })).toBeNull();
    expect(need(none, { collection: records, orderBy: [{ field: 'a', direction: 'desc' }] })).toBeNull();
    expect(need(none, { collection: records, where: [{ field: 'a', op: '!=', value: 1 }] })).toBeNull();
    expect(need(none, { collection: records, where: [{ field: 'a', op: '==', value: 1 }], orderBy: [{ field: '__name__', direction: 'desc' }] })).toBeNull();
    expect(need(none, { collection: records, where: [{ field: 'a', op: '==', value: 1 }], orderBy: [{ field: 'a' }] })).toBeNull();
  });

  it('names the exact composite index Firestore would ask for', () => {
    expect(
      need(none, { collection: records, where: [{ field: 'tokens', op: 'array-contains', value: 'x' }], orderBy: [{ field: 'createdAt', direction: 'desc' }] }),
    ).toBe('The query requires an index: collectionGroup=records (COLLECTION) fields [tokens CONTAINS, createdAt DESCENDING]. Add it to firestore.indexes.json.');
    expect(need(none, { collection: records, where: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: '<', value: 1 }] })).toMatch(/fields \[a ASCENDING, b ASCENDING\]/);
    expect(need(none, { collection: records, where: [{ field: 'x', op: '>', value: 1 }, { field: 'b', op: '<', value: 1 }] })).toMatch(/fields \[b ASCENDING, x ASCENDING\]/);
    expect(need(none, { collection: records, orderBy: [{ field: 'a' }, { field: 'b', direction: 'desc' }] })).toMatch(/fields \[a ASCENDING, b DESCENDING\]/);
    expect(need(none, { collection: records, where: [{ field: 'data.status', op: '==', value: 'x' }], orderBy: [{ field: 'n', direction: 'desc' }] })).toMatch(/\[data\.status ASCENDING, n DESCENDING\]/);
  });

  it('accepts a matching index, with equality fields in any order and directions matching', () => {
    const config: IndexConfig = {
      indexes: [
        { collectionGroup: 'records', queryScope: 'COLLECTION', fields: [{ fieldPath: 'b', order: 'DESCENDING' }, { fieldPath: 'a', order: 'ASCENDING' }, { fieldPath: 'n', order: 'DESCENDING' }] },
      ],
    };
    const spec = (direction: 'asc' | 'desc'): QuerySpec => ({
      collection: records,
      where: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: 'in', value: [1] }],
      orderBy: [{ field: 'n', direction }],
    });
    expect(need(config, spec('desc'))).toBeNull();
    expect(need(config, spec('asc'))).toMatch(/n ASCENDING/);
    // Wrong scope: a COLLECTION index does not serve a collection-group query.
    expect(need(config, { ...spec('desc'), collection: 'records', collectionGroup: true })).toMatch(/COLLECTION_GROUP/);
    // Wrong collection id.
    expect(need(config, { ...spec('desc'), collection: 'crm_tenants/t1/other' })).toMatch(/collectionGroup=other/);
  });

  it('merges composite indexes that share the ordered suffix', () => {
    const config: IndexConfig = {
      indexes: [
        { collectionGroup: 'records', fields: [{ fieldPath: 'a', order: 'ASCENDING' }, { fieldPath: 'n', order: 'ASCENDING' }] },
        { collectionGroup: 'records', fields: [{ fieldPath: 'b', order: 'ASCENDING' }, { fieldPath: 'n', order: 'ASCENDING' }] },
      ],
    };
    expect(need(config, { collection: records, where: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: '==', value: 1 }], orderBy: [{ field: 'n' }] })).toBeNull();
    expect(need(config, { collection: records, where: [{ field: 'a', op: '==', value: 1 }, { field: 'c', op: '==', value: 1 }], orderBy: [{ field: 'n' }] })).toMatch(/\[a ASCENDING, c ASCENDING, n ASCENDING\]/);
  });

  it('plans each disjunction of an OR query', () => {
    const config: IndexConfig = { indexes: [{ collectionGroup: 'records', fields: [{ fieldPath: 'a', order: 'ASCENDING' }, { fieldPath: 'n', order: 'ASCENDING' }] }] };
    const spec: QuerySpec = {
      collection: records,
      where: [{ or: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: '==', value: 1 }] }],
      orderBy: [{ field: 'n' }],
    };
    expect(need(config, spec)).toMatch(/\[b ASCENDING, n ASCENDING\]/);
    expect(need(none, { collection: records, where: [{ or: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: '==', value: 1 }] }] })).toBeNull();
  });

  it('requires COLLECTION_GROUP single-field indexes (fieldOverrides) for collection-group filters', () => {
    const spec: QuerySpec = { collection: 'records', collectionGroup: true, where: [{ field: 'ownerId', op: '==', value: 'u' }] };
    expect(need(none, spec)).toBe(
      'The query requires a single-field index: collectionGroup=records (COLLECTION_GROUP) field [ownerId ASCENDING]. Add it to fieldOverrides in firestore.indexes.json.',
    );
    expect(need(none, { collection: 'records', collectionGroup: true })).toBeNull();
    const config: IndexConfig = {
      indexes: [],
      fieldOverrides: [{ collectionGroup: 'records', fieldPath: 'ownerId', indexes: [{ queryScope: 'COLLECTION_GROUP', order: 'ASCENDING' }] }],
    };
    expect(need(config, spec)).toBeNull();
    // The override replaced the defaults: COLLECTION scope lost its single-field index on ownerId.
    expect(need(config, { collection: records, where: [{ field: 'ownerId', op: '==', value: 'u' }] })).toMatch(/single-field index: collectionGroup=records \(COLLECTION\)/);
  });

  it('ignores an explicit trailing __name__ in index definitions', () => {
    const config: IndexConfig = {
      indexes: [{ collectionGroup: 'records', fields: [{ fieldPath: 'a', order: 'ASCENDING' }, { fieldPath: 'n', order: 'ASCENDING' }, { fieldPath: '__name__', order: 'ASCENDING' }] }],
    };
    expect(need(config, { collection: records, where: [{ field: 'a', op: '==', value: 1 }], orderBy: [{ field: 'n' }] })).toBeNull();
  });
});
