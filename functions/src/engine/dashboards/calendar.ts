/**
 * Calendar days and instants in a tenant's time zone. Pure and portable (the
 * SPA reuses it): time zone rules come from the platform's `Intl` data (ICU),
 * never from a hand-kept offset table. Days are ISO strings (`YYYY-MM-DD`) so
 * they compare as strings and match what `date` fields store.
 */
import { wallTimeAt } from '../time/zoned-time.js';

const DAY_MS = 86_400_000;

export { isValidTimeZone } from '../time/zoned-time.js';

function wallClock(instantMs: number, timeZone: string) {
  return wallTimeAt(new Date(instantMs), timeZone);
}

/** The tenant-local calendar day an instant falls on. */
export function localDayOf(instantMs: number, timeZone: string): string {
  const { year, month, day } = wallClock(instantMs, timeZone);
  return formatDay(Date.UTC(year, month - 1, day));
}

/** Offset of the zone from UTC at an instant, in minutes (Kolkata: +330). */
export function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/**
 * The instant a local day starts. The zone's offset is read from Intl at the
 * candidate instant and re-read once, which settles DST transitions; when
 * midnight itself is skipped by a transition, the day starts at the first
 * instant after the gap.
 */
export function startOfLocalDay(day: string, timeZone: string): number {
  const wall = dayToUtcMs(day);
  const first = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  const second = wall - zoneOffsetMinutes(first, timeZone) * 60_000;
  const isDayStart = (instant: number) => localDayOf(instant, timeZone) === day && localDayOf(instant - 1, timeZone) !== day;
  for (const candidate of [Math.min(first, second), Math.max(first, second)]) if (isDayStart(candidate)) return candidate;
  // Midnight was skipped by a transition: the day starts at the first quarter hour that belongs to it.
  for (let instant = Math.min(first, second) - 3 * 3_600_000; instant < Math.max(first, second) + 3 * 3_600_000; instant += 900_000) {
    if (localDayOf(instant, timeZone) === day) return instant;
  }
  return second;
}

export function dayToUtcMs(day: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, date);
}

export function formatDay(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return formatDay(dayToUtcMs(day) + days * DAY_MS);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayToUtcMs(to) - dayToUtcMs(from)) / DAY_MS);
}

/** Weeks start on Monday (ISO 8601). */
export function startOfWeek(day: string): string {
  const weekday = new Date(dayToUtcMs(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

export function startOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(day: string, months: number): string {
  const d = new Date(dayToUtcMs(day));
  return formatDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
}

export function startOfQuarter(day: string): string {
  const month = Number(day.slice(5, 7));
  const first = month - ((month - 1) % 3);
  return `${day.slice(0, 4)}-${String(first).padStart(2, '0')}-01`;
}

export function startOfYear(day: string): string {
  return `${day.slice(0, 4)}-01-01`;
}
