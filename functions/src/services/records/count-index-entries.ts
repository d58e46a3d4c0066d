import type { IndexConfig } from '../../store/memory/index-planner.js';

/**
 * Index entries and size of one document, counted the way Firestore counts
 * them (documented "index entry count" and "storage size" rules), honouring
 * `fieldOverrides`. The store will enforce the 40,000-entry limit; this
 * counter is what the bench reports per record and what tests compare the
 * template budget (engine/template/record-budget.ts) against.
 *
 * - Single-field: each scalar leaf (map subfields included) has an ascending
 *   and a descending entry; an array has one array-contains entry per
 *   distinct element plus ascending and descending of the whole array. A
 *   field override replaces the set for that path and its subfields.
 * - Composite: a document is in a composite index only if it has every field
 *   of it; it gets one entry per combination of distinct elements of its
 *   CONTAINS field (other fields contribute one value each).
 */
export function countIndexEntries(
  document: object,
  config: IndexConfig,
  collectionGroup: string,
): { total: number; singleField: number; composite: number; byField: Record<string, number> } {
  const data = document as Readonly<Record<string, unknown>>;
  const byField: Record<string, number> = {};
  const add = (field: string, entries: number) => {
    const top = field.split('.')[0] as string;
    byField[top] = (byField[top] ?? 0) + entries;
  };
  const overrides = (config.fieldOverrides ?? []).filter((override) => override.collectionGroup === collectionGroup);
  const overrideFor = (path: string) => {
    // The most specific override on the path or one of its parents applies.
    let found: (typeof overrides)[number] | undefined;
    for (const override of overrides) {
      if ((path === override.fieldPath || path.startsWith(`${override.fieldPath}.`)) && (!found || override.fieldPath.length > found.fieldPath.length)) found = override;
    }
    return found;
  };
  let singleField = 0;
  const visit = (path: string, value: unknown) => {
    if (value === undefined) return;
    if (isPlainMap(value)) {
      for (const [key, inner] of Object.entries(value)) visit(`${path}.${key}`, inner);
      return;
    }
    const override = overrideFor(path);
    const collectionScoped = override ? override.indexes.filter((index) => (index.queryScope ?? 'COLLECTION') === 'COLLECTION') : null;
    const orders = collectionScoped ? collectionScoped.filter((index) => index.order !== undefined).length : 2;
    const contains = collectionScoped ? collectionScoped.some((index) => index.arrayConfig === 'CONTAINS') : true;
    let entries = orders;
    if (Array.isArray(value) && contains) entries += distinct(value).length;
    singleField += entries;
    add(path, entries);
  };
  for (const [key, value] of Object.entries(data)) visit(key, value);

  let composite = 0;
  for (const index of config.indexes) {
    if (index.collectionGroup !== collectionGroup || (index.queryScope ?? 'COLLECTION') !== 'COLLECTION') continue;
    let entries = 1;
    let containsField: string | null = null;
    for (const field of index.fields) {
      const value = readPath(data, field.fieldPath);
      if (value === undefined) {
        entries = 0;
        break;
      }
      if (field.arrayConfig === 'CONTAINS') {
        entries *= Array.isArray(value) ? distinct(value).length : 0;
        containsField = field.fieldPath;
      }
    }
    composite += entries;
    if (entries > 0) add(containsField ?? (index.fields[0]?.fieldPath ?? '?'), entries);
  }
  return { total: singleField + composite, singleField, composite, byField };
}

/**
 * Firestore's storage size of a document's fields: each field name's UTF-8
 * length + 1, plus its value (strings: UTF-8 length + 1; numbers, booleans:
 * 8 / 1; timestamps 8; null 1; arrays and maps the sum of their parts). The
 * document name adds at most a few hundred bytes; the 1 MiB check leaves room.
 */
export function documentBytes(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8') + 1;
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean') return 1;
  if (value instanceof Date) return 8;
  if (Array.isArray(value)) return value.reduce((total: number, item) => total + documentBytes(item), 0);
  if (isPlainMap(value)) {
    return Object.entries(value).reduce((total, [key, inner]) => total + Buffer.byteLength(key, 'utf8') + 1 + documentBytes(inner), 0);
  }
  return 8;
}

/** Fields as Firestore counts them toward its 20,000 limit: every map subfield counts, the map too. */
export function countFields(document: object): number {
  let total = 0;
  for (const inner of Object.values(document)) {
    total += 1;
    if (isPlainMap(inner)) total += countFields(inner);
  }
  return total;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function readPath(data: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = data;
  for (const part of path.split('.')) {
    if (!isPlainMap(current)) return undefined;
    current = current[part];
  }
  return current;
}
