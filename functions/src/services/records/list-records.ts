import { createHash } from 'node:crypto';
import type { DocumentData, DocumentStore, QuerySpec, StoreValue } from '../../store/document-store.js';
import { slotFieldOf, type SlotField } from '../../engine/template/index-slots.js';
import type { FieldDefinition } from '../../engine/template/template-schema.js';
import type { Caller } from '../caller.js';
import { assertQueryable, readScopeFor } from '../access/field-security.js';
import { FULL_FIELD_ACCESS, type FieldAccess } from '../../engine/permissions/field-access.js';
import { CRM_ERROR_CODES, CrmError, invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import type { ConfigStore } from '../config/config-store.js';
import type { SearchRole } from '../config/tenant-config.js';
import { resolveModule, slotOf, type ResolvedModule } from '../config/tenant-config.js';
import { moduleNotFound, requireScope } from './records-service.js';
import { asStoredRecord, toRecordView, type RecordView, type StoredRecord } from './record-model.js';
import {
  deletedToken,
  facetToken,
  isFacetable,
  normalizeFacetValue,
  ownerScoped,
  roleSearchToken,
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
  /** A system sort, or the key of an indexed field (its index slot orders every page). */
  readonly sort?: string | undefined;
  readonly direction?: 'asc' | 'desc' | undefined;
  readonly pageSize?: number | undefined;
  readonly cursor?: string | undefined;
  /** List the trash instead of live records. */
  readonly deleted?: boolean | undefined;
  /** Plan only: read nothing, say how the list would be served. */
  readonly explain?: boolean | undefined;
  /** What earlier calls of this list scanned, so `plan.scanned` counts the whole list. */
  readonly scannedBefore?: number | undefined;
}

export interface ListPlanView {
  readonly kind: 'index' | 'scan';
  readonly servedBy: string | null;
  readonly scannedConditions: string[];
  readonly scanBound: number;
  readonly scannedThisCall: number;
  readonly scanned: number;
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
  readonly plan: ListPlanView;
}

const SORT_FIELDS: Record<SortKey, 'seq' | 'createdAt' | 'updatedAt'> = { number: 'seq', created_at: 'createdAt', updated_at: 'updatedAt' };
export const MAX_PAGE_SIZE = 100;
/**
 * Documents one list call may read to check filters the index cannot serve.
 * A hard bound, so a call never bills more than this (plus nothing): the
 * caller continues the scan from `nextCursor` if the user asks for more.
 */
export const MAX_SCANNED = 1000;

/**
 * Server-side list with cursors, served by a fixed set of composite indexes
 * whatever the module or field (see record-tokens.ts). The most selective
 * condition the token index can answer (an equality or `in` on a facetable
 * field, a search word, the owner for `read_own`) goes to Firestore; the
 * others are checked on the documents read, at most MAX_SCANNED per call,
 * and the response's `plan` says which conditions scan and how far it got.
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
  const readScope = readScopeFor(caller, config);
  assertQueryable(config, module.slug, input, readScope.access);
  const direction = input.direction ?? 'desc';
  const sortField = sortFieldFor(module, input.sort ?? 'created_at');
  const plan = planList(module, input, scope === 'own' ? caller.uid : null, { sortField, direction }, { access: readScope.access, searchRole: searchRoleOf(caller) });
  const pageSize = input.pageSize ?? 50;
  const scannedBefore = input.scannedBefore ?? 0;
  const planView = (scannedThisCall: number): ListPlanView => ({
    kind: plan.postFilters.length === 0 ? 'index' : 'scan',
    servedBy: plan.servedBy,
    scannedConditions: plan.scannedConditions,
    scanBound: MAX_SCANNED,
    scannedThisCall,
    scanned: scannedBefore + scannedThisCall,
  });
  if (input.explain) return { records: [], nextCursor: null, scanLimited: false, plan: planView(0) };
  const queryKey = hashQuery(caller.tenantId, input, scope);
  const collection = crmPaths.records(caller.tenantId);
  let cursor = input.cursor ? decodeCursor(input.cursor, queryKey, collection) : null;

  const records: RecordView[] = [];
  let pageEnd: StoreValue[] | null = null;
  let scanned = 0;
  const batchSize = plan.postFilters.length === 0 ? pageSize + 1 : Math.min(pageSize * 2, 200);
  for (;;) {
    // Never read past the bound, even by part of a batch: the bound is what a call may bill.
    const limit = plan.postFilters.length === 0 ? batchSize : Math.min(batchSize, MAX_SCANNED - scanned);
    const spec: QuerySpec = {
      collection,
      where: [
        plan.tokens.length === 1
          ? { field: plan.array, op: 'array-contains', value: plan.tokens[0] as string }
          : { field: plan.array, op: 'array-contains-any', value: plan.tokens },
      ],
      orderBy: [
        { field: plan.sortField, direction: plan.direction },
        { field: '__name__', direction: plan.direction },
      ],
      ...(cursor ? { startAfter: cursor } : {}),
      limit,
    };
    const docs = await deps.store.query(spec);
    scanned += docs.length;
    for (const doc of docs) {
      const record = asStoredRecord(doc.data);
      cursor = [sortValueOf(doc.data, plan.sortField), doc.path];
      if (!plan.postFilters.every((filter) => filter(record))) continue;
      if (records.length === pageSize && pageEnd) {
        // One match past the page proves there is a next page; it starts after the page's last record.
        return { records, nextCursor: encodeCursor(pageEnd, queryKey), scanLimited: false, plan: planView(scanned) };
      }
      records.push(toRecordView(doc.id, record, readScope));
      pageEnd = cursor;
    }
    const exhausted = docs.length < limit;
    if (exhausted) return { records, nextCursor: null, scanLimited: false, plan: planView(scanned) };
    if (scanned >= MAX_SCANNED) {
      return { records, nextCursor: cursor ? encodeCursor(cursor, queryKey) : null, scanLimited: true, plan: planView(scanned) };
    }
  }
}

type SortField = 'seq' | 'createdAt' | 'updatedAt' | SlotField;

/** The stored field a sort key orders by; a field key must be an indexed field whose slot is filled. */
function sortFieldFor(module: ResolvedModule, sort: string): SortField {
  if (sort in SORT_FIELDS) return SORT_FIELDS[sort as SortKey];
  const field = module.fields.find((candidate) => candidate.key === sort);
  if (!field) throw invalidInput([{ path: 'sort', message: `"${sort}" is not a field of this module` }]);
  const slot = slotOf(module, sort);
  if (!slot) {
    throw invalidInput([{ path: 'sort', message: `"${sort}" is not indexed: an admin can mark it indexed in the module's fields to sort by it` }]);
  }
  if (slot.state !== 'ready') {
    throw new CrmError(CRM_ERROR_CODES.precondition, `"${sort}" is still being indexed; sorting by it works once existing records are done.`);
  }
  return slotFieldOf(slot.slot);
}

function sortValueOf(data: DocumentData, field: SortField): StoreValue {
  const value = data[field];
  return value === undefined ? null : (value as StoreValue);
}

interface ListPlan {
  /** The record array the index condition is on. */
  readonly array: 'tokens' | 'search';
  readonly tokens: string[];
  readonly sortField: SortField;
  readonly direction: 'asc' | 'desc';
  readonly postFilters: Array<(record: StoredRecord) => boolean>;
  /** Field keys (or `search`) of the conditions checked on documents read. */
  readonly scannedConditions: string[];
  /** The condition the index answers (a field key, `search`, `owner`, `trash`); null when it selects the whole module. */
  readonly servedBy: string | null;
}

export function planList(
  module: ResolvedModule,
  input: ListRecordsInput,
  ownerId: string | null,
  order: { sortField: SortField; direction: 'asc' | 'desc' } = { sortField: 'createdAt', direction: 'desc' },
  fieldSecurity: { access: FieldAccess; searchRole: SearchRole } = { access: FULL_FIELD_ACCESS, searchRole: 'owner' },
): ListPlan {
  const scoped = (token: string) => (ownerId ? ownerScoped(module.slug, ownerId, token) : token);
  type Condition = { name: string; check: (record: StoredRecord) => boolean };
  /** A condition an index can answer; `exact` when the index answers it completely. */
  const candidates: Array<{ array: 'tokens' | 'search'; tokens: string[]; condition: Condition; exact: boolean }> = [];
  const conditions: Condition[] = [];

  const words = input.search ? searchWords(input.search) : [];
  if (words.length > 0) {
    const longest = [...words].sort((a, b) => b.length - a.length)[0] as string;
    const condition = { name: 'search', check: (record: StoredRecord) => matchesSearch(module, record, words, fieldSecurity.access) };
    // Search prefixes have one order (search, seq DESC) and owner-scoped copies for read_own: see record-tokens.ts.
    if (order.sortField === 'seq' && order.direction === 'desc') {
      // Words of fields hidden from some role are in role-scoped tokens: this role's, besides the public ones.
      const tokens = module.searchReaders.size === 0
        ? [searchToken(module.slug, longest)]
        : [searchToken(module.slug, longest), roleSearchToken(module.slug, fieldSecurity.searchRole, longest)];
      // A caller with hidden fields always re-checks on the record: tokens written before a field was hidden are still public.
      const exact = words.length === 1 && longest.length <= MAX_PREFIX_LENGTH && fieldSecurity.access.unrestricted;
      candidates.push({ array: 'search', tokens: tokens.map(scoped), condition, exact });
    }
    conditions.push(condition);
  }

  for (const [index, filter] of (input.filters ?? []).entries()) {
    const field = module.fields.find((candidate) => candidate.key === filter.field);
    if (!field) {
      throw invalidInput([{ path: `filters[${index}].field`, message: `"${filter.field}" is not a field of this module` }]);
    }
    const condition = { name: field.key, check: compileFilter(field, filter, index) };
    const indexable = indexTokensFor(module, field, filter, index);
    if (indexable) candidates.push({ array: 'tokens', tokens: indexable.map(scoped), condition, exact: true });
    conditions.push(condition);
  }

  const rest = (answered: Condition | null) => {
    const left = conditions.filter((condition) => condition !== answered);
    return { postFilters: left.map((condition) => condition.check), scannedConditions: left.map((condition) => condition.name) };
  };
  if (input.deleted) {
    // The trash is small and rarely filtered: its token is always the index condition.
    return { array: 'tokens', tokens: [scoped(deletedToken(module.slug))], ...order, ...rest(null), servedBy: 'trash' };
  }
  // Firestore answers one array-contains(-any) per query; a single token is the most selective choice.
  const chosen = candidates.find((candidate) => candidate.tokens.length === 1) ?? candidates.find((candidate) => candidate.array === 'search') ?? candidates[0];
  // A read_own caller's list is narrowed to their own records by the owner-scoped token.
  if (!chosen) return { array: 'tokens', tokens: [scoped(module.slug)], ...order, ...rest(null), servedBy: ownerId ? 'owner' : null };
  return { array: chosen.array, tokens: chosen.tokens, ...order, ...rest(chosen.exact ? chosen.condition : null), servedBy: chosen.condition.name };
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

/** Checked on records read: only fields the caller may read count (tokens written before a field was hidden may still match). */
export function matchesSearch(module: ResolvedModule, record: StoredRecord, words: readonly string[], access: FieldAccess): boolean {
  const haystack = new Set<string>(searchWords(record.number));
  haystack.add(String(Number(record.number.split('-').pop())));
  for (const field of module.fields) {
    const value = record.data[field.key];
    if (!access.canRead(module.slug, field.key)) continue;
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
  if (typeof sortValue === 'number' || typeof sortValue === 'string' || sortValue === null) return [sortValue, path];
  if (typeof sortValue === 'object' && sortValue !== null && typeof (sortValue as { d?: unknown }).d === 'string') {
    const date = new Date((sortValue as { d: string }).d);
    if (!Number.isNaN(date.getTime())) return [date, path];
  }
  throw invalid();
}

function hashQuery(tenantId: string, input: ListRecordsInput, scope: string): string {
  const { cursor: _cursor, pageSize: _pageSize, scannedBefore: _scannedBefore, explain: _explain, ...shape } = input;
  return createHash('sha256').update(JSON.stringify([tenantId, scope, shape])).digest('base64url').slice(0, 16);
}

/** Whose role-scoped search tokens a caller's search may match; super admins and platform users search as owners see. */
export function searchRoleOf(caller: Caller): SearchRole {
  if (caller.platformRole === 'super_admin') return 'owner';
  return caller.role ?? 'member';
}

/**
 * How many records the list would return, when its index answers every
 * condition (a count aggregation: one read per 1,000 matches); null when
 * some condition is checked on the documents read, where only reading them
 * all would tell. Same plan, same scoping as `listRecords`: exports and bulk
 * actions show a total with their progress.
 */
export async function countListRecords(
  deps: { store: DocumentStore; configs: ConfigStore },
  caller: Caller,
  input: Omit<ListRecordsInput, 'cursor' | 'pageSize' | 'explain' | 'scannedBefore'>,
): Promise<number | null> {
  const config = await deps.configs.require(caller.tenantId);
  const module = resolveModule(config, input.module);
  if (!module) throw moduleNotFound(input.module);
  const scope = requireScope(caller, config, module, 'read');
  const { access } = readScopeFor(caller, config);
  assertQueryable(config, module.slug, input, access);
  const plan = planList(
    module,
    input,
    scope === 'own' ? caller.uid : null,
    { sortField: sortFieldFor(module, input.sort ?? 'created_at'), direction: input.direction ?? 'desc' },
    { access, searchRole: searchRoleOf(caller) },
  );
  if (plan.postFilters.length > 0) return null;
  const result = await deps.store.aggregate(
    {
      collection: crmPaths.records(caller.tenantId),
      where: [
        plan.tokens.length === 1
          ? { field: plan.array, op: 'array-contains', value: plan.tokens[0] as string }
          : { field: plan.array, op: 'array-contains-any', value: plan.tokens },
      ],
    },
    { count: { op: 'count' } },
  );
  return result.count ?? null;
}
