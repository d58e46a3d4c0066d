import type { RelativeDate } from '../template/relative-dates.js';
import { addDays, addMonths, localDayOf, startOfMonth, startOfQuarter, startOfWeek, startOfYear, startOfLocalDay } from './calendar.js';

/** Tenant-local calendar days `[start, end)`: `end` is the first day after the range. */
export interface DayRange {
  readonly start: string;
  readonly end: string;
}

/** A relative date resolved for one moment, with the period before it for "change" figures. */
export interface ResolvedDateRange {
  readonly current: DayRange;
  readonly previous: DayRange;
}

/**
 * What each relative word means, as whole local days:
 * - weeks start on Monday; `this_week` is the whole week, past and future days;
 * - `last_N_days` ends with today (today and the N-1 days before it);
 * - `next_N_days` starts with today;
 * - the previous period is the period of the same length (or the previous
 *   calendar week / month / quarter / year) right before the current one.
 */
export function resolveRelativeDate(word: RelativeDate, today: string): ResolvedDateRange {
  const days = (start: string, length: number): ResolvedDateRange => ({
    current: { start, end: addDays(start, length) },
    previous: { start: addDays(start, -length), end: start },
  });
  const months = (start: string, length: number): ResolvedDateRange => ({
    current: { start, end: addMonths(start, length) },
    previous: { start: addMonths(start, -length), end: start },
  });
  switch (word) {
    case 'today':
      return days(today, 1);
    case 'yesterday':
      return days(addDays(today, -1), 1);
    case 'tomorrow':
      return days(addDays(today, 1), 1);
    case 'this_week':
      return days(startOfWeek(today), 7);
    case 'last_week':
      return days(addDays(startOfWeek(today), -7), 7);
    case 'this_month':
      return months(startOfMonth(today), 1);
    case 'last_month':
      return months(addMonths(startOfMonth(today), -1), 1);
    case 'this_quarter':
      return months(startOfQuarter(today), 3);
    case 'this_year':
      return months(startOfYear(today), 12);
    case 'last_7_days':
      return days(addDays(today, -6), 7);
    case 'last_30_days':
      return days(addDays(today, -29), 30);
    case 'last_90_days':
      return days(addDays(today, -89), 90);
    case 'next_7_days':
      return days(today, 7);
    case 'next_30_days':
      return days(today, 30);
  }
}

/** The same range as instants `[startMs, endMs)`, local midnights in the zone. */
export function dayRangeToInstants(range: DayRange, timeZone: string): { startMs: number; endMs: number } {
  return { startMs: startOfLocalDay(range.start, timeZone), endMs: startOfLocalDay(range.end, timeZone) };
}

export function todayIn(now: Date, timeZone: string): string {
  return localDayOf(now.getTime(), timeZone);
}

export type DateGrouping = 'day' | 'week' | 'month';

export interface DayBucket extends DayRange {
  /** `2026-11-24` for days, the Monday for weeks, `2026-11` for months. */
  readonly key: string;
}

/** Consecutive buckets covering the range; the first and last may be clipped to it. */
export function bucketsOf(range: DayRange, grouping: DateGrouping): DayBucket[] {
  const buckets: DayBucket[] = [];
  let cursor = range.start;
  while (cursor < range.end) {
    const bucketStart = grouping === 'day' ? cursor : grouping === 'week' ? startOfWeek(cursor) : startOfMonth(cursor);
    const next = grouping === 'day' ? addDays(cursor, 1) : grouping === 'week' ? addDays(bucketStart, 7) : addMonths(bucketStart, 1);
    const end = next < range.end ? next : range.end;
    buckets.push({ key: grouping === 'month' ? bucketStart.slice(0, 7) : bucketStart, start: cursor, end });
    cursor = end;
  }
  return buckets;
}
