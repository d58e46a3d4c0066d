/**
 * Which index would production Firestore need for a query? Pure.
 *
 * Model (Firestore's documented behaviour):
 * - Single-field indexes (ASC, DESC, CONTAINS) exist by default for every field
 *   with COLLECTION scope only; `fieldOverrides` replace a field's set (and are
 *   the only way to get COLLECTION_GROUP single-field indexes).
 * - Without ordering/inequalities, equality and array-contains filters on any
 *   number of fields are served by merging single-field indexes.
 * - One field with inequality/orderBy and nothing else: its single-field index.
 * - Otherwise a composite index is needed: equality/array-contains fields (any
 *   order), then the ordered fields (explicit orderBy, then inequality fields)
 *   with the same directions. Composite indexes sharing that ordered suffix may
 *   be merged to cover several equality fields.
 * Each disjunction of an OR query is planned separately.
 */
import { StoreError } from '../document-store.js';
import { DOCUMENT_ID_FIELD, canonicalFieldPath } from './paths.js';
import { INEQUALITY_OPS, type PreparedQuery } from './match-query.js';

export type QueryScope = 'COLLECTION' | 'COLLECTION_GROUP';
export type IndexOrder = 'ASCENDING' | 'DESCENDING';

export interface IndexFieldConfig {
  readonly fieldPath: string;
  readonly order?: IndexOrder | undefined;
  readonly arrayConfig?: 'CONTAINS' | undefined;
}

export interface CompositeIndexConfig {
  readonly collectionGroup: string;
  readonly queryScope?: QueryScope | undefined;
  readonly fields: readonly IndexFieldConfig[];
}

export interface FieldOverrideIndex {
  readonly queryScope?: QueryScope | undefined;
  readonly order?: IndexOrder | undefined;
  readonly arrayConfig?: 'CONTAINS' | undefined;
}

export interface FieldOverrideConfig {
  readonly collectionGroup: string;
  readonly fieldPath: string;
  readonly indexes: readonly FieldOverrideIndex[];
}

/** The shape of `firestore.indexes.json`. */
export interface IndexConfig {
  readonly indexes: readonly CompositeIndexConfig[];
  readonly fieldOverrides?: readonly FieldOverrideConfig[] | undefined;
}

type Kind = IndexOrder | 'CONTAINS';

interface NeededField {
  readonly field: string;
  readonly kind: Kind;
}

export type MissingIndex =
  | { readonly type: 'composite'; readonly collectionGroup: string; readonly queryScope: QueryScope; readonly fields: readonly NeededField[] }
  | { readonly type: 'single-field'; readonly collectionGroup: string; readonly queryScope: QueryScope; readonly field: NeededField };

function kindLabel(f: NeededField): string {
  return `${f.field} ${f.kind}`;
}

export function describeMissingIndex(m: MissingIndex): string {
  if (m.type === 'composite') {
    return (
      `The query requires an index: collectionGroup=${m.collectionGroup} (${m.queryScope}) ` +
      `fields [${m.fields.map(kindLabel).join(', ')}]. Add it to firestore.indexes.json.`
    );
  }
  return (
    `The query requires a single-field index: collectionGroup=${m.collectionGroup} (${m.queryScope}) ` +
    `field [${kindLabel(m.field)}]. Add it to fieldOverrides in firestore.indexes.json.`
  );
}

interface NormalIndex {
  readonly scope: QueryScope;
  readonly fields: readonly NeededField[];
}

const DEFAULT_SINGLE_FIELD: readonly FieldOverrideIndex[] = [
  { queryScope: 'COLLECTION', order: 'ASCENDING' },
  { queryScope: 'COLLECTION', order: 'DESCENDING' },
  { queryScope: 'COLLECTION', arrayConfig: 'CONTAINS' },
];

export class IndexPlanner {
  private readonly composites = new Map<string, NormalIndex[]>();
  private readonly overrides = new Map<string, readonly FieldOverrideIndex[]>();

  constructor(config: IndexConfig = { indexes: [] }) {
    for (const index of config.indexes) {
      const fields = index.fields.map((f): NeededField => ({
        field: canonicalFieldPath(f.fieldPath),
        kind: f.arrayConfig === 'CONTAINS' ? 'CONTAINS' : (f.order ?? 'ASCENDING'),
      }));
      // A composite index always ends with __name__ implicitly; an explicit one adds nothing.
      while (fields.length > 0 && (fields[fields.length - 1] as NeededField).field === DOCUMENT_ID_FIELD) fields.pop();
      const list = this.composites.get(index.collectionGroup) ?? [];
      list.push({ scope: index.queryScope ?? 'COLLECTION', fields });
      this.composites.set(index.collectionGroup, list);
    }
    for (const o of config.fieldOverrides ?? []) {
      this.overrides.set(`${o.collectionGroup}\u0000${canonicalFieldPath(o.fieldPath)}`, o.indexes);
    }
  }

  private hasSingleField(group: string, scope: QueryScope, need: NeededField): boolean {
    const list = this.overrides.get(`${group}\u0000${need.field}`) ?? DEFAULT_SINGLE_FIELD;
    return list.some(
      (i) =>
        (i.queryScope ?? 'COLLECTION') === scope &&
        (need.kind === 'CONTAINS' ? i.arrayConfig === 'CONTAINS' : i.order === need.kind),
    );
  }

  /** The first index the query lacks, or null when Firestore could serve it. */
  findMissingIndex(q: PreparedQuery): MissingIndex | null {
    const scope: QueryScope = q.collectionGroup ? 'COLLECTION_GROUP' : 'COLLECTION';
    const group = q.collectionId;
    const orders = [...q.orderBy];
    // The trailing __name__ tie-breaker is part of every index.
    if (orders.length > 0 && (orders[orders.length - 1] as { field: string }).field === DOCUMENT_ID_FIELD) orders.pop();
    const ordered: NeededField[] = orders.map((o) => ({ field: o.field, kind: o.direction === 'desc' ? 'DESCENDING' : 'ASCENDING' }));

    for (const term of q.dnf) {
      const prefix: NeededField[] = [];
      for (const f of term) {
        if (f.field === DOCUMENT_ID_FIELD || INEQUALITY_OPS.has(f.op)) continue;
        const contains = f.op === 'array-contains' || f.op === 'array-contains-any';
        // An equality on a field that is also ordered is just a range on that ordered field.
        if (!contains && ordered.some((o) => o.field === f.field)) continue;
        const need: NeededField = { field: f.field, kind: contains ? 'CONTAINS' : 'ASCENDING' };
        if (!prefix.some((p) => p.field === need.field && (p.kind === 'CONTAINS') === (need.kind === 'CONTAINS'))) prefix.push(need);
      }
      const missing = this.planTerm(group, scope, prefix, ordered);
      if (missing) return missing;
    }
    return null;
  }

  private planTerm(group: string, scope: QueryScope, prefix: NeededField[], ordered: NeededField[]): MissingIndex | null {
    if (prefix.length === 0 && ordered.length === 0) return null;
    if (ordered.length === 0) {
      // Index merging over single-field indexes (or composites over the same fields).
      const uncovered = prefix.filter((p) => !this.hasSingleField(group, scope, p));
      if (uncovered.length === 0 || this.coveredByComposites(group, scope, prefix, [])) return null;
      return { type: 'single-field', collectionGroup: group, queryScope: scope, field: uncovered[0] as NeededField };
    }
    if (prefix.length === 0 && ordered.length === 1) {
      const only = ordered[0] as NeededField;
      if (this.hasSingleField(group, scope, only) || this.coveredByComposites(group, scope, [], ordered)) return null;
      return { type: 'single-field', collectionGroup: group, queryScope: scope, field: only };
    }
    if (this.coveredByComposites(group, scope, prefix, ordered)) return null;
    return { type: 'composite', collectionGroup: group, queryScope: scope, fields: [...prefix, ...ordered] };
  }

  /**
   * True when composite indexes whose fields are (subset of prefix, any order)
   * followed by exactly `ordered` together cover every prefix field.
   */
  private coveredByComposites(group: string, scope: QueryScope, prefix: NeededField[], ordered: NeededField[]): boolean {
    const covered = new Set<string>();
    const key = (f: NeededField): string => `${f.field}\u0000${f.kind === 'CONTAINS' ? 'C' : 'O'}`;
    const wanted = new Set(prefix.map(key));
    for (const index of this.composites.get(group) ?? []) {
      if (index.scope !== scope) continue;
      const n = index.fields.length - ordered.length;
      if (n < 0) continue;
      const head = index.fields.slice(0, n);
      const tail = index.fields.slice(n);
      if (!tail.every((f, i) => f.field === (ordered[i] as NeededField).field && f.kind === (ordered[i] as NeededField).kind)) continue;
      if (!head.every((f) => wanted.has(key(f)))) continue;
      if (head.length === 0 && prefix.length > 0) continue;
      for (const f of head) covered.add(key(f));
      if (head.length === 0 && prefix.length === 0) return true;
    }
    return prefix.length > 0 && prefix.every((p) => covered.has(key(p)));
  }

  /**
   * sum() and avg() are computed by scanning an index, so the aggregated field must be in the
   * index that serves the query ("a field must be indexed to calculate an aggregation"): the
   * query must be servable with the field as one more ordered field, in either direction.
   */
  findMissingAggregationIndex(q: PreparedQuery, field: string): MissingIndex | null {
    const canonical = canonicalFieldPath(field);
    // The index must hold the query's ordered fields (explicit, then inequality fields), then the aggregated one.
    const ordered = q.orderBy.filter((o) => o.field !== DOCUMENT_ID_FIELD);
    if (ordered.some((o) => o.field === canonical)) return this.findMissingIndex(q);
    const name = q.orderBy.filter((o) => o.field === DOCUMENT_ID_FIELD);
    let first: MissingIndex | null = null;
    for (const direction of ['asc', 'desc'] as const) {
      const withField: PreparedQuery = {
        ...q,
        orderBy: [...ordered, { field: canonical, segments: null, direction }, ...name],
        explicitOrderCount: ordered.length + 1,
      };
      const missing = this.findMissingIndex(withField);
      if (!missing) return null;
      first ??= missing;
    }
    return first;
  }

  /** Throws FAILED_PRECONDITION, as Firestore does, when sum/avg of `field` has no index to scan. */
  checkAggregation(q: PreparedQuery, op: 'sum' | 'avg', field: string): void {
    const missing = this.findMissingAggregationIndex(q, field);
    if (missing) throw new StoreError('failed-precondition', `${op}(${field}): ${describeMissingIndex(missing)}`);
  }

  /** Throws Firestore's FAILED_PRECONDITION when the query lacks an index. */
  check(q: PreparedQuery): void {
    const missing = this.findMissingIndex(q);
    if (missing) throw new StoreError('failed-precondition', describeMissingIndex(missing));
  }
}
