/**
 * Calendar days for workflows: "today" for a reminder is the tenant's today,
 * not the server's (UTC).
 */
import { wallTimeAt, type WallTime } from '../time/zoned-time.js';

export { instantOfWallTime, isValidTimeZone, wallTimeAt, type WallTime } from '../time/zoned-time.js';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` of a calendar date or an instant in the zone; null when the value is no date. */
export function calendarDayOf(value: unknown, timeZone: string): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatDay(wallTimeAt(value, timeZone));
  if (typeof value !== 'string') return null;
  if (DATE_ONLY.test(value)) return value;
  const time = Date.parse(value);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  return formatDay(wallTimeAt(new Date(time), timeZone));
}

export function addDays(day: string, days: number): string {
  const match = DATE_ONLY.exec(day);
  if (!match) throw new Error(`not a calendar day: ${day}`);
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) + days * DAY_MS;
  return new Date(time).toISOString().slice(0, 10);
}

export function parseDay(day: string): { year: number; month: number; day: number } | null {
  const match = DATE_ONLY.exec(day);
  return match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : null;
}

function formatDay(wall: WallTime): string {
  return `${String(wall.year).padStart(4, '0')}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
}
