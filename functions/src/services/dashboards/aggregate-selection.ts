import type { DocumentStore, QueryFilter, QuerySpec, StoredDocument } from '../../store/document-store.js';
import { chunk, NUMERIC_KEY_DIGITS, numericKey, numericPrefixPart } from '../../engine/dashboards/bucket-tokens.js';
import type { Selection } from './compile-selection.js';

export interface SelectionFigures {
  readonly count: number;
  readonly sum: number | null;
  readonly avg: number | null;
}

function whereFor(selection: Selection, tokens: readonly string[]): QueryFilter[] {
  const where: QueryFilter[] = [
    tokens.length === 1 ? { field: 'tokens', op: 'array-contains', value: tokens[0] as string } : { field: 'tokens', op: 'array-contains-any', value: [...tokens] },
  ];
  const range = selection.nativeRange;
  if (range) {
    where.push({ field: range.field, op: '>=', value: new Date(range.startMs) });
    where.push({ field: range.field, op: '<', value: new Date(range.endMs) });
  }
  return where;
}

/**
 * count / sum / avg over a selection with Firestore aggregation queries: one
 * per chunk, billed 1 read per 1,000 index entries matched (at least 1).
 * Chunks are disjoint, so counts and sums add. Firestore's avg skips records
 * without a number; across chunks it is recombined from each chunk's sum and
 * avg (n = sum / avg), which is exact except for a chunk whose average is
 * exactly 0, where its record count stands in for n.
 */
export async function aggregateSelection(
  store: DocumentStore,
  collection: string,
  selection: Selection,
  valueField: string | null,
): Promise<SelectionFigures> {
  let count = 0;
  let sum = 0;
  let numeric = 0;
  let anyAvg = false;
  const results = await Promise.all(
    selection.chunks.map((tokens) =>
      store.aggregate(
        { collection, where: whereFor(selection, tokens) },
        valueField === null
          ? { count: { op: 'count' } }
          : { count: { op: 'count' }, sum: { op: 'sum', field: `data.${valueField}` }, avg: { op: 'avg', field: `data.${valueField}` } },
      ),
    ),
  );
  for (const result of results) {
    const chunkCount = result.count ?? 0;
    count += chunkCount;
    if (valueField === null) continue;
    const chunkSum = result.sum ?? 0;
    const chunkAvg = result.avg ?? null;
    sum += chunkSum;
    if (chunkAvg !== null) {
      anyAvg = true;
      numeric += chunkAvg === 0 ? chunkCount : Math.round(chunkSum / chunkAvg);
    }
  }
  if (valueField === null) return { count, sum: null, avg: null };
  if (results.length === 1) return { count, sum, avg: results[0]?.avg ?? null };
  return { count, sum, avg: anyAvg && numeric > 0 ? sum / numeric : null };
}

/**
 * min / max without an index on the field. Firestore has no min/max
 * aggregation and an ordered limit-1 query would need one index per field.
 * Instead every number is also written as the 16 hex-digit prefixes of an
 * order-preserving key (bucket-tokens.ts), and the extreme is found by a
 * digit-by-digit descent of limit-1 queries over prefix tokens: per digit a
 * binary search over 16 values, at most 4 one-document queries, and each hit
 * returns a real record whose value becomes the new candidate. Bounded: at
 * most 1 + 16 × 4 = 65 reads whatever the record count. The result is the
 * value read from a record, so it is exact.
 *
 * The prefixes are written at module scope only (16 tokens per number, twice
 * with the owner scope); under every facet they would multiply a record's
 * tokens, so min/max take created_at / updated_at ranges and the owner scope
 * but no field filters (refused when the dashboard is saved).
 */
export async function findExtreme(
  store: DocumentStore,
  collection: string,
  selection: Selection,
  field: string,
  which: 'min' | 'max',
): Promise<number | null> {
  const valueOf = (doc: StoredDocument): number | null => {
    const data = doc.data.data as Record<string, unknown> | undefined;
    const value = data?.[field];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  const probe = async (prefixes: readonly string[]): Promise<number | null> => {
    const tokens = selection.scopes.flatMap((scope) => prefixes.map((prefix) => `${scope}|${numericPrefixPart(field, prefix)}`));
    for (const tokensChunk of chunk(tokens)) {
      const spec: QuerySpec = { collection, where: whereFor(selection, tokensChunk), limit: 1 };
      const [doc] = await store.query(spec);
      const value = doc ? valueOf(doc) : null;
      if (value !== null) return value;
    }
    return null;
  };
  const digits = Array.from({ length: 16 }, (_, digit) => digit.toString(16));
  let best = await probe(digits);
  if (best === null) return null;
  for (let level = 0; level < NUMERIC_KEY_DIGITS; level += 1) {
    let key = numericKey(best);
    const prefix = key.slice(0, level);
    // The candidate's digit is known to exist; search the better side of it.
    let lo = parseInt(key[level] as string, 16);
    let hi = which === 'max' ? 15 : 0;
    while (lo !== hi) {
      const mid = which === 'max' ? Math.ceil((lo + hi) / 2) : Math.floor((lo + hi) / 2);
      const wanted = which === 'max' ? digits.slice(mid, hi + 1) : digits.slice(hi, mid + 1);
      const found = await probe(wanted.map((digit) => prefix + digit));
      if (found === null) {
        hi = which === 'max' ? mid - 1 : mid + 1;
      } else {
        best = found;
        key = numericKey(found);
        lo = parseInt(key[level] as string, 16);
      }
    }
  }
  return best;
}
