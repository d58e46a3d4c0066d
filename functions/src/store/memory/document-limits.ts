/**
 * Firestore's per-document limits, counted the way Firestore counts them. Pure.
 *
 * - Size (1 MiB): the document name (each path segment's UTF-8 bytes + 1, plus
 *   16), every field name (UTF-8 bytes + 1) and value (string: UTF-8 bytes + 1;
 *   number and timestamp: 8; boolean and null: 1; arrays and maps: their
 *   contents), plus 32.
 * - Fields (20,000): every field at every depth of nested maps.
 * - Index entries (40,000): single-field indexes — ascending and descending
 *   for each value at every depth (arrays too, as whole values), plus one
 *   array-contains entry per distinct array element — unless a `fieldOverrides` entry of the
 *   collection group replaces a field's indexes (its map subfields inherit
 *   it); plus, for each composite index of the collection group, the product
 *   of its fields' entry counts (array-contains: distinct elements).
 */
import type { DocumentData, StoreValue } from '../document-store.js';
import { encodeValue } from './index-key.js';
import type { FieldOverrideIndex, IndexConfig } from './index-planner.js';
import { canonicalFieldPath, formatFieldPath, parseFieldPath } from './paths.js';
import { getField } from './write-data.js';

export const MAX_DOCUMENT_BYTES = 1_048_576;
export const MAX_FIELDS = 20_000;
export const MAX_INDEX_ENTRIES = 40_000;

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function valueSize(value: StoreValue): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'number' || value instanceof Date) return 8;
  if (typeof value === 'string') return utf8(value) + 1;
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + valueSize(v), 0);
  return Object.entries(value).reduce((sum, [k, v]) => sum + utf8(k) + 1 + valueSize(v), 0);
}

export function documentSize(path: string, data: DocumentData): number {
  const name = path.split('/').reduce((sum, segment) => sum + utf8(segment) + 1, 16);
  return name + valueSize(data) + 32;
}

export function countFields(data: DocumentData): number {
  let n = 0;
  for (const value of Object.values(data)) {
    n++;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) n += countFields(value);
  }
  return n;
}

function distinctCount(values: readonly StoreValue[]): number {
  // Strings (tokens, the common case) are distinct as strings; other values by their index key.
  if (values.every((v) => typeof v === 'string')) return new Set(values).size;
  return new Set(values.map((v) => encodeValue(v).toString('latin1'))).size;
}

export interface LimitViolation {
  readonly limit: 'size' | 'fields' | 'index-entries';
  readonly message: string;
}

/** The first Firestore limit the document breaks (or null), and its index entries. */
export function checkDocumentLimits(
  path: string,
  collectionId: string,
  data: DocumentData,
  counter: IndexEntryCounter,
): { readonly violation: LimitViolation | null; readonly indexEntries: number } {
  const bytes = documentSize(path, data);
  if (bytes > MAX_DOCUMENT_BYTES) {
    return { violation: { limit: 'size', message: `Document ${path} is ${bytes} bytes; Firestore allows at most ${MAX_DOCUMENT_BYTES} (1 MiB).` }, indexEntries: 0 };
  }
  const fields = countFields(data);
  if (fields > MAX_FIELDS) {
    return { violation: { limit: 'fields', message: `Document ${path} has ${fields} fields; Firestore allows at most ${MAX_FIELDS}.` }, indexEntries: 0 };
  }
  const indexEntries = counter.count(collectionId, data);
  if (indexEntries > MAX_INDEX_ENTRIES) {
    return { violation: { limit: 'index-entries', message: `Document ${path} needs ${indexEntries} index entries; Firestore allows at most ${MAX_INDEX_ENTRIES}.` }, indexEntries };
  }
  return { violation: null, indexEntries };
}

export class IndexEntryCounter {
  private readonly overrides = new Map<string, readonly FieldOverrideIndex[]>();

  constructor(private readonly config: IndexConfig) {
    for (const o of config.fieldOverrides ?? []) this.overrides.set(`${o.collectionGroup}\u0000${canonicalFieldPath(o.fieldPath)}`, o.indexes);
  }

  /** Index entries a document of collection group `collectionId` has. */
  count(collectionId: string, data: DocumentData): number {
    return this.singleField(collectionId, data, [], null) + this.composite(collectionId, data);
  }

  private singleField(collectionId: string, map: { [key: string]: StoreValue }, prefix: string[], inherited: readonly FieldOverrideIndex[] | null): number {
    let n = 0;
    for (const [key, value] of Object.entries(map)) {
      const path = [...prefix, key];
      const indexes = this.overrides.get(`${collectionId}\u0000${formatFieldPath(path)}`) ?? inherited;
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
        n += this.singleField(collectionId, value, path, indexes);
        continue;
      }
      // An array is indexed whole (ascending, descending: it can be ordered by) and per distinct element.
      const ordered = indexes === null ? 2 : indexes.filter((i) => i.order !== undefined).length;
      if (Array.isArray(value)) {
        const contains = indexes === null ? 1 : indexes.filter((i) => i.arrayConfig === 'CONTAINS').length;
        n += contains * distinctCount(value) + ordered;
      } else {
        n += ordered;
      }
    }
    return n;
  }

  private composite(collectionId: string, data: DocumentData): number {
    let n = 0;
    for (const index of this.config.indexes) {
      if (index.collectionGroup !== collectionId) continue;
      let product = 1;
      for (const f of index.fields) {
        if (f.fieldPath === '__name__') continue;
        const value = getField(data, parseFieldPath(f.fieldPath));
        if (value === undefined) {
          product = 0;
          break;
        }
        if (f.arrayConfig === 'CONTAINS') product *= Array.isArray(value) ? distinctCount(value) : 0;
      }
      n += product;
    }
    return n;
  }
}
