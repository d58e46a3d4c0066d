/**
 * Firestore's total order over values, as a pure module.
 *
 * Firestore orders mixed types by a fixed type rank (null < boolean < number <
 * timestamp < string < bytes < reference < geopoint < array < map). The port
 * has no bytes/geopoints; document references only appear as `__name__`,
 * which we model with the `DocRef` wrapper so they rank between strings and
 * arrays exactly as in Firestore.
 */
import type { StoreValue } from '../document-store.js';

/** A document path used as a value (`__name__` filters, cursors, ordering). */
export class DocRef {
  constructor(readonly path: string) {}
}

export type ComparableValue = StoreValue | DocRef;

export const TYPE_RANK = {
  null: 0,
  boolean: 1,
  number: 2,
  timestamp: 3,
  string: 4,
  reference: 6,
  array: 8,
  map: 9,
} as const;

export function typeRank(value: ComparableValue): number {
  if (value === null) return TYPE_RANK.null;
  if (typeof value === 'boolean') return TYPE_RANK.boolean;
  if (typeof value === 'number') return TYPE_RANK.number;
  if (typeof value === 'string') return TYPE_RANK.string;
  if (value instanceof Date) return TYPE_RANK.timestamp;
  if (value instanceof DocRef) return TYPE_RANK.reference;
  if (Array.isArray(value)) return TYPE_RANK.array;
  return TYPE_RANK.map;
}

/**
 * Firestore compares strings by their UTF-8 bytes, which is code-point order.
 * JavaScript's `<` compares UTF-16 code units and disagrees for characters
 * above U+FFFF versus U+E000..U+FFFF, so we walk code points.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const pa = a.codePointAt(i) ?? ca;
    const pb = b.codePointAt(i) ?? cb;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Document keys compare segment by segment, not as flat strings. */
export function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  const sa = a.split('/');
  const sb = b.split('/');
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(sa[i] ?? '', sb[i] ?? '');
    if (c !== 0) return c;
  }
  return sa.length - sb.length < 0 ? -1 : sa.length === sb.length ? 0 : 1;
}

/** NaN sorts before every other number and equals itself, as in Firestore. */
function compareNumbers(a: number, b: number): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na && nb ? 0 : na ? -1 : 1;
  // -0 and 0 are equal for Firestore; `<` already agrees.
  return a < b ? -1 : a > b ? 1 : 0;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export function compareValues(a: ComparableValue, b: ComparableValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case TYPE_RANK.null:
      return 0;
    case TYPE_RANK.boolean:
      return a === b ? 0 : a === false ? -1 : 1;
    case TYPE_RANK.number:
      return compareNumbers(a as number, b as number);
    case TYPE_RANK.timestamp:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case TYPE_RANK.string:
      return compareStrings(a as string, b as string);
    case TYPE_RANK.reference:
      return comparePaths((a as DocRef).path, (b as DocRef).path);
    case TYPE_RANK.array: {
      const xa = a as StoreValue[];
      const xb = b as StoreValue[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xa[i] as StoreValue, xb[i] as StoreValue);
        if (c !== 0) return c;
      }
      return sign(xa.length - xb.length);
    }
    default: {
      // Maps: walk both maps' entries in sorted key order; first differing key,
      // then first differing value decides; the shorter map is smaller.
      const ma = a as { [key: string]: StoreValue };
      const mb = b as { [key: string]: StoreValue };
      const ka = Object.keys(ma).sort(compareStrings);
      const kb = Object.keys(mb).sort(compareStrings);
      const n = Math.min(ka.length, kb.length);
      for (let i = 0; i < n; i++) {
        const keyA = ka[i] as string;
        const keyB = kb[i] as string;
        const c = compareStrings(keyA, keyB);
        if (c !== 0) return c;
        const v = compareValues(ma[keyA] as StoreValue, mb[keyB] as StoreValue);
        if (v !== 0) return v;
      }
      return sign(ka.length - kb.length);
    }
  }
}

/** Firestore equality: same type class and compares equal (so 1 == 1.0, NaN == NaN). */
export function valuesEqual(a: ComparableValue, b: ComparableValue): boolean {
  return compareValues(a, b) === 0;
}
