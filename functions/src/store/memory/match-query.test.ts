import { describe, expect, it } from 'vitest';
import { isStoreError, type QuerySpec } from '../document-store.js';
import { prepareQuery, runPreparedQuery, type CandidateDocument } from './match-query.js';

function invalid(spec: QuerySpec): string {
  try {
    prepareQuery(spec);
  } catch (error) {
    if (isStoreError(error, 'invalid-argument')) return error.message;
    throw error;
  }
  throw new Error('expected invalid-argument');
}

describe('prepareQuery', () => {
  it('appends inequality fields (lexicographically) and __name__ with the last direction', () => {
    const q = prepareQuery({
      collection: 'c',
      where: [
        { field: 'z', op: '>', value: 1 },
        { field: 'b', op: '!=', value: 1 },
      ],
      orderBy: [{ field: 'a', direction: 'desc' }],
    });
    expect(q.orderBy.map((o) => `${o.field} ${o.direction}`)).toEqual(['a desc', 'b desc', 'z desc', '__name__ desc']);
    expect(prepareQuery({ collection: 'c' }).orderBy.map((o) => o.field)).toEqual(['__name__']);
  });

  it('expands filters into disjunctive normal form', () => {
    const q = prepareQuery({
      collection: 'c',
      where: [
        { field: 'a', op: '==', value: 1 },
        { or: [{ field: 'b', op: '==', value: 1 }, { and: [{ field: 'c', op: '==', value: 1 }, { field: 'd', op: '==', value: 1 }] }] },
      ],
    });
    expect(q.dnf.map((t) => t.map((f) => f.field))).toEqual([['a', 'b'], ['a', 'c', 'd']]);
  });

  it('refuses what Firestore refuses, with a clear message', () => {
    expect(invalid({ collection: 'c', where: [{ field: 'a', op: 'in', value: Array.from({ length: 31 }, (_, i) => i) }] })).toMatch(/at most 30/);
    expect(invalid({ collection: 'c', where: [{ field: 'a', op: 'not-in', value: Array.from({ length: 11 }, (_, i) => i) }] })).toMatch(/at most 10/);
    expect(
      invalid({
        collection: 'c',
        where: [
          { field: 'a', op: 'in', value: [1, 2, 3, 4, 5, 6] },
          { field: 'b', op: 'array-contains-any', value: [1, 2, 3, 4, 5, 6] },
        ],
      }),
    ).toMatch(/36 disjunctions/);
    expect(invalid({ collection: 'c', where: [{ field: 'a', op: 'array-contains', value: 1 }, { field: 'b', op: 'array-contains', value: 1 }] })).toMatch(/at most one 'array-contains'/);
    expect(invalid({ collection: 'c', where: [{ field: 'a', op: 'not-in', value: [1] }, { field: 'b', op: '!=', value: 1 }] })).toMatch(/cannot be combined/);
    expect(invalid({ collection: 'c', where: [{ field: 'a', op: 'not-in', value: [1] }, { or: [{ field: 'b', op: '==', value: 1 }, { field: 'c', op: '==', value: 1 }] }] })).toMatch(/'or'/);
    expect(invalid({ collection: 'c', where: [{ field: 'a', op: '>', value: NaN }] })).toMatch(/null and NaN/);
    expect(invalid({ collection: 'c', orderBy: [{ field: 'a' }], startAt: [1, 2] })).toMatch(/too many cursor values/);
    expect(invalid({ collection: 'c', startAfter: [1] })).toMatch(/too many cursor values/);
    expect(invalid({ collection: 'c', orderBy: [{ field: 'a' }], startAt: [1], startAfter: [1] })).toMatch(/either/);
    expect(invalid({ collection: 'c', limit: 0 })).toMatch(/positive integer/);
    expect(invalid({ collection: 'c', orderBy: [{ field: 'a' }, { field: 'a' }] })).toMatch(/twice/);
    expect(invalid({ collection: 'c', orderBy: [{ field: 'a..b' }] })).toMatch(/empty segment/);
    expect(invalid({ collection: 'g/x', collectionGroup: true })).toMatch(/must not contain/);
    expect(invalid({ collection: 'g', collectionGroup: true, where: [{ field: '__name__', op: '==', value: 'id' }] })).toMatch(/full document path/);
  });

  it('evaluates filters, order, cursors and limit over candidates', () => {
    const docs: CandidateDocument[] = [
      { path: 'c/a', data: { n: 2, o: { s: 'x' } } },
      { path: 'c/b', data: { n: 1, o: { s: 'y' } } },
      { path: 'c/c', data: { n: 1 } },
      { path: 'c/d', data: { m: 1 } },
    ];
    const run = (spec: QuerySpec) => runPreparedQuery(prepareQuery(spec), docs).map((d) => d.path);
    expect(run({ collection: 'c', orderBy: [{ field: 'n' }] })).toEqual(['c/b', 'c/c', 'c/a']);
    expect(run({ collection: 'c', orderBy: [{ field: 'n' }], startAfter: [1] })).toEqual(['c/a']);
    expect(run({ collection: 'c', orderBy: [{ field: 'n' }, { field: '__name__' }], startAfter: [1, 'b'] })).toEqual(['c/c', 'c/a']);
    expect(run({ collection: 'c', where: [{ field: 'o.s', op: '>=', value: 'x' }] })).toEqual(['c/a', 'c/b']);
    expect(run({ collection: 'c', where: [{ field: '`o`.s', op: '==', value: 'y' }] })).toEqual(['c/b']);
    expect(run({ collection: 'c', where: [{ or: [{ field: 'm', op: '==', value: 1 }, { field: 'n', op: '>', value: 1 }] }] })).toEqual(['c/a']);
    expect(run({ collection: 'c', limit: 1, orderBy: [{ field: '__name__', direction: 'desc' }] })).toEqual(['c/d']);
  });
});
