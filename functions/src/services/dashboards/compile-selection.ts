import { chunk, coverDayRange, coverInstantRange, MAX_ANY_VALUES } from '../../engine/dashboards/bucket-tokens.js';
import { dayRangeToInstants, type DayRange } from '../../engine/dashboards/date-range.js';
import { filterCombinationProblem } from '../../engine/dashboards/filter-combination.js';
import { SYSTEM_DATE_FIELDS, type FilterCondition, type RangeCondition, type SystemDateField } from '../../engine/dashboards/parse-filter.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import { facetToken, normalizeFacetValue, ownerScoped } from '../records/record-tokens.js';

/** A range on a stored timestamp, answered by the (tokens, createdAt|updatedAt) indexes. */
export interface NativeRange {
  readonly field: 'createdAt' | 'updatedAt';
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The records one dashboard figure is computed over, as Firestore can query
 * them with the fixed token indexes: the union of `chunks` (each one
 * `tokens array-contains-any`, at most 30 tokens; chunks never share a
 * record, so per-chunk aggregations add up), optionally narrowed by a native
 * range. No chunks at all means "nothing matches".
 */
export interface Selection {
  /** The record array the chunks' tokens are in: date buckets live in `buckets` (record-tokens.ts). */
  readonly array: 'tokens' | 'buckets';
  readonly chunks: string[][];
  readonly nativeRange: NativeRange | null;
  /** The scope tokens (module or facet, owner-scoped) before date buckets. */
  readonly scopes: string[];
  readonly hasDateBuckets: boolean;
}

export type CompileResult = { ok: true; selection: Selection } | { ok: false; message: string };

/**
 * Maps filter conditions onto tokens. What one query can express with one
 * `array-contains(-any)` decides what a figure may combine
 * (engine/dashboards/filter-combination.ts); anything else is refused with a
 * message when the dashboard is saved, instead of being answered by reading
 * records.
 */
export function compileSelection({
  module,
  conditions,
  ownerId,
  timeZone,
  period = 'current',
}: {
  module: ResolvedModule;
  conditions: readonly FilterCondition[];
  /** Set for `read_own` viewers: only their records count. */
  ownerId: string | null;
  timeZone: string;
  period?: 'current' | 'previous';
}): CompileResult {
  const problem = filterCombinationProblem(conditions);
  if (problem) return { ok: false, message: problem };
  const facet = conditions.find((condition) => condition.kind === 'facet');
  const dataRange = conditions.find((condition): condition is RangeCondition => condition.kind === 'range' && !condition.system);
  const systemRange = conditions.find((condition): condition is RangeCondition => condition.kind === 'range' && condition.system);
  const rangeOf = (condition: RangeCondition): DayRange => (period === 'previous' && condition.previous ? condition.previous : condition.range);

  let scopes = [module.slug];
  if (facet) {
    const normalized = facet.values.map((value) => normalizeFacetValue(facet.field, value));
    if (normalized.some((value) => value === null)) return { ok: false, message: `filter: "${facet.field.key}" has an empty or invalid value` };
    scopes = [...new Set(normalized as string[])].map((value) => facetToken(module.slug, facet.field.key, value));
  }
  if (ownerId !== null) scopes = scopes.map((token) => ownerScoped(module.slug, ownerId, token));

  let tokens = scopes;
  if (dataRange) {
    const range = rangeOf(dataRange);
    let parts: string[] = [];
    if (range.start < range.end) {
      if (dataRange.type === 'date') parts = coverDayRange(dataRange.field, range);
      else {
        const { startMs, endMs } = dayRangeToInstants(range, timeZone);
        // Every zone in use today is offset by a multiple of 15 minutes; a historical one that is not cannot be covered exactly.
        if (startMs % 900_000 !== 0 || endMs % 900_000 !== 0) {
          return { ok: false, message: `the time zone ${timeZone} does not start days on a quarter hour, so "${dataRange.field}" cannot be bucketed` };
        }
        parts = coverInstantRange(dataRange.field, startMs, endMs);
      }
    }
    tokens = scopes.flatMap((scope) => parts.map((part) => `${scope}|${part}`));
  }
  // A multi-select record can hold several of the wanted values: split across chunks it would count twice.
  if (facet?.field.type === 'multi_select' && scopes.length > 1 && tokens.length > MAX_ANY_VALUES) {
    return { ok: false, message: `"${facet.field.key}" is multi-select: with a date range, filter on one of its values` };
  }
  let nativeRange: NativeRange | null = null;
  if (systemRange) {
    const { startMs, endMs } = dayRangeToInstants(rangeOf(systemRange), timeZone);
    nativeRange = { field: SYSTEM_DATE_FIELDS[systemRange.field as SystemDateField], startMs, endMs };
  }
  return {
    ok: true,
    selection: { array: dataRange ? 'buckets' : 'tokens', chunks: chunk(tokens), nativeRange, scopes, hasDateBuckets: dataRange !== undefined },
  };
}

/** True when any condition has a previous period, i.e. the figure can show a change. */
export function hasPreviousPeriod(conditions: readonly FilterCondition[]): boolean {
  return conditions.some((condition) => condition.kind === 'range' && condition.previous !== null);
}
