import type { DocumentStore, QueryFilter, QuerySpec } from '../../store/document-store.js';
import type { SlotField } from '../../engine/template/index-slots.js';
import type { Selection } from './compile-selection.js';

export interface SelectionFigures {
  readonly count: number;
  readonly sum: number | null;
  readonly avg: number | null;
}

function whereFor(selection: Selection, tokens: readonly string[]): QueryFilter[] {
  const where: QueryFilter[] = [
    tokens.length === 1
      ? { field: selection.array, op: 'array-contains', value: tokens[0] as string }
      : { field: selection.array, op: 'array-contains-any', value: [...tokens] },
  ];
  const range = selection.nativeRange;
  if (range) {
    where.push({ field: range.field, op: '>=', value: new Date(range.startMs) });
    where.push({ field: range.field, op: '<', value: new Date(range.endMs) });
  }
  return where;
}

/**
 * count / sum / avg over a selection with Firestore aggregation queries, one
 * per chunk, billed 1 read per 1,000 index entries matched (at least 1).
 * Chunks are disjoint, so counts and sums add.
 *
 * Sums and averages read the field's index slot (engine/template/index-slots.ts),
 * never `data.<field>`: Firestore aggregates a field only through an index
 * that contains it, and only the slots are in indexes ((tokens|buckets, slot)
 * and (tokens, createdAt|updatedAt, slot) in firestore.indexes.json). The
 * count is its own query: in one query with sum, Firestore would count only
 * records that have the slot field.
 *
 * Firestore's avg skips records without a number; across chunks it is
 * recombined from each chunk's sum and avg (n = sum / avg), which is exact
 * except for a chunk whose average is exactly 0, where its record count
 * stands in for n.
 */
export async function aggregateSelection(
  store: DocumentStore,
  collection: string,
  selection: Selection,
  valueSlot: SlotField | null,
): Promise<SelectionFigures> {
  const counts = await Promise.all(
    selection.chunks.map((tokens) => store.aggregate({ collection, where: whereFor(selection, tokens) }, { count: { op: 'count' } })),
  );
  const count = counts.reduce((total, result) => total + (result.count ?? 0), 0);
  if (valueSlot === null) return { count, sum: null, avg: null };
  const results = await Promise.all(
    selection.chunks.map((tokens) =>
      store.aggregate({ collection, where: whereFor(selection, tokens) }, { sum: { op: 'sum', field: valueSlot }, avg: { op: 'avg', field: valueSlot } }),
    ),
  );
  let sum = 0;
  let numeric = 0;
  let anyAvg = false;
  results.forEach((result, index) => {
    const chunkSum = result.sum ?? 0;
    const chunkAvg = result.avg ?? null;
    sum += chunkSum;
    if (chunkAvg !== null) {
      anyAvg = true;
      numeric += chunkAvg === 0 ? (counts[index]?.count ?? 0) : Math.round(chunkSum / chunkAvg);
    }
  });
  if (results.length === 1) return { count, sum, avg: results[0]?.avg ?? null };
  return { count, sum, avg: anyAvg && numeric > 0 ? sum / numeric : null };
}

/** Below every finite number a slot can hold: the inequality keeps records whose slot is null out. */
const LOWEST = -Number.MAX_VALUE;

/**
 * min / max of an indexed number: per chunk one limit-1 query ordered by the
 * field's slot, served by the (tokens, slot ASC|DESC) indexes, so at most
 * one read per chunk whatever the record count. Date-field ranges (buckets)
 * and created_at/updated_at ranges would need an index per combination and
 * are refused when the dashboard is saved (plan-widget.ts).
 */
export async function findExtreme(
  store: DocumentStore,
  collection: string,
  selection: Selection,
  valueSlot: SlotField,
  which: 'min' | 'max',
): Promise<number | null> {
  const found = await Promise.all(
    selection.chunks.map(async (tokens) => {
      const spec: QuerySpec = {
        collection,
        where: [...whereFor(selection, tokens), { field: valueSlot, op: '>=', value: LOWEST }],
        orderBy: [{ field: valueSlot, direction: which === 'max' ? 'desc' : 'asc' }],
        limit: 1,
      };
      const [doc] = await store.query(spec);
      const value = doc?.data[valueSlot];
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    }),
  );
  const values = found.filter((value): value is number => value !== null);
  if (values.length === 0) return null;
  return which === 'max' ? Math.max(...values) : Math.min(...values);
}
