/**
 * Date buckets and numeric keys as record tokens (see record-tokens.ts).
 *
 * Firestore cannot range-filter a field without an index on that field, and
 * tenants add fields at runtime. So each date and number in a record is also
 * written as a few bucket tokens in the record's one `tokens` array, and a
 * range becomes `tokens array-contains-any [the buckets covering it]`, served
 * by the same token indexes as lists.
 *
 * Buckets are in UTC, chosen at write time without knowing the tenant's zone
 * (so changing the zone needs no rewrite): a `date` field (a calendar day, no
 * zone) gets a day and a month bucket; a `datetime` (an instant) gets a UTC
 * day, month, hour and quarter-hour bucket. Every zone's offset is a multiple
 * of 15 minutes, so a tenant-local day is an exact union of UTC buckets: for
 * Kolkata (+05:30) "today" is 2 quarter hours + 23 hours + 2 quarter hours,
 * and "this month" is a few edge buckets plus whole UTC days.
 */
import { addMonths, dayToUtcMs, formatDay } from './calendar.js';
import type { DayRange } from './date-range.js';

const QUARTER_MS = 900_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Firestore's limit on the values of one `array-contains-any`. */
export const MAX_ANY_VALUES = 30;

/** Bucket parts of one date value (without the module/facet scope). */
export function dateBucketParts(field: string, type: 'date' | 'datetime', value: unknown): string[] {
  if (typeof value !== 'string') return [];
  if (type === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return [];
    return [`d:${field}=${value}`, `m:${field}=${value.slice(0, 7)}`];
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return [];
  const iso = new Date(ms).toISOString();
  const quarter = String(Math.floor(Number(iso.slice(14, 16)) / 15) * 15).padStart(2, '0');
  return [`d:${field}=${iso.slice(0, 10)}`, `m:${field}=${iso.slice(0, 7)}`, `h:${field}=${iso.slice(0, 13)}`, `t:${field}=${iso.slice(0, 14)}${quarter}`];
}

/** Fewest day/month buckets exactly covering local days `[start, end)` of a `date` field. */
export function coverDayRange(field: string, range: DayRange): string[] {
  const parts: string[] = [];
  let day = range.start;
  while (day < range.end) {
    const nextMonth = addMonths(day, 1);
    if (day.endsWith('-01') && nextMonth <= range.end) {
      parts.push(`m:${field}=${day.slice(0, 7)}`);
      day = nextMonth;
    } else {
      parts.push(`d:${field}=${day}`);
      day = formatDay(dayToUtcMs(day) + DAY_MS);
    }
  }
  return parts;
}

/**
 * Fewest UTC month/day/hour/quarter-hour buckets exactly covering the instants
 * `[startMs, endMs)` of a `datetime` field. Greedy from the left is minimal
 * because each bucket size nests in the next.
 */
export function coverInstantRange(field: string, startMs: number, endMs: number): string[] {
  if (startMs % QUARTER_MS !== 0 || endMs % QUARTER_MS !== 0) {
    throw new Error('datetime ranges must start and end on a quarter hour');
  }
  const parts: string[] = [];
  let at = startMs;
  while (at < endMs) {
    const iso = new Date(at).toISOString();
    const nextMonth = dayToUtcMs(addMonths(iso.slice(0, 10), 1));
    if (at % DAY_MS === 0 && iso.slice(8, 10) === '01' && nextMonth <= endMs) {
      parts.push(`m:${field}=${iso.slice(0, 7)}`);
      at = nextMonth;
    } else if (at % DAY_MS === 0 && at + DAY_MS <= endMs) {
      parts.push(`d:${field}=${iso.slice(0, 10)}`);
      at += DAY_MS;
    } else if (at % HOUR_MS === 0 && at + HOUR_MS <= endMs) {
      parts.push(`h:${field}=${iso.slice(0, 13)}`);
      at += HOUR_MS;
    } else {
      parts.push(`t:${field}=${iso.slice(0, 16)}`);
      at += QUARTER_MS;
    }
  }
  return parts;
}

/** Splits values into chunks Firestore accepts in one `array-contains-any`. */
export function chunk<T>(values: readonly T[], size = MAX_ANY_VALUES): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < values.length; index += size) chunks.push(values.slice(index, index + size));
  return chunks;
}
