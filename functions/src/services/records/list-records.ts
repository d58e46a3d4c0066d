import { createHash } from 'node:crypto';
import type { DocumentStore, QuerySpec, StoreValue } from '../../store/document-store.js';
import type { FieldDefinition } from '../../engine/template/template-schema.js';
import type { Caller } from '../caller.js';
import { invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type ResolvedModule } from '../config/tenant-config.js';
import { moduleNotFound, requireScope } from './records-service.js';
import { asStoredRecord, toRecordView, type RecordView, type StoredRecord } from './record-model.js';
import {
  deletedToken,
  facetToken,
  isFacetable,
  normalizeFacetValue,
  ownerScoped,
  searchToken,
  searchWords,
  MAX_PREFIX_LENGTH,
} from './record-tokens.js';

export type FilterOperator = 'eq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains';
export interface RecordFilter {
  readonly field: string;
  readonly op: FilterOperator;
  readonly value: unknown;
}
export type SortKey = 'number' | 'created_at' | 'updated_at';

export interface ListRecordsInput {
  readonly module: string;
  readonly filters?: readonly RecordFilter[] | undefined;
  readonly search?: string | undefined;
  readonly sort?: SortKey | undefined;
  readonly direction?: 'asc' | 'desc' | undefined;
  readonly pageSize?: number | undefined;
  readonly cursor?: string | undefined;
  /** List the trash instead of live records. */
  readonly deleted?: boolean | undefined;
}

export interface ListRecordsResult {
  readonly records: RecordView[];
  /** Pass back to get the next page; null on the last page. */
  readonly nextCursor: string | null;
  /**
   * True when filters the index cannot serve stopped the scan at its bound
   * before the page was full: more matches may follow at `nextCursor`.
   */
  readonly scanLimited: boolean;
}

const SORT_FIELDS: Record<SortKey, string> = { number: 'seq', created_at: 'createdAt', updated_at: 'updatedAt' };
export const MAX_PAGE_SIZE = 100;
/** Documents one list call may read to satisfy filters the index cannot serve. */
const MAX_SCANNED = 1000;

/**
 * Server-side list with cursors, served by six composite indexes whatever the
 * module or field (see record-tokens.ts). The most selective condition the
 * token index can answer (a search word, an equality or `in` on a facetable
 * field, the owner for `read_own`) goes to Firestore; the others are checked
 * on the documents read, in bounded batches.
 */
export async function listRecords(
  deps: { store: DocumentStore; configs: ConfigStore },
  caller: Caller,
  input: ListRecordsInput,
): Promise<ListRecordsResult> {
  const config = await deps.configs.require(caller.tenantId);
  const module = resolveModule(config, input.module);
  if (!module) throw moduleNotFound(input.module);
  const scope = requireScope(caller, config, module, 'read');
  const plan = planList(module, input, scope === 'own' ? caller.uid : null);
  const pageSize = input.pageSize ?? 50;
  const sortField = SORT_FIELDS[input.sort ?? 'created_at'];
  const direction = input.direction ?? 'desc';
  const queryKey = hashQuery(caller.tenantId, input, scope);
  const collection = crmPaths.records(caller.tenantId);
  let cursor = input.cursor ? decodeCursor(input.cursor, queryKey, collection) : null;

  const records: RecordView[] = [];
  let pageEnd: StoreValue[] | null = null;
  let scanned = 0;
  const batchSize = plan.postFilters.length === 0 ? pageSize + 1 : Math.min(pageSize * 2, 200);
  for (;;) {
    const spec: QuerySpec = {
      collection,
      where: [
        plan.tokens.length === 1
          ? { field: 'tokens', op: 'array-contains', value: plan.tokens[0] as string }
          : { field: 'tokens', op: 'array-contains-any', value: plan.tokens },
      ],
      orderBy: [
        { field: sortField, direction },
        { field: '__name__', direction },
      ],
      ...(cursor ? { startAfter: cursor } : {}),
      limit: batchSize,
    };
    const docs = await deps.store.query(spec);
    scanned += docs.length;
    for (const doc of docs) {
      const record = asStoredRecord(doc.data);
      cursor = [record[sortField as keyof StoredRecord] as StoreValue, doc.path];
      if (!plan.postFilters.every((filter) => filter(record))) continue;
      if (records.length === pageSize && pageEnd) {
        // One match past the page proves there is a next page; it starts after the page's last record.
        return { records, nextCursor: encodeCursor(pageEnd, queryKey), scanLimited: false };
      }
      records.push(toRecordView(doc.id, record));
      pageEnd = cursor;
    }
    const exhausted = docs.length < batchSize;
    if (exhausted) return { records, nextCursor: null, scanLimited: false };
    if (scanned >= MAX_SCANNED) {
      return { records, nextCursor: cursor ? encodeCursor(cursor, queryKey) : null, scanLimited: true };
    }
  }
}

interface ListPlan {
  readonly tokens: string[];
  readonly postFilters: Array<(record: StoredRecord) => boolean>;
}

export function planList(module: ResolvedModule, input: ListRecordsInput, ownerId: string | null): ListPlan {
  const scoped = (token: string) => (ownerId ? ownerScoped(module.slug, ownerId, token) : token);
  /** A condition the token index can answer; `exact` when the index answers it completely. */
  const candidates: Array<{ tokens: string[]; check: (record: StoredRecord) => boolean; exact: boolean }> = [];
  const checks: Array<(record: StoredRecord) => boolean> = [];

  const words = input.search ? searchWords(input.search) : [];
  if (words.length > 0) {
    const longest = [...words].sort((a, b) => b.length - a.length)[0] as string;
    const check = (record: StoredRecord) => matchesSearch(module, record, words);
    candidates.push({ tokens: [scoped(searchToken(module.slug, longest))], check, exact: words.length === 1 && longest.length <= MAX_PREFIX_LENGTH });
    checks.push(check);
  }

  for (const [index, filter] of (input.filters ?? []).entries()) {
    const field = module.fields.find((candidate) => candidate.key === filter.field);
    if (!field) {
      throw invalidInput([{ path: `filters[${index}].field`, message: `"${filter.field}" is not a field of this module` }]);
    }
    const check = compileFilter(field, filter, index);
    const indexable = indexTokensFor(module, field, filter, index);
    if (indexable) candidates.push({ tokens: indexable.map(scoped), check, exact: true });
    checks.push(check);
  }

  if (input.deleted) {
    // The trash is small and rarely filtered: its token is always the index condition.
    return { tokens: [scoped(deletedToken(module.slug))], postFilters: checks };
  }
  // Firestore answers one array-contains(-any) per query; a single token is the most selective choice.
  const chosen = candidates.find((candidate) => candidate.tokens.length === 1) ?? candidates[0];
  if (!chosen) return { tokens: [scoped(module.slug)], postFilters: checks };
  return { tokens: chosen.tokens, postFilters: chosen.exact ? checks.filter((check) => check !== chosen.check) : checks };
}

function indexTokensFor(module: ResolvedModule, field: FieldDefinition, filter: RecordFilter, index: number): string[] | null {
  if (!isFacetable(field)) return null;
  if (filter.op === 'eq') {
    const normalized = normalizeFacetValue(field, filter.value);
    return normalized === null ? null : [facetToken(module.slug, field.key, normalized)];
  }
  if (filter.op === 'in') {
    if (!Array.isArray(filter.value) || filter.value.length === 0 || filter.value.length > 30) {
      throw invalidInput([{ path: `filters[${index}].value`, message: 'must be a list of 1 to 30 values' }]);
    }
    const tokens = filter.value.map((value) => normalizeFacetValue(field, value));
    return tokens.every((token) => token !== null) ? tokens.map((token) => facetToken(module.slug, field.key, token as string)) : null;
  }
  return null;
}

function compileFilter(field: FieldDefinition, filter: RecordFilter, index: number): (record: StoredRecord) => boolean {
  const read = (record: StoredRecord) => record.data[field.key];
  const values = (record: StoredRecord) => {
    const value = read(record);
    return Array.isArray(value) ? value : [value];
  };
  switch (filter.op) {
    case 'eq': {
      const wanted = normalizeFacetValue(field, filter.value);
      return (record) => values(record).some((value) => normalizeFacetValue(field, value) === wanted);
    }
    case 'in': {
      const wanted = new Set((filter.value as unknown[]).map((value) => normalizeFacetValue(field, value)));
      return (record) => values(record).some((value) => wanted.has(normalizeFacetValue(field, value)));
    }
    case 'contains': {
      if (typeof filter.value !== 'string') throw invalidInput([{ path: `filters[${index}].value`, message: 'must be text' }]);
      const needle = filter.value.toLowerCase();
      return (record) => values(record).some((value) => typeof value === 'string' && value.toLowerCase().includes(needle));
    }
    default: {
      const bound = filter.value;
      if (typeof bound !== 'number' && typeof bound !== 'string') {
        throw invalidInput([{ path: `filters[${index}].value`, message: 'must be a number or a date' }]);
      }
      const compare = (value: unknown) => {
        if (typeof value !== typeof bound) return false;
        const a = value as number | string;
        return filter.op === 'gt' ? a > bound : filter.op === 'gte' ? a >= bound : filter.op === 'lt' ? a < bound : a <= bound;
      };
      return (record) => compare(read(record));
    }
  }
}

function matchesSearch(module: ResolvedModule, record: StoredRecord, words: readonly string[]): boolean {
  const haystack = new Set<string>(searchWords(record.number));
  haystack.add(String(Number(record.number.split('-').pop())));
  for (const field of module.fields) {
    const value = record.data[field.key];
    if (field.searchable && typeof value === 'string') for (const word of searchWords(value)) haystack.add(word);
  }
  return words.every((word) => [...haystack].some((candidate) => candidate.startsWith(word)));
}

/** Cursors are opaque to clients and bound to the query (and tenant) that produced them. */
function encodeCursor(values: StoreValue[], queryKey: string): string {
  const encoded = values.map((value) => (value instanceof Date ? { d: value.toISOString() } : value));
  return Buffer.from(JSON.stringify({ k: queryKey, v: encoded })).toString('base64url');
}

function decodeCursor(cursor: string, queryKey: string, collection: string): StoreValue[] {
  const invalid = () => invalidInput([{ path: 'cursor', message: 'is not a cursor of this list; start again from the first page' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { k, v } = parsed as { k?: unknown; v?: unknown };
  if (k !== queryKey || !Array.isArray(v) || v.length !== 2) throw invalid();
  const [sortValue, path] = v as [unknown, unknown];
  if (typeof path !== 'string' || !path.startsWith(`${collection}/`) || path.slice(collection.length + 1).includes('/')) throw invalid();
  if (typeof sortValue === 'number') return [sortValue, path];
  if (typeof sortValue === 'object' && sortValue !== null && typeof (sortValue as { d?: unknown }).d === 'string') {
    const date = new Date((sortValue as { d: string }).d);
    if (!Number.isNaN(date.getTime())) return [date, path];
  }
  throw invalid();
}

function hashQuery(tenantId: string, input: ListRecordsInput, scope: string): string {
  const { cursor: _cursor, pageSize: _pageSize, ...shape } = input;
  return createHash('sha256').update(JSON.stringify([tenantId, scope, shape])).digest('base64url').slice(0, 16);
}
