import type { QuerySpec, ReadOps, StoredDocument } from '../../store/document-store.js';
import type { DuplicateCondition, DuplicateRule } from '../../engine/duplicates/duplicate-rules.js';
import { foldText, matchCondition, normalizeForMatch } from '../../engine/duplicates/normalize-for-match.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import { facetToken, MAX_PREFIX_LENGTH, normalizeFacetValue, searchToken, searchWords } from '../records/record-tokens.js';

/**
 * Finding candidates costs no index of its own: each rule is checked against
 * the records the existing list indexes return for its most selective
 * condition (an email's facet token, a word prefix of a name in the search
 * index), newest first, then every condition is compared on the documents.
 * Bounds per check: at most MAX_DUPLICATE_RULES rules × MAX_BLOCKING_QUERIES
 * queries × CANDIDATES_PER_QUERY documents (5 × 3 × 40 = 600 reads, typically
 * one query of a few documents), and only the records a caller can read are
 * answered.
 */
export const CANDIDATES_PER_QUERY = 40;
export const MAX_BLOCKING_QUERIES = 3;
export const MAX_MATCHES = 10;

export interface DuplicateMatch {
  readonly recordId: string;
  readonly number: string;
  readonly display: string | null;
  /** Ids of the rules that matched. */
  readonly rules: string[];
  /** The best rule's mean condition score, 0.5–1 (1: every condition equal). */
  readonly score: number;
}

export interface FindDuplicatesInput {
  readonly reader: ReadOps;
  readonly tenantId: string;
  readonly module: ResolvedModule;
  readonly rules: readonly DuplicateRule[];
  /** The record's values (as the form or an import row has them). */
  readonly data: Readonly<Record<string, unknown>>;
  /** The record itself when it exists (not its own duplicate). */
  readonly excludeId?: string;
  /** Records the asker may not read are not answered (their existence is not revealed either). */
  readonly canRead?: (record: StoredRecord) => boolean;
}

export async function findDuplicateMatches(input: FindDuplicatesInput): Promise<DuplicateMatch[]> {
  const { module, data } = input;
  const rules = input.rules.filter((rule) => rule.active);
  const queries = new Map<string, QuerySpec>();
  for (const rule of rules) {
    // A rule with an empty value in one of its fields cannot match anything.
    if (rule.conditions.some((condition) => valueOf(module, condition, data) === null)) continue;
    for (const spec of blockingQueries(input, rule)) queries.set(JSON.stringify(spec.where), spec);
  }
  const pages = await Promise.all([...queries.values()].map((spec) => input.reader.query(spec)));
  const candidates = new Map<string, StoredDocument>();
  for (const doc of pages.flat()) candidates.set(doc.id, doc);

  const matches: DuplicateMatch[] = [];
  for (const doc of candidates.values()) {
    if (doc.id === input.excludeId) continue;
    const record = asStoredRecord(doc.data);
    if (record.module !== module.slug || record.deleted) continue;
    if (input.canRead && !input.canRead(record)) continue;
    const matched: Array<{ id: string; score: number }> = [];
    for (const rule of rules) {
      const score = ruleScore(module, rule, data, record.data);
      if (score !== null) matched.push({ id: rule.id, score });
    }
    if (matched.length === 0) continue;
    matches.push({
      recordId: doc.id,
      number: record.number,
      display: record.display ?? null,
      rules: matched.map((rule) => rule.id),
      score: Math.max(...matched.map((rule) => rule.score)),
    });
  }
  return matches.sort((a, b) => b.score - a.score || a.number.localeCompare(b.number)).slice(0, MAX_MATCHES);
}

/** Mean score of a rule's conditions between two records, or null when one condition fails. */
export function ruleScore(
  module: ResolvedModule,
  rule: DuplicateRule,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): number | null {
  let total = 0;
  for (const condition of rule.conditions) {
    const score = matchCondition(condition, valueOf(module, condition, a), valueOf(module, condition, b));
    if (score === null) return null;
    total += score;
  }
  return total / rule.conditions.length;
}

function valueOf(module: ResolvedModule, condition: DuplicateCondition, data: Readonly<Record<string, unknown>>): string | null {
  const field = module.fields.find((candidate) => candidate.key === condition.field);
  return field ? normalizeForMatch(field.type, data[condition.field]) : null;
}

/** The index queries that return every record this rule could match, for the rule's most selective condition. */
function blockingQueries(input: FindDuplicatesInput, rule: DuplicateRule): QuerySpec[] {
  const { module, data, tenantId } = input;
  const byToken = (field: 'tokens' | 'search', token: string): QuerySpec => ({
    collection: crmPaths.records(tenantId),
    where: [{ field, op: 'array-contains', value: token }],
    orderBy: [{ field: 'seq', direction: 'desc' }],
    limit: CANDIDATES_PER_QUERY,
  });
  const ranked = [...rule.conditions].sort((a, b) => selectivity(module, b) - selectivity(module, a));
  const best = ranked[0];
  const field = best ? module.fields.find((candidate) => candidate.key === best.field) : undefined;
  if (!best || !field) return [];
  const raw = data[best.field];
  if (field.type === 'email' && best.match === 'exact') {
    const facet = normalizeFacetValue(field, raw);
    return facet === null ? [] : [byToken('tokens', facetToken(module.slug, field.key, facet))];
  }
  if (field.type === 'text' || field.type === 'email' || field.type === 'phone') {
    // Words as the search index folds them; a fuzzy match still shares a word's first letters (typos sit later, mostly).
    const words = typeof raw === 'string' ? [...new Set(searchWords(raw))] : [];
    const usable = words.filter((word) => word.length >= 3).sort((a, b) => b.length - a.length);
    const prefixLength = best.match === 'exact' ? MAX_PREFIX_LENGTH : 3;
    const prefixes = [...new Set((usable.length > 0 ? usable : words).map((word) => word.slice(0, prefixLength)))];
    if (field.type === 'phone') {
      // Grouped and ungrouped numbers share the first digits of the national number.
      const national = normalizeForMatch('phone', raw);
      if (national) prefixes.push(national.slice(0, 3));
    }
    return [...new Set(prefixes)].slice(0, MAX_BLOCKING_QUERIES).map((prefix) => byToken('search', searchToken(module.slug, prefix)));
  }
  const facet = normalizeFacetValue(field, raw);
  return facet === null ? [] : [byToken('tokens', facetToken(module.slug, field.key, facet))];
}

/** Which condition narrows candidates most: an exact email, then exact text, then names and phones, then choices. */
function selectivity(module: ResolvedModule, condition: DuplicateCondition): number {
  const type = module.fields.find((field) => field.key === condition.field)?.type;
  if (type === 'email' && condition.match === 'exact') return 5;
  if ((type === 'text' || type === 'url') && condition.match === 'exact') return 4;
  if (type === 'phone') return 3;
  if (type === 'text' || type === 'email') return 2;
  if (type === 'number' || type === 'date' || type === 'relationship') return 1;
  return 0;
}

export { foldText };
