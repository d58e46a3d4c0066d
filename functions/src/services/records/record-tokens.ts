import type { FieldDefinition } from '../../engine/template/template-schema.js';
import { dateBucketParts } from '../../engine/dashboards/bucket-tokens.js';
import { RECORD_INDEX_SHAPE } from '../../engine/template/record-budget.js';
import { storedValueModule } from '../../engine/fields/types/registry.js';

/**
 * The list index design (DESIGN §5, "dynamic fields vs composite indexes").
 *
 * A list query is always `tokens array-contains(-any) <token>` ordered by a
 * sort field (seq, createdAt, updatedAt or an index slot s0..s4), so a fixed
 * set of composite indexes serves every module, field and filter a tenant
 * will ever create. A token is scoped by module, and optionally by owner so
 * that `read_own` users page through their own records with the same indexes:
 *
 *   patients                            every live record of the module
 *   patients|f:blood_group=a+           equality facet on a field
 *   patients|o:{uid}|f:blood_group=a+   the same, limited to an owner
 *   patients|deleted                    records in the trash
 *
 * Tokens no sort composite needs live in their own arrays (buildRecordIndex),
 * because each token costs one index entry per composite over its array:
 *   search   patients|q:joh                                      a search prefix
 *   links    ref:{recordId}                                      points at recordId (display propagation)
 *   buckets  appointments|d:appointment_date=2026-11-24           a UTC (datetime) or calendar (date) day
 *            appointments|m:appointment_date=2026-11              a month
 *            appointments|h:appointment_date=2026-11-24T10        an hour (datetime only)
 *            appointments|t:appointment_date=2026-11-24T10:15     a quarter hour (datetime only)
 *            appointments|f:status=Scheduled|d:appointment_date=2026-11-24
 * Date buckets exist alone and under each "dimension" facet (select,
 * multi-select, checkbox, relationship) so a dashboard count can combine one
 * such equality with a date range in one query (engine/dashboards/bucket-tokens.ts).
 */
/** Longer search words are matched on their first 10 characters, then checked on the record. */
export const { maxFacetValueLength: MAX_FACET_VALUE_LENGTH, maxPrefixLength: MAX_PREFIX_LENGTH, maxSearchWords: MAX_SEARCH_WORDS } = RECORD_INDEX_SHAPE;

/** Few-valued fields whose facets also scope date and number tokens (dashboard filters and groups). */
export function isDimension(field: FieldDefinition): boolean {
  return storedValueModule(field).traits.dimension;
}

export function isFacetable(field: FieldDefinition): boolean {
  return storedValueModule(field).traits.facet;
}

/** The facet form of one scalar value; equality filters normalize the same way (each type's module decides). */
export function normalizeFacetValue(field: FieldDefinition, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return storedValueModule(field).facetValue(field, value, MAX_FACET_VALUE_LENGTH);
}

export function facetToken(module: string, key: string, normalized: string): string {
  return `${module}|f:${key}=${normalized}`;
}

export function searchToken(module: string, prefix: string): string {
  return `${module}|q:${prefix.slice(0, MAX_PREFIX_LENGTH)}`;
}

export function ownerScoped(module: string, ownerId: string, token: string): string {
  return token === module ? `${module}|o:${ownerId}` : `${module}|o:${ownerId}|${token.slice(module.length + 1)}`;
}

export function deletedToken(module: string): string {
  return `${module}|deleted`;
}

export function referenceToken(recordId: string): string {
  return `ref:${recordId}`;
}

/** Lower-case words without diacritics, the unit of text search. */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** Index fields a record carries besides its data (see the header of this file). */
export interface RecordIndex {
  readonly tokens: string[];
  readonly search: string[];
  readonly buckets: string[];
  readonly links: string[];
}

/**
 * The record's index arrays, split by which indexes need them, because every
 * element of an array costs one index entry per index that contains the array
 * (Firestore limits a document to 40,000 and bills each one on write):
 *
 *   tokens   module + facets (+ owner-scoped copies, or the trash tokens):
 *            the list scopes, in every (tokens, sort) composite.
 *   search   text-search prefixes, module scope only: one composite
 *            (search, seq DESC) serves searches in the lists' default order
 *            (highest number first).
 *   buckets  date buckets, alone and under each dimension facet (+ owner
 *            copies): dashboard counts need only the single-field index,
 *            sums one (buckets, slot) composite per slot.
 *   links    `ref:{id}` of related records: only the single-field index
 *            (display refresh walks them by document name).
 */
export function buildRecordIndex({
  module,
  fields,
  data,
  number,
  ownerId,
  deleted,
}: {
  module: string;
  fields: readonly FieldDefinition[];
  data: Readonly<Record<string, unknown>>;
  number: string;
  ownerId: string;
  deleted: boolean;
}): RecordIndex {
  const links = unique(
    fields.filter((field) => storedValueModule(field).traits.valueKind === 'reference' && typeof data[field.key] === 'string').map((field) => referenceToken(data[field.key] as string)),
  );
  if (deleted) {
    const trash = deletedToken(module);
    return { tokens: unique([trash, ownerScoped(module, ownerId, trash)]), search: [], buckets: [], links };
  }
  const tokens = [module];
  for (const field of fields) {
    if (!isFacetable(field)) continue;
    const raw = data[field.key];
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      const normalized = normalizeFacetValue(field, value);
      if (normalized !== null) tokens.push(facetToken(module, field.key, normalized));
    }
  }
  const words = new Set<string>(searchWords(number));
  const numeric = number.split('-').pop();
  if (numeric) words.add(String(Number(numeric)));
  for (const field of fields) {
    const value = data[field.key];
    if (field.searchable && typeof value === 'string') for (const word of searchWords(value)) words.add(word);
  }
  const search: string[] = [];
  for (const word of [...words].slice(0, MAX_SEARCH_WORDS)) {
    for (let length = 1; length <= Math.min(word.length, MAX_PREFIX_LENGTH); length += 1) {
      search.push(searchToken(module, word.slice(0, length)));
    }
  }
  const buckets = dashboardBuckets(module, fields, data);
  const scoped = (values: readonly string[]) => values.map((token) => ownerScoped(module, ownerId, token));
  return {
    tokens: unique([...tokens, ...scoped(tokens)]),
    search: unique(search),
    buckets: unique([...buckets, ...scoped(buckets)]),
    links,
  };
}

function dashboardBuckets(module: string, fields: readonly FieldDefinition[], data: Readonly<Record<string, unknown>>): string[] {
  const dateParts: string[] = [];
  for (const field of fields) {
    const kind = storedValueModule(field).traits.valueKind;
    if (kind === 'date' || kind === 'datetime') dateParts.push(...dateBucketParts(field.key, kind, data[field.key]));
  }
  const tokens = dateParts.map((part) => `${module}|${part}`);
  if (dateParts.length === 0) return tokens;
  for (const field of fields) {
    if (!isDimension(field)) continue;
    const raw = data[field.key];
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const normalized = normalizeFacetValue(field, value);
      if (normalized === null) continue;
      const scope = facetToken(module, field.key, normalized);
      for (const part of dateParts) tokens.push(`${scope}|${part}`);
    }
  }
  return tokens;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
