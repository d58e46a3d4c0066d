import { chunk, coverDayRange, coverInstantRange, MAX_ANY_VALUES } from '../../engine/dashboards/bucket-tokens.js';
import { dayRangeToInstants, type DayRange } from '../../engine/dashboards/date-range.js';
import { SYSTEM_DATE_FIELDS, type FilterCondition, type RangeCondition, type SystemDateField } from '../../engine/dashboards/parse-filter.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import { facetToken, isDimension, isFacetable, normalizeFacetValue, ownerScoped } from '../records/record-tokens.js';

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
 * `array-contains(-any)` decides what a figure may combine: one field's
 * values (equality or "any of"), one date-field range, and a created_at /
 * updated_at range; a field value and a date-field range combine only for
 * dimension fields (select, multi-select, checkbox, relationship), whose
 * facets carry date tokens. Anything else is refused with a message when the
 * dashboard is saved, instead of being answered by reading records.
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
  const facets = conditions.flatMap((condition) => (condition.kind === 'facet' ? [condition] : []));
  const ranges = conditions.flatMap((condition) => (condition.kind === 'range' ? [condition] : []));
  const systemRanges = ranges.filter((range) => range.system);
  const dataRanges = ranges.filter((range) => !range.system);
  if (facets.length > 1) {
    return {
      ok: false,
      message: `filters on "${facets[0]?.field.key}" and "${facets[1]?.field.key}" cannot be combined: a figure may filter one field (one or several of its values) plus date ranges`,
    };
  }
  if (dataRanges.length > 1) return { ok: false, message: 'a figure may use one date-field range (plus created_at or updated_at)' };
  if (systemRanges.length > 1) return { ok: false, message: 'a figure may use created_at or updated_at, not both' };
  // Date buckets and the (tokens, createdAt|updatedAt) indexes are different arrays: one query cannot use both.
  if (dataRanges.length > 0 && systemRanges.length > 0) {
    return { ok: false, message: `a figure may use a range on "${dataRanges[0]?.field}" or on ${systemRanges[0]?.field}, not both` };
  }
  const facet = facets[0];
  const dataRange = dataRanges[0];
  const systemRange = systemRanges[0];
  const rangeOf = (condition: RangeCondition): DayRange => (period === 'previous' && condition.previous ? condition.previous : condition.range);

  let scopes = [module.slug];
  if (facet) {
    if (!isFacetable(facet.field)) return { ok: false, message: `"${facet.field.key}" cannot be filtered on in a dashboard` };
    const normalized = facet.values.map((value) => normalizeFacetValue(facet.field, value));
    if (normalized.some((value) => value === null)) return { ok: false, message: `filter: "${facet.field.key}" has an empty or invalid value` };
    scopes = [...new Set(normalized as string[])].map((value) => facetToken(module.slug, facet.field.key, value));
    if (dataRange && !isDimension(facet.field)) {
      return {
        ok: false,
        message: `"${facet.field.key}" is a ${facet.field.type} field: only select, multi-select, checkbox and relationship filters combine with a range on "${dataRange.field}"`,
      };
    }
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
