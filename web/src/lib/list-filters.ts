import type { TRecordFilter } from '@crm/api';
import type { TViewFilter } from '@crm/api/search-schemas.js';
import { localDayOf } from '@crm/engine/dashboards/calendar.js';
import { resolveRelativeDate } from '@crm/engine/dashboards/date-range.js';

/**
 * A list's filter as the user set it: one the server runs as is, or a date
 * range relative to today ("last 30 days"), kept relative in the list state
 * and in saved views, and resolved to days only when the list is fetched.
 */
export type ListFilter = TViewFilter;

/** A relative date filter as the list runs it: `gte` the first day, `lt` the day after the range, in the tenant's zone. */
export function resolveFilter(filter: ListFilter, today: string): TRecordFilter[] {
  if (filter.op !== 'relative') return [filter];
  const { current } = resolveRelativeDate(filter.value, today);
  return [
    { field: filter.field, op: 'gte', value: current.start },
    { field: filter.field, op: 'lt', value: current.end },
  ];
}

export function resolveFilters(filters: readonly ListFilter[], today: string): TRecordFilter[] {
  return filters.flatMap((filter) => resolveFilter(filter, today));
}

/** Today's date (YYYY-MM-DD) in the tenant's zone; UTC when the zone is unknown to this browser. */
export function todayIn(timeZone: string | undefined, now = Date.now()): string {
  try {
    return localDayOf(now, timeZone ?? 'UTC');
  } catch {
    return localDayOf(now, 'UTC');
  }
}
