import type { DocumentStore, StoredDocument } from '../../store/document-store.js';
import { resolveAccessScope } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type ResolvedModule } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { fieldAccessFor } from '../access/field-security.js';
import type { FieldAccess } from '../../engine/permissions/field-access.js';
import { matchesSearch, searchRoleOf } from '../records/list-records.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import { ownerScoped, roleSearchToken, searchToken, searchWords } from '../records/record-tokens.js';

/** Firestore's limit on the values of one `array-contains-any`. */
export const TOKENS_PER_QUERY = 30;
/** Documents one search query may read: the cost of a keystroke is bounded by this, not by the data. */
export const SEARCH_READ_BOUND = 40;
export const DEFAULT_SEARCH_LIMIT = 20;

export interface SearchHit {
  readonly id: string;
  readonly module: string;
  readonly number: string;
  readonly display: string | null;
  /** A second line: the field (other than the display field) whose words matched, else the status. */
  readonly context: { readonly field: string; readonly value: string } | null;
  readonly updatedAt: string;
}

export interface SearchResult {
  readonly hits: SearchHit[];
  /** Store queries this search ran: 1 while the caller reads at most TOKENS_PER_QUERY modules. */
  readonly queries: number;
  /** Documents read (at most SEARCH_READ_BOUND per query). */
  readonly scanned: number;
  /** True when the read bound stopped the search before `limit` matches: a longer text narrows it. */
  readonly truncated: boolean;
}

/**
 * Global search over every module the caller may read, in one store query
 * per keystroke: `search array-contains-any` one prefix token per readable
 * module (the owner-scoped token for a `read_own` module, so other owners'
 * records are never read), ordered by (search, seq DESC). Modules the caller
 * may not read contribute no token, so their records are never read either.
 * A tenant may have up to 100 modules; past Firestore's 30 values per
 * `array-contains-any` the tokens are split into ceil(modules / 30) queries
 * run together. Several words: the index answers the longest one, the others
 * are checked on what was read.
 *
 * Field-level security: words of a field hidden from some role are only in
 * role-scoped tokens (record-tokens.ts), so a module with such fields adds
 * the caller's role token beside the public one (still one query up to 15
 * such modules); a match, its context line and its display value only count
 * fields the caller may read.
 */
export async function searchRecords(
  deps: { store: DocumentStore; configs: ConfigStore },
  caller: Caller,
  input: { readonly text: string; readonly limit?: number | undefined; readonly modules?: readonly string[] | undefined },
): Promise<SearchResult> {
  const words = searchWords(input.text);
  const limit = input.limit ?? DEFAULT_SEARCH_LIMIT;
  if (words.length === 0) return { hits: [], queries: 0, scanned: 0, truncated: false };
  const config = await deps.configs.require(caller.tenantId);
  const longest = [...words].sort((a, b) => b.length - a.length)[0] as string;
  const access = fieldAccessFor(caller, config);
  const searchRole = searchRoleOf(caller);
  const modules = new Map<string, { module: ResolvedModule; scope: 'all' | 'own' }>();
  const tokens: string[] = [];
  for (const entry of config.modules) {
    if (input.modules && !input.modules.includes(entry.slug)) continue;
    const scope = resolveAccessScope({ actor: caller, matrix: config.permissions, module: entry.slug, action: 'read' });
    if (scope === 'none') continue;
    const module = resolveModule(config, entry.slug);
    if (!module) continue;
    modules.set(module.slug, { module, scope });
    const moduleTokens = module.searchReaders.size === 0 ? [searchToken(module.slug, longest)] : [searchToken(module.slug, longest), roleSearchToken(module.slug, searchRole, longest)];
    for (const token of moduleTokens) tokens.push(scope === 'own' ? ownerScoped(module.slug, caller.uid, token) : token);
  }
  if (tokens.length === 0) return { hits: [], queries: 0, scanned: 0, truncated: false };

  const chunks: string[][] = [];
  for (let start = 0; start < tokens.length; start += TOKENS_PER_QUERY) chunks.push(tokens.slice(start, start + TOKENS_PER_QUERY));
  const collection = crmPaths.records(caller.tenantId);
  const results = await Promise.all(
    chunks.map((chunk) =>
      deps.store.query({
        collection,
        where: [chunk.length === 1 ? { field: 'search', op: 'array-contains', value: chunk[0] as string } : { field: 'search', op: 'array-contains-any', value: chunk }],
        orderBy: [{ field: 'seq', direction: 'desc' }],
        limit: SEARCH_READ_BOUND,
      }),
    ),
  );
  const docs: StoredDocument[] = results.flat();
  if (chunks.length > 1) docs.sort((a, b) => Number(b.data.seq) - Number(a.data.seq));
  const hits: SearchHit[] = [];
  for (const doc of docs) {
    const record = asStoredRecord(doc.data);
    const entry = modules.get(record.module);
    // The tokens already select readable modules and owners; re-checking what was read costs nothing and guards that.
    if (!entry || record.deleted || (entry.scope === 'own' && record.ownerId !== caller.uid)) continue;
    const { module } = entry;
    if (!matchesSearch(module, record, words, access)) continue;
    if (hits.length === limit) break;
    const display = module.displayField && !access.canRead(module.slug, module.displayField) ? null : record.display;
    hits.push({ id: doc.id, module: record.module, number: record.number, display, context: contextOf(module, record, words, access), updatedAt: record.updatedAt.toISOString() });
  }
  const full = results.some((page) => page.length === SEARCH_READ_BOUND);
  return { hits, queries: chunks.length, scanned: docs.length, truncated: full && hits.length < limit };
}

function contextOf(module: ResolvedModule, record: StoredRecord, words: readonly string[], access: FieldAccess): SearchHit['context'] {
  for (const field of module.activeFields) {
    if (field.key === module.displayField || !field.searchable || !access.canRead(module.slug, field.key)) continue;
    const value = record.data[field.key];
    if (typeof value !== 'string') continue;
    const own = searchWords(value);
    if (words.some((word) => own.some((candidate) => candidate.startsWith(word)))) return { field: field.key, value: value.slice(0, 120) };
  }
  if (module.statusField && access.canRead(module.slug, module.statusField)) {
    const status = record.data[module.statusField];
    if (typeof status === 'string' && status !== '') return { field: module.statusField, value: status };
  }
  return null;
}
