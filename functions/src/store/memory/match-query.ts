/**
 * Query validation, normalisation and evaluation — pure, no store state.
 *
 * Mirrors Firestore: query restrictions are refused with `invalid-argument`,
 * the effective ordering is explicit orderBys, then inequality fields not
 * already ordered (lexicographically), then `__name__` in the direction of the
 * last orderBy; documents lacking any ordered field are excluded; filters only
 * match documents where the field exists.
 */
import {
  StoreError,
  type DocumentData,
  type AndFilter,
  type FieldFilter,
  type FilterOp,
  type OrFilter,
  type QueryFilter,
  type QuerySpec,
  type StoreValue,
} from '../document-store.js';
import { DocRef, compareStrings, compareValues, typeRank, valuesEqual, type ComparableValue } from './compare-values.js';
import {
  DOCUMENT_ID_FIELD,
  canonicalFieldPath,
  idOf,
  parseCollectionPath,
  parseDocumentPath,
  parseFieldPath,
  validateCollectionId,
} from './paths.js';
import { copyIn, getField } from './write-data.js';

export const MAX_DISJUNCTIONS = 30;
export const MAX_IN_VALUES = 30;
export const MAX_NOT_IN_VALUES = 10;
export const MAX_FILTERS_AND_ORDERS = 100;

const OPS: ReadonlySet<FilterOp> = new Set<FilterOp>([
  '==', '!=', '<', '<=', '>', '>=', 'array-contains', 'array-contains-any', 'in', 'not-in',
]);
const LIST_OPS: ReadonlySet<FilterOp> = new Set<FilterOp>(['in', 'not-in', 'array-contains-any']);
export const INEQUALITY_OPS: ReadonlySet<FilterOp> = new Set<FilterOp>(['<', '<=', '>', '>=', '!=', 'not-in']);

/** Operators that may not appear together in one query (Firestore SDK rules). */
const CONFLICTS: Partial<Record<FilterOp, readonly FilterOp[]>> = {
  'array-contains': ['array-contains', 'array-contains-any', 'not-in'],
  'array-contains-any': ['array-contains', 'array-contains-any', 'not-in'],
  in: ['not-in'],
  'not-in': ['array-contains', 'array-contains-any', 'in', 'not-in', '!='],
  '!=': ['!=', 'not-in'],
};

export interface PreparedFilter {
  /** Canonical field path, or `__name__`. */
  readonly field: string;
  /** Parsed segments; null for `__name__`. */
  readonly segments: readonly string[] | null;
  readonly op: FilterOp;
  readonly value: ComparableValue;
  /** The list operand of `in` / `not-in` / `array-contains-any`. */
  readonly values: readonly ComparableValue[];
}

export type FilterNode =
  | { readonly kind: 'field'; readonly filter: PreparedFilter }
  | { readonly kind: 'and' | 'or'; readonly children: readonly FilterNode[] };

export interface PreparedOrder {
  readonly field: string;
  readonly segments: readonly string[] | null;
  readonly direction: 'asc' | 'desc';
}

export interface PreparedQuery {
  /** Collection path, or the collection id for collection-group queries. */
  readonly collection: string;
  readonly collectionGroup: boolean;
  readonly collectionId: string;
  readonly filter: FilterNode;
  /** Conjunctions of the filter in disjunctive normal form (`in` lists kept whole). */
  readonly dnf: ReadonlyArray<readonly PreparedFilter[]>;
  /** Effective ordering, always ending with `__name__`. */
  readonly orderBy: readonly PreparedOrder[];
  readonly explicitOrderCount: number;
  readonly cursor: { readonly values: readonly ComparableValue[]; readonly inclusive: boolean } | null;
  readonly limit: number | null;
}

export interface CandidateDocument {
  readonly path: string;
  readonly data: DocumentData;
}

function invalid(message: string): never {
  throw new StoreError('invalid-argument', `Invalid query: ${message}`);
}

function toDocRef(value: unknown, spec: QuerySpec, where: string): DocRef {
  if (typeof value !== 'string' || value.length === 0) {
    invalid(`${where} on __name__ needs a document path string, got ${JSON.stringify(value)}.`);
  }
  if (!value.includes('/')) {
    if (spec.collectionGroup) {
      invalid(`${where}: when querying a collection group by __name__, the value must be a full document path, not "${value}".`);
    }
    parseDocumentPath(`${spec.collection}/${value}`);
    return new DocRef(`${spec.collection}/${value}`);
  }
  parseDocumentPath(value);
  return new DocRef(value);
}

function isNullOrNaN(value: ComparableValue): boolean {
  return value === null || (typeof value === 'number' && Number.isNaN(value));
}

function prepareFieldFilter(f: FieldFilter, spec: QuerySpec, ops: FilterOp[]): PreparedFilter {
  if (typeof f !== 'object' || f === null || typeof f.field !== 'string') invalid('malformed filter.');
  if (!OPS.has(f.op)) invalid(`unknown operator "${String(f.op)}".`);
  const isName = f.field === DOCUMENT_ID_FIELD;
  const field = canonicalFieldPath(f.field);
  const segments = isName ? null : parseFieldPath(f.field);
  const where = `filter ${field} ${f.op}`;
  ops.push(f.op);
  if (LIST_OPS.has(f.op)) {
    if (!Array.isArray(f.value) || f.value.length === 0) {
      invalid(`'${f.op}' needs a non-empty array of values.`);
    }
    const max = f.op === 'not-in' ? MAX_NOT_IN_VALUES : MAX_IN_VALUES;
    if (f.value.length > max) invalid(`'${f.op}' supports at most ${max} values, got ${f.value.length}.`);
    if (isName && f.op === 'array-contains-any') invalid(`'${f.op}' cannot be used on __name__.`);
    const values = f.value.map((v, i) =>
      isName ? toDocRef(v, spec, `${where}[${i}]`) : copyIn(v, `${where}[${i}]`, 1, f.op === 'array-contains-any'),
    );
    return { field, segments, op: f.op, value: null, values };
  }
  if (isName) {
    if (f.op === 'array-contains') invalid(`'array-contains' cannot be used on __name__.`);
    return { field, segments, op: f.op, value: toDocRef(f.value, spec, where), values: [] };
  }
  const value = copyIn(f.value, where);
  if (isNullOrNaN(value) && f.op !== '==' && f.op !== '!=') {
    invalid(`null and NaN can only be used with '==' and '!=' (got '${f.op}' on ${field}).`);
  }
  return { field, segments, op: f.op, value, values: [] };
}

function isOr(f: QueryFilter): f is OrFilter {
  return typeof f === 'object' && f !== null && 'or' in f;
}
function isAnd(f: QueryFilter): f is AndFilter {
  return typeof f === 'object' && f !== null && 'and' in f;
}

function prepareNode(f: QueryFilter, spec: QuerySpec, ops: FilterOp[], flags: { or: boolean; count: number }): FilterNode | null {
  if (isOr(f) || isAnd(f)) {
    const list: unknown = isOr(f) ? f.or : f.and;
    if (!Array.isArray(list)) invalid('a composite filter needs an array of filters.');
    const children = (list as QueryFilter[])
      .map((c) => prepareNode(c, spec, ops, flags))
      .filter((c): c is FilterNode => c !== null);
    // Like the SDKs: an empty composite filter is no filter at all.
    if (children.length === 0) return null;
    if (children.length === 1) return children[0] as FilterNode;
    const kind = isOr(f) ? 'or' : 'and';
    if (kind === 'or') flags.or = true;
    return { kind, children };
  }
  flags.count++;
  return { kind: 'field', filter: prepareFieldFilter(f as FieldFilter, spec, ops) };
}

/** Disjunction count in DNF, with `in`/`array-contains-any` counting one per value. */
function disjunctionCount(node: FilterNode): number {
  if (node.kind === 'field') {
    const op = node.filter.op;
    return op === 'in' || op === 'array-contains-any' ? node.filter.values.length : 1;
  }
  const counts = node.children.map(disjunctionCount);
  return node.kind === 'or' ? counts.reduce((a, b) => a + b, 0) : counts.reduce((a, b) => a * b, 1);
}

function toDnf(node: FilterNode): PreparedFilter[][] {
  if (node.kind === 'field') return [[node.filter]];
  if (node.kind === 'or') return node.children.flatMap(toDnf);
  let terms: PreparedFilter[][] = [[]];
  for (const child of node.children) {
    const childTerms = toDnf(child);
    terms = terms.flatMap((t) => childTerms.map((c) => [...t, ...c]));
  }
  return terms;
}

function compareFieldPaths(a: string, b: string): number {
  const sa = a === DOCUMENT_ID_FIELD ? [a] : parseFieldPath(a);
  const sb = b === DOCUMENT_ID_FIELD ? [b] : parseFieldPath(b);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = compareStrings(sa[i] as string, sb[i] as string);
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}

export function prepareQuery(spec: QuerySpec): PreparedQuery {
  if (typeof spec !== 'object' || spec === null) invalid('the query spec must be an object.');
  let collectionId: string;
  if (spec.collectionGroup) {
    validateCollectionId(spec.collection);
    collectionId = spec.collection;
  } else {
    parseCollectionPath(spec.collection);
    collectionId = idOf(spec.collection);
  }

  const ops: FilterOp[] = [];
  const flags = { or: false, count: 0 };
  const whereList = spec.where ?? [];
  if (!Array.isArray(whereList)) invalid('`where` must be an array.');
  const root = prepareNode({ and: whereList as AndFilter['and'] }, spec, ops, flags) ?? { kind: 'and', children: [] };

  for (let i = 0; i < ops.length; i++) {
    for (let j = 0; j < ops.length; j++) {
      if (i === j) continue;
      const a = ops[i] as FilterOp;
      const b = ops[j] as FilterOp;
      if (CONFLICTS[a]?.includes(b)) {
        invalid(
          a === b
            ? `at most one '${a}' filter is allowed per query.`
            : `'${a}' cannot be combined with '${b}' in the same query.`,
        );
      }
    }
  }
  if (flags.or && ops.includes('not-in')) invalid(`'not-in' cannot be combined with 'or' filters.`);

  const disjunctions = disjunctionCount(root);
  if (disjunctions > MAX_DISJUNCTIONS) {
    invalid(`the filter has ${disjunctions} disjunctions in disjunctive normal form; Firestore allows at most ${MAX_DISJUNCTIONS}.`);
  }
  const dnf = root.kind === 'and' && root.children.length === 0 ? [[]] : toDnf(root);

  // Ordering.
  const explicit: PreparedOrder[] = [];
  const orderList = spec.orderBy ?? [];
  if (!Array.isArray(orderList)) invalid('`orderBy` must be an array.');
  for (const o of orderList) {
    const direction = o.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') invalid(`orderBy direction must be 'asc' or 'desc', got ${JSON.stringify(direction)}.`);
    const field = canonicalFieldPath(o.field);
    if (explicit.some((e) => e.field === field)) invalid(`orderBy lists ${field} twice.`);
    explicit.push({ field, segments: field === DOCUMENT_ID_FIELD ? null : parseFieldPath(o.field), direction });
  }
  if (flags.count + explicit.length > MAX_FILTERS_AND_ORDERS) {
    invalid(`at most ${MAX_FILTERS_AND_ORDERS} filters and orderBy clauses are allowed.`);
  }
  const orderBy = [...explicit];
  const lastDirection = explicit.length > 0 ? (explicit[explicit.length - 1] as PreparedOrder).direction : 'asc';
  const inequalityFields = new Map<string, PreparedFilter>();
  for (const term of dnf) for (const f of term) if (INEQUALITY_OPS.has(f.op)) inequalityFields.set(f.field, f);
  const implicit = [...inequalityFields.values()]
    .filter((f) => !orderBy.some((o) => o.field === f.field))
    .sort((a, b) => compareFieldPaths(a.field, b.field));
  for (const f of implicit) orderBy.push({ field: f.field, segments: f.segments, direction: lastDirection });
  if (!orderBy.some((o) => o.field === DOCUMENT_ID_FIELD)) {
    orderBy.push({ field: DOCUMENT_ID_FIELD, segments: null, direction: lastDirection });
  }

  // Cursor.
  let cursor: PreparedQuery['cursor'] = null;
  if (spec.startAt !== undefined && spec.startAfter !== undefined) invalid('use either startAt or startAfter, not both.');
  const rawCursor = spec.startAt ?? spec.startAfter;
  if (rawCursor !== undefined) {
    if (!Array.isArray(rawCursor) || rawCursor.length === 0) invalid('a cursor needs at least one value.');
    if (rawCursor.length > explicit.length) {
      invalid(`too many cursor values (${rawCursor.length}); they must match the query's ${explicit.length} orderBy clause(s).`);
    }
    const values = rawCursor.map((v: StoreValue, i: number): ComparableValue => {
      const order = explicit[i] as PreparedOrder;
      return order.field === DOCUMENT_ID_FIELD ? toDocRef(v, spec, `cursor[${i}]`) : copyIn(v, `cursor[${i}]`);
    });
    cursor = { values, inclusive: spec.startAt !== undefined };
  }

  let limit: number | null = null;
  if (spec.limit !== undefined) {
    if (typeof spec.limit !== 'number' || !Number.isInteger(spec.limit) || spec.limit <= 0) {
      invalid(`limit must be a positive integer, got ${String(spec.limit)}.`);
    }
    limit = spec.limit;
  }

  return {
    collection: spec.collection,
    collectionGroup: spec.collectionGroup === true,
    collectionId,
    filter: root,
    dnf,
    orderBy,
    explicitOrderCount: explicit.length,
    cursor,
    limit,
  };
}

function fieldValueOf(doc: CandidateDocument, segments: readonly string[] | null): ComparableValue | undefined {
  return segments === null ? new DocRef(doc.path) : getField(doc.data, segments);
}

export function matchesFilter(f: PreparedFilter, doc: CandidateDocument): boolean {
  const v = fieldValueOf(doc, f.segments);
  if (v === undefined) return false;
  switch (f.op) {
    case '==':
      return valuesEqual(v, f.value);
    case '!=':
      // Firestore excludes nulls (and missing fields) from '!='.
      return v !== null && !valuesEqual(v, f.value);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      // Range filters only match values of the same type class.
      if (typeRank(v) !== typeRank(f.value)) return false;
      const c = compareValues(v, f.value);
      return f.op === '<' ? c < 0 : f.op === '<=' ? c <= 0 : f.op === '>' ? c > 0 : c >= 0;
    }
    case 'array-contains':
      return Array.isArray(v) && v.some((e) => valuesEqual(e, f.value));
    case 'array-contains-any':
      return Array.isArray(v) && v.some((e) => f.values.some((x) => valuesEqual(e, x)));
    case 'in':
      return f.values.some((x) => valuesEqual(v, x));
    case 'not-in':
      if (f.values.some((x) => x === null)) return false;
      return v !== null && !f.values.some((x) => valuesEqual(v, x));
  }
}

export function matchesNode(node: FilterNode, doc: CandidateDocument): boolean {
  if (node.kind === 'field') return matchesFilter(node.filter, doc);
  if (node.kind === 'and') return node.children.every((c) => matchesNode(c, doc));
  return node.children.some((c) => matchesNode(c, doc));
}

/** Firestore's order of two matching documents under the query's effective ordering. */
export function compareByOrder(q: PreparedQuery, a: CandidateDocument, b: CandidateDocument): number {
  for (const o of q.orderBy) {
    const c = compareValues(fieldValueOf(a, o.segments) as ComparableValue, fieldValueOf(b, o.segments) as ComparableValue);
    if (c !== 0) return o.direction === 'desc' ? -c : c;
  }
  return 0;
}

function compareToCursor(q: PreparedQuery, doc: CandidateDocument, values: readonly ComparableValue[]): number {
  for (let i = 0; i < values.length; i++) {
    const o = q.orderBy[i] as PreparedOrder;
    const c = compareValues(fieldValueOf(doc, o.segments) as ComparableValue, values[i] as ComparableValue);
    if (c !== 0) return o.direction === 'desc' ? -c : c;
  }
  return 0;
}

/** True when the document is in the query's result set (filters, ordered fields present, after the cursor). */
export function matchesQuery(q: PreparedQuery, doc: CandidateDocument): boolean {
  // Ordering by a field excludes documents that lack it.
  if (!q.orderBy.every((o) => fieldValueOf(doc, o.segments) !== undefined)) return false;
  if (!matchesNode(q.filter, doc)) return false;
  if (q.cursor) {
    const c = compareToCursor(q, doc, q.cursor.values);
    if (q.cursor.inclusive ? c < 0 : c <= 0) return false;
  }
  return true;
}

/** Filters, orders, applies the cursor and limit by scanning every candidate (the reference the indexed executor is tested against). */
export function runPreparedQuery(q: PreparedQuery, candidates: Iterable<CandidateDocument>): CandidateDocument[] {
  const matched: CandidateDocument[] = [];
  for (const doc of candidates) if (matchesQuery(q, doc)) matched.push(doc);
  matched.sort((a, b) => compareByOrder(q, a, b));
  return q.limit !== null ? matched.slice(0, q.limit) : matched;
}
