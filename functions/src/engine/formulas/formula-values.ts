import { wallTimeAt } from '../time/zoned-time.js';

/** Runtime values: plain JSON scalars, plus tagged dates so `date - 1` and `date - date` mean the right thing. */
export interface DateValue {
  readonly kind: 'date';
  /** YYYY-MM-DD */
  readonly day: string;
}
export interface DateTimeValue {
  readonly kind: 'datetime';
  readonly ms: number;
}
export type FormulaValue = number | string | boolean | null | DateValue | DateTimeValue;

export const DAY_MS = 86_400_000;

export function dateValue(day: string): DateValue {
  return { kind: 'date', day };
}

export function dateTimeValue(ms: number): DateTimeValue {
  return { kind: 'datetime', ms };
}

export function isDateValue(value: FormulaValue): value is DateValue {
  return typeof value === 'object' && value !== null && value.kind === 'date';
}

export function isDateTimeValue(value: FormulaValue): value is DateTimeValue {
  return typeof value === 'object' && value !== null && value.kind === 'datetime';
}

/** Days since 1970-01-01 of a calendar day. */
export function epochDay(day: string): number {
  return Math.floor(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS);
}

export function dayOfEpochDay(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** The tenant-zone calendar day of an instant. */
export function zonedDay(ms: number, timeZone: string): string {
  const wall = wallTimeAt(new Date(ms), timeZone);
  return `${String(wall.year).padStart(4, '0')}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
}

/** A date or datetime as a tenant-zone calendar day (how a date compares with a datetime). */
export function asDay(value: DateValue | DateTimeValue, timeZone: string): string {
  return value.kind === 'date' ? value.day : zonedDay(value.ms, timeZone);
}

/** The stored (JSON) form of a value. */
export function toStoredValue(value: FormulaValue): string | number | boolean | null {
  if (value === null || typeof value !== 'object') return value;
  return value.kind === 'date' ? value.day : new Date(value.ms).toISOString();
}
