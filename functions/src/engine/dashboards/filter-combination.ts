import { storedValueModule } from '../fields/types/registry.js';
import type { FilterCondition } from './parse-filter.js';

/**
 * What one figure's filter may combine, decided by what one Firestore query
 * over the fixed token indexes can express (services/dashboards/compile-selection.ts
 * builds that query): one field's values (equality or "any of"), one
 * date-field range, or a created_at / updated_at range; a field value and a
 * date-field range combine only for dimension fields (select, multi-select,
 * checkbox, relationship), whose facets carry date buckets. Returns why not,
 * or null. Saving a dashboard and checking a template both ask this.
 */
export function filterCombinationProblem(conditions: readonly FilterCondition[]): string | null {
  const facets = conditions.flatMap((condition) => (condition.kind === 'facet' ? [condition] : []));
  const ranges = conditions.flatMap((condition) => (condition.kind === 'range' ? [condition] : []));
  const systemRanges = ranges.filter((range) => range.system);
  const dataRanges = ranges.filter((range) => !range.system);
  if (facets.length > 1) {
    return `filters on "${facets[0]?.field.key}" and "${facets[1]?.field.key}" cannot be combined: a figure may filter one field (one or several of its values) plus date ranges`;
  }
  if (dataRanges.length > 1) return 'a figure may use one date-field range (plus created_at or updated_at)';
  if (systemRanges.length > 1) return 'a figure may use created_at or updated_at, not both';
  // Date buckets and the (tokens, createdAt|updatedAt) indexes are different arrays: one query cannot use both.
  if (dataRanges.length > 0 && systemRanges.length > 0) return `a figure may use a range on "${dataRanges[0]?.field}" or on ${systemRanges[0]?.field}, not both`;
  const facet = facets[0];
  const dataRange = dataRanges[0];
  if (facet && !storedValueModule(facet.field).traits.facet) return `"${facet.field.key}" cannot be filtered on in a dashboard`;
  if (facet && dataRange && !storedValueModule(facet.field).traits.dimension) {
    return `"${facet.field.key}" is a ${facet.field.type} field: only select, multi-select, checkbox and relationship filters combine with a range on "${dataRange.field}"`;
  }
  return null;
}
