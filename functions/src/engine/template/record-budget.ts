import { storedValueType } from '../fields/types/registry.js';
import { DEFAULT_MAX_LENGTH } from '../fields/check-field-value.js';
import type { FieldDefinition } from '../fields/field-definition.js';
import { selectOptionValues } from '../fields/field-definition.js';
import { indexedFieldsOf } from './index-slots.js';

/**
 * The most a record of a module can cost Firestore, from the module's fields
 * alone, so a template or custom-field change that would let some record
 * exceed Firestore's per-document limits is refused when it is made, naming
 * the fields to change, instead of failing a user's save later.
 *
 * It mirrors how records are indexed (services/records/record-tokens.ts and
 * record-index.ts) and the composite indexes of firestore.indexes.json; a
 * test builds the worst record of a module and checks that its counted
 * entries, size and fields stay within this estimate.
 */
export const FIRESTORE_LIMITS = { indexEntries: 40_000, bytes: 1_048_576, fields: 20_000 } as const;

/** Shape of the record index, shared with services/records/record-tokens.ts. */
export const RECORD_INDEX_SHAPE = {
  maxSearchWords: 40,
  maxPrefixLength: 10,
  maxFacetValueLength: 100,
  /** Composite indexes over `tokens` besides the slot ones: (seq, createdAt, updatedAt) × (asc, desc). */
  tokenSortComposites: 6,
  /** Per index slot: (tokens, slot asc), (tokens, slot desc), (tokens, createdAt, slot), (tokens, updatedAt, slot). */
  tokenCompositesPerSlot: 4,
  /** Per index slot: (buckets, slot). */
  bucketCompositesPerSlot: 1,
  /** (search, seq desc). */
  searchComposites: 1,
  /** Owner ids are at most this long (the longest Firebase Auth uid). */
  maxOwnerIdLength: 128,
  /** Top-level record fields that keep single-field indexes (module, seq, ownerId, createdAt, updatedAt, deleted, schemaVersion). */
  indexedScalarFields: 7,
  /** Top-level record fields besides data, refs and the slots. */
  recordMetadataFields: 24,
  recordMetadataBytes: 2_000,
} as const;

const FACETED = new Set(['text', 'number', 'currency', 'date', 'datetime', 'select', 'multi_select', 'checkbox', 'email', 'phone', 'url', 'relationship']);
const DIMENSION = new Set(['select', 'multi_select', 'checkbox', 'relationship']);
const TEXT_LIKE = new Set(['text', 'textarea', 'email', 'phone', 'url']);

export interface RecordBudget {
  readonly indexEntries: number;
  readonly bytes: number;
  readonly fields: number;
  /** What each field adds to the entries and bytes, largest first. */
  readonly contributions: ReadonlyArray<{ readonly field: string; readonly indexEntries: number; readonly bytes: number }>;
}

/** Values one field can hold at most: the options of a multi-select, else one. */
function valueCount(field: FieldDefinition): number {
  return field.type === 'multi_select' ? Math.max(1, selectOptionValues(field).length) : 1;
}

/** The longest facet value of a field (record-tokens.ts normalizeFacetValue). */
function facetValueBytes(field: FieldDefinition): number {
  if (field.type === 'select' || field.type === 'multi_select') return Math.max(1, ...selectOptionValues(field).map((option) => option.length * 3));
  if (field.type === 'relationship') return 128;
  if (field.type === 'checkbox') return 5;
  if (field.type === 'date' || field.type === 'datetime') return 10;
  if (field.type === 'number' || field.type === 'currency') return 24;
  return RECORD_INDEX_SHAPE.maxFacetValueLength * 3;
}

function dateParts(field: FieldDefinition): number {
  return field.type === 'date' ? 2 : field.type === 'datetime' ? 4 : 0;
}

function maxTextLength(field: FieldDefinition): number {
  if (!TEXT_LIKE.has(field.type)) return 0;
  return field.validation?.max_length ?? DEFAULT_MAX_LENGTH[field.type as keyof typeof DEFAULT_MAX_LENGTH];
}

function valueBytes(field: FieldDefinition): number {
  if (TEXT_LIKE.has(field.type)) return maxTextLength(field) * 3 + 1; // lengths count UTF-16 units: at most 3 UTF-8 bytes each
  if (field.type === 'multi_select') return selectOptionValues(field).reduce((total, option) => total + option.length * 3 + 1, 0);
  if (field.type === 'select') return Math.max(1, ...selectOptionValues(field).map((option) => option.length * 3 + 1));
  if (field.type === 'file') return 4_000;
  if (field.type === 'relationship') return 129 + 300; // the id, plus its entry in `refs` with the display value
  return 30;
}

/** The worst-case record of a module with these fields (active or not: deactivated fields keep their data). */
export function estimateRecordBudget({ module, fields: declared }: { module: string; fields: readonly FieldDefinition[] }): RecordBudget {
  // A formula costs what a field of its result type costs (it is stored and indexed as one).
  const fields = declared.map((field) => ({ ...field, type: storedValueType(field) }));
  const shape = RECORD_INDEX_SHAPE;
  const slots = indexedFieldsOf(fields).length;
  const tokenCost = 1 + shape.tokenSortComposites + shape.tokenCompositesPerSlot * slots;
  const bucketCost = 1 + shape.bucketCompositesPerSlot * slots;
  const searchCost = 1 + shape.searchComposites;
  const scopeBytes = module.length + 1 + shape.maxOwnerIdLength + 3;
  const tokenBytes = (field: FieldDefinition) => scopeBytes + field.key.length + 4 + facetValueBytes(field) + 1;

  const totalDateParts = fields.reduce((total, field) => total + dateParts(field), 0);
  const contributions = new Map<string, { indexEntries: number; bytes: number }>();
  const charge = (field: string, indexEntries: number, bytes: number) => {
    const current = contributions.get(field) ?? { indexEntries: 0, bytes: 0 };
    contributions.set(field, { indexEntries: current.indexEntries + indexEntries, bytes: current.bytes + bytes });
  };

  // The module token (and its owner copy) and the scalar fields that keep single-field indexes.
  let indexEntries = 2 * tokenCost + 2 * shape.indexedScalarFields;
  let bytes = shape.recordMetadataBytes + 2 * scopeBytes;
  const searchable = fields.some((field) => field.searchable && TEXT_LIKE.has(field.type));
  // Search prefixes: the record number's words always; up to the word cap when a text field is searchable.
  const searchTokens = searchable ? shape.maxSearchWords * shape.maxPrefixLength : 3 * shape.maxPrefixLength;
  indexEntries += searchTokens * searchCost;
  bytes += searchTokens * (module.length + 4 + shape.maxPrefixLength + 1);

  for (const field of fields) {
    bytes += field.key.length + 1 + valueBytes(field);
    charge(field.key, 0, valueBytes(field));
    if (FACETED.has(field.type)) {
      const tokens = 2 * valueCount(field);
      indexEntries += tokens * tokenCost;
      bytes += tokens * tokenBytes(field);
      charge(field.key, tokens * tokenCost, tokens * tokenBytes(field));
    }
    if (DIMENSION.has(field.type) && totalDateParts > 0) {
      // Each of its values scopes every date bucket of the record (dashboard counts by value and date).
      const buckets = 2 * valueCount(field) * totalDateParts;
      indexEntries += buckets * bucketCost;
      bytes += buckets * (tokenBytes(field) + 40);
      charge(field.key, buckets * bucketCost, buckets * (tokenBytes(field) + 40));
    }
    if (dateParts(field) > 0) {
      // Its buckets alone (the ones under dimension values are charged to the dimension).
      const buckets = 2 * dateParts(field);
      indexEntries += buckets * bucketCost;
      bytes += buckets * (scopeBytes + field.key.length + 30);
      charge(field.key, buckets * bucketCost, buckets * (scopeBytes + field.key.length + 30));
    }
    if (field.type === 'relationship') {
      indexEntries += 1;
      bytes += 135;
    }
  }
  // A slot is one more value in every composite over the token arrays (and its own index, exempted).
  for (const field of indexedFieldsOf(fields)) charge(field.key, 0, 30);

  return {
    indexEntries,
    bytes,
    fields: shape.recordMetadataFields + slots + fields.length + 3 * fields.filter((field) => field.type === 'relationship' || field.type === 'file').length,
    contributions: [...contributions.entries()]
      .map(([field, cost]) => ({ field, ...cost }))
      .sort((a, b) => b.indexEntries - a.indexEntries || b.bytes - a.bytes),
  };
}

/**
 * Messages for each Firestore limit a module's worst record would break,
 * naming the fields that cost most and what to change.
 */
export function checkRecordBudget({ module, fields }: { module: string; fields: readonly FieldDefinition[] }): string[] {
  const budget = estimateRecordBudget({ module, fields });
  const messages: string[] = [];
  const top = (key: 'indexEntries' | 'bytes') =>
    [...budget.contributions]
      .sort((a, b) => b[key] - a[key])
      .filter((entry) => entry[key] > 0)
      .slice(0, 3)
      .map((entry) => `"${entry.field}" (${entry[key].toLocaleString('en-US')})`)
      .join(', ');
  if (budget.indexEntries > FIRESTORE_LIMITS.indexEntries) {
    messages.push(
      `a record of "${module}" could need ${budget.indexEntries.toLocaleString('en-US')} index entries; Firestore allows ${FIRESTORE_LIMITS.indexEntries.toLocaleString('en-US')}. ` +
        `Most come from ${top('indexEntries')}: remove options from multi-select fields, remove date or choice fields, or un-index fields`,
    );
  }
  if (budget.bytes > FIRESTORE_LIMITS.bytes) {
    messages.push(
      `a record of "${module}" could reach ${Math.ceil(budget.bytes / 1024).toLocaleString('en-US')} KiB; Firestore allows 1 MiB per document. ` +
        `Most comes from ${top('bytes')}: lower max_length of text fields, remove options from multi-select fields, or remove fields`,
    );
  }
  if (budget.fields > FIRESTORE_LIMITS.fields) {
    messages.push(`a record of "${module}" could have ${budget.fields.toLocaleString('en-US')} fields; Firestore allows ${FIRESTORE_LIMITS.fields.toLocaleString('en-US')}. Remove fields`);
  }
  return messages;
}
