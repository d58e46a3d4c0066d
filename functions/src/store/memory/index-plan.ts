/**
 * How MemoryStore serves a query from a real sorted index. Pure.
 *
 * Each conjunction of a query (one DNF term) is served by one *physical
 * index*: the term's equality / array-contains fields (the prefix, matched
 * only by equality, so their values are interned to one integer) followed by
 * the query's ordered fields and `__name__` (the sort key, order-preserving
 * bytes from index-key.ts). That is the composite index Firestore would use;
 * a descending first order is served by scanning the ascending index
 * backwards, so `seq ASC` and `seq DESC` share one structure.
 *
 * Physical indexes are built the first time a query shape needs one and are
 * maintained on every write from then on; which shapes Firestore would accept
 * is decided separately (index-planner.ts, from firestore.indexes.json).
 */
import type { DocumentData, StoreValue } from '../document-store.js';
import { DocRef, type ComparableValue } from './compare-values.js';
import { encodeKey, encodeValue, prefixSuccessor, typeClassBounds, type KeyPart } from './index-key.js';
import { INEQUALITY_OPS, type PreparedFilter, type PreparedQuery } from './match-query.js';
import { DOCUMENT_ID_FIELD, idOf, parseFieldPath } from './paths.js';
import { getField } from './write-data.js';

export interface PrefixField {
  readonly field: string;
  readonly segments: readonly string[];
  /** `contains`: one entry per distinct array element; `equals`: the whole value. */
  readonly kind: 'contains' | 'equals';
}

export interface SortField {
  readonly field: string;
  /** null for `__name__`. */
  readonly segments: readonly string[] | null;
  readonly descending: boolean;
}

export interface PhysicalIndexDef {
  readonly collectionId: string;
  readonly group: boolean;
  readonly prefix: readonly PrefixField[];
  /** Always ends with `__name__`; the first field is ascending (normalised). */
  readonly sort: readonly SortField[];
}

export interface KeyRange {
  readonly prefixKey: Buffer;
  /** Inclusive lower bound of the sort key. */
  readonly low: Buffer;
  /** Exclusive upper bound of the sort key; null for none. */
  readonly high: Buffer | null;
}

export interface TermPlan {
  readonly def: PhysicalIndexDef;
  /** Stable identity of `def`, the key under which it is stored. */
  readonly defKey: string;
  /** The query's order is the index's order read backwards. */
  readonly reverse: boolean;
  /** One range per combination of prefix values (`in`, `array-contains-any`). */
  readonly ranges: readonly KeyRange[];
}

export interface IndexEntry {
  readonly prefixKey: Buffer;
  readonly sortKey: Buffer;
}

const EMPTY = Buffer.alloc(0);

export function physicalIndexKey(def: PhysicalIndexDef): string {
  return JSON.stringify({
    c: def.collectionId,
    g: def.group,
    p: def.prefix.map((p) => [p.field, p.kind]),
    s: def.sort.map((s) => [s.field, s.descending]),
  });
}

export function parsePhysicalIndexKey(key: string): PhysicalIndexDef {
  const raw = JSON.parse(key) as { c: string; g: boolean; p: Array<[string, 'contains' | 'equals']>; s: Array<[string, boolean]> };
  return {
    collectionId: raw.c,
    group: raw.g,
    prefix: raw.p.map(([field, kind]) => ({ field, kind, segments: parseFieldPath(field) })),
    sort: raw.s.map(([field, descending]) => ({ field, descending, segments: field === DOCUMENT_ID_FIELD ? null : parseFieldPath(field) })),
  };
}

function isPrefixFilter(f: PreparedFilter, orderedFields: ReadonlySet<string>): boolean {
  if (f.field === DOCUMENT_ID_FIELD || INEQUALITY_OPS.has(f.op)) return false;
  if (f.op === 'array-contains' || f.op === 'array-contains-any') return true;
  // An equality on an ordered field is a range on that field, not a prefix.
  return !orderedFields.has(f.field);
}

function prefixValues(f: PreparedFilter): readonly ComparableValue[] {
  return f.op === 'in' || f.op === 'array-contains-any' ? f.values : [f.value];
}

/** The name part of a sort key: the id within one collection, the full path across a group. */
function namePart(path: string, group: boolean, descending: boolean): KeyPart {
  return { value: group ? new DocRef(path) : idOf(path), descending };
}

function sortPart(value: ComparableValue, field: SortField, group: boolean): KeyPart {
  if (field.segments === null && value instanceof DocRef) return namePart(value.path, group, field.descending);
  return { value, descending: field.descending };
}

function maxBuffer(a: Buffer, b: Buffer): Buffer {
  return Buffer.compare(a, b) >= 0 ? a : b;
}

function minBuffer(a: Buffer | null, b: Buffer | null): Buffer | null {
  if (a === null) return b;
  if (b === null) return a;
  return Buffer.compare(a, b) <= 0 ? a : b;
}

/** Plans one DNF term of a prepared query. */
export function planTerm(q: PreparedQuery, term: readonly PreparedFilter[]): TermPlan {
  const reverse = (q.orderBy[0] as { direction: string }).direction === 'desc';
  const group = q.collectionGroup;
  const sort: SortField[] = q.orderBy.map((o) => ({
    field: o.field,
    segments: o.segments,
    descending: (o.direction === 'desc') !== reverse,
  }));
  const orderedFields = new Set(sort.map((s) => s.field));
  const prefixFilters = term
    .filter((f) => isPrefixFilter(f, orderedFields))
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : a.op < b.op ? -1 : 1));
  // Two filters on one prefix field (`a == 1` and `a in [...]`) keep one; the other is checked per document.
  const seen = new Set<string>();
  const prefix: PrefixField[] = [];
  const prefixSources: PreparedFilter[] = [];
  for (const f of prefixFilters) {
    const kind = f.op === 'array-contains' || f.op === 'array-contains-any' ? 'contains' : 'equals';
    const id = `${f.field}\u0000${kind}`;
    if (seen.has(id)) continue;
    seen.add(id);
    prefix.push({ field: f.field, segments: f.segments as readonly string[], kind });
    prefixSources.push(f);
  }
  const def: PhysicalIndexDef = { collectionId: q.collectionId, group, prefix, sort };

  // Bounds of the first sort field from range filters and equalities on it.
  const first = sort[0] as SortField;
  let low: Buffer = EMPTY;
  let high: Buffer | null = null;
  if (first.segments !== null) {
    for (const f of term) {
      if (f.field !== first.field) continue;
      if (f.op === '<' || f.op === '<=' || f.op === '>' || f.op === '>=' || f.op === '==') {
        const encoded = encodeValue(f.value);
        const bounds = typeClassBounds(f.value);
        low = maxBuffer(low, bounds.low);
        high = minBuffer(high, bounds.high);
        if (f.op === '>') low = maxBuffer(low, prefixSuccessor(encoded) ?? encoded);
        if (f.op === '>=' || f.op === '==') low = maxBuffer(low, encoded);
        if (f.op === '<') high = minBuffer(high, encoded);
        if (f.op === '<=' || f.op === '==') high = minBuffer(high, prefixSuccessor(encoded));
      }
    }
  }
  // The cursor bounds the scan from the side the scan starts on.
  if (q.cursor) {
    const parts = q.cursor.values.map((value, i) => sortPart(value, sort[i] as SortField, group));
    const at = encodeKey(parts);
    const after = prefixSuccessor(at);
    if (!reverse) {
      low = maxBuffer(low, q.cursor.inclusive ? at : (after ?? at));
    } else {
      high = minBuffer(high, q.cursor.inclusive ? after : at);
    }
  }

  const combos = prefixSources.reduce<ComparableValue[][]>(
    (acc, f) => acc.flatMap((c) => prefixValues(f).map((v) => [...c, v])),
    [[]],
  );
  const seenKeys = new Set<string>();
  const ranges: KeyRange[] = [];
  for (const combo of combos) {
    const prefixKey = encodeKey(combo.map((value) => ({ value })));
    const id = prefixKey.toString('base64');
    if (seenKeys.has(id)) continue;
    seenKeys.add(id);
    ranges.push({ prefixKey, low, high });
  }
  return { def, defKey: physicalIndexKey(def), reverse, ranges };
}

/** Every entry a document has in a physical index (none when it lacks a field the index needs). */
export function indexEntries(def: PhysicalIndexDef, path: string, data: DocumentData): IndexEntry[] {
  const sortParts: KeyPart[] = [];
  for (const s of def.sort) {
    if (s.segments === null) {
      sortParts.push(namePart(path, def.group, s.descending));
      continue;
    }
    const v = getField(data, s.segments);
    if (v === undefined) return [];
    sortParts.push({ value: v, descending: s.descending });
  }
  let combos: StoreValue[][] = [[]];
  for (const p of def.prefix) {
    const v = getField(data, p.segments);
    if (v === undefined) return [];
    let values: StoreValue[];
    if (p.kind === 'contains') {
      if (!Array.isArray(v)) return [];
      values = v;
    } else {
      values = [v];
    }
    combos = combos.flatMap((c) => values.map((x) => [...c, x]));
  }
  const sortKey = encodeKey(sortParts);
  const out = new Map<string, IndexEntry>();
  for (const combo of combos) {
    const prefixKey = encodeKey(combo.map((value) => ({ value })));
    out.set(prefixKey.toString('latin1'), { prefixKey, sortKey });
  }
  return [...out.values()];
}

/**
 * True when the document has the index's prefix fields but lacks one of its sort fields: it
 * matches queries on the prefix yet has no entry here, so this index cannot stand in for
 * another sort of the same prefix.
 */
export function lacksSortField(def: PhysicalIndexDef, data: DocumentData): boolean {
  for (const p of def.prefix) {
    const v = getField(data, p.segments);
    if (v === undefined || (p.kind === 'contains' && (!Array.isArray(v) || v.length === 0))) return false;
  }
  return def.sort.some((s) => s.segments !== null && getField(data, s.segments) === undefined);
}
