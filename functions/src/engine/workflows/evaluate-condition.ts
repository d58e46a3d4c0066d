import { isConditionLeaf, type Condition, type ConditionLeaf } from '../template/condition-schema.js';
import { addDays, calendarDayOf } from './time-zone.js';

/** Field values of a record as conditions see them: its data plus system fields (record_number, owner, ...). */
export type RecordValues = Readonly<Record<string, unknown>>;

export interface EvaluateConditionInput {
  /** Absent condition: always true (a workflow without conditions runs on every matching trigger). */
  readonly condition: Condition | undefined;
  readonly record: RecordValues;
  /** The record before the change; null on create and for scheduled runs (nothing "changed"). */
  readonly previous?: RecordValues | null;
  /**
   * Related records by relationship path prefix: `patient` for "patient.email", `patient.primary_doctor`
   * for "patient.primary_doctor.email" (up to MAX_PATH_HOPS hops); null when a record on the way is gone.
   */
  readonly related?: Readonly<Record<string, RecordValues | null>>;
  readonly now: Date;
  readonly timeZone: string;
}

export interface LeafResult {
  readonly field: string;
  readonly operator: ConditionLeaf['operator'];
  readonly value: unknown;
  readonly actual: unknown;
  readonly result: boolean;
}

export interface ConditionExplanation {
  readonly result: boolean;
  /** Every leaf that was evaluated, in order (groups short-circuit like && / ||). */
  readonly leaves: LeafResult[];
}

export function evaluateCondition(input: EvaluateConditionInput): boolean {
  return explainCondition(input).result;
}

/** The same evaluation with each leaf's verdict, for dry runs and run logs. */
export function explainCondition(input: EvaluateConditionInput): ConditionExplanation {
  const leaves: LeafResult[] = [];
  const visit = (condition: Condition): boolean => {
    if (isConditionLeaf(condition)) {
      const verdict = evaluateLeaf(condition, input);
      leaves.push(verdict);
      return verdict.result;
    }
    if ('all' in condition) return condition.all.every(visit);
    return condition.any.some(visit);
  };
  return { result: input.condition === undefined ? true : visit(input.condition), leaves };
}

/**
 * The value a condition field refers to: a field of the record, or a field at the end of a
 * relationship path (`patient.primary_doctor.specialty`), read from the related record loaded
 * for the path's prefix. A record missing on the way gives no value (undefined), never an error.
 */
export function lookupField(
  field: string,
  record: RecordValues,
  related: Readonly<Record<string, RecordValues | null>> | undefined,
): unknown {
  const cut = field.lastIndexOf('.');
  if (cut < 0) return own(record, field);
  const target = related ? own(related, field.slice(0, cut)) : undefined;
  return target ? own(target, field.slice(cut + 1)) : undefined;
}

function evaluateLeaf(leaf: ConditionLeaf, input: EvaluateConditionInput): LeafResult {
  const actual = lookupField(leaf.field, input.record, input.related);
  const result = (() => {
    switch (leaf.operator) {
      case 'equals':
        return matchesValue(actual, leaf.value);
      case 'not_equals':
        return !matchesValue(actual, leaf.value);
      case 'contains':
        return containsValue(actual, leaf.value);
      case 'not_contains':
        return !containsValue(actual, leaf.value);
      case 'in':
        return listOf(leaf.value).some((candidate) => matchesValue(actual, candidate));
      case 'not_in':
        return !listOf(leaf.value).some((candidate) => matchesValue(actual, candidate));
      case 'greater_than':
        return compare(actual, leaf.value, (diff) => diff > 0);
      case 'less_than':
        return compare(actual, leaf.value, (diff) => diff < 0);
      case 'greater_or_equal':
        return compare(actual, leaf.value, (diff) => diff >= 0);
      case 'less_or_equal':
        return compare(actual, leaf.value, (diff) => diff <= 0);
      case 'is_empty':
        return isEmpty(actual);
      case 'is_not_empty':
        return !isEmpty(actual);
      case 'changed':
        return hasChanged(leaf.field, input);
      case 'changed_to':
        return hasChanged(leaf.field, input) && matchesValue(actual, leaf.value);
      case 'changed_from':
        return hasChanged(leaf.field, input) && matchesValue(previousValue(leaf.field, input), leaf.value);
      case 'is_today':
        return dayOffsetIs(actual, input, (offset) => offset === 0);
      case 'is_tomorrow':
        return dayOffsetIs(actual, input, (offset) => offset === 1);
      case 'is_yesterday':
        return dayOffsetIs(actual, input, (offset) => offset === -1);
      case 'within_next_days':
        return dayOffsetIs(actual, input, (offset) => offset >= 0 && offset <= Number(leaf.value));
      case 'within_last_days':
        return dayOffsetIs(actual, input, (offset) => offset <= 0 && offset >= -Number(leaf.value));
    }
  })();
  return { field: leaf.field, operator: leaf.operator, value: leaf.value, actual, result };
}

function own<T>(values: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : undefined;
}

function previousValue(field: string, input: EvaluateConditionInput): unknown {
  // Related records are loaded as they are now; a hop field's "before" is the same related value,
  // so change operators on a hop see a change only when the relationship itself points elsewhere.
  if (!input.previous) return undefined;
  const [head = '', tail] = field.split('.');
  if (tail === undefined) return own(input.previous, head);
  return own(input.previous, head) === own(input.record, head) ? lookupField(field, input.record, input.related) : undefined;
}

function hasChanged(field: string, input: EvaluateConditionInput): boolean {
  // No previous state (create, scheduled run): nothing changed.
  if (!input.previous) return false;
  const [head = ''] = field.split('.');
  if (field.includes('.') && own(input.previous, head) !== own(input.record, head)) return true;
  return !sameValue(previousValue(field, input), lookupField(field, input.record, input.related));
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * Equality as a user means it: strings compare case-insensitively and
 * trimmed, a number equals its numeric string, and a multi-value field
 * "equals" a value it contains.
 */
function matchesValue(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => scalarEquals(item, expected));
  return scalarEquals(actual, expected);
}

function scalarEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (typeof a === 'number' || typeof b === 'number') {
    const [x, y] = [toNumber(a), toNumber(b)];
    return x !== null && y !== null && x === y;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b);
  if (typeof a === 'string' && typeof b === 'string') return a.trim().toLowerCase() === b.trim().toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

function containsValue(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => scalarEquals(item, expected));
  if (typeof actual !== 'string' || expected === null || expected === undefined) return false;
  return actual.toLowerCase().includes(String(expected).toLowerCase());
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** Numbers compare as numbers, dates and datetimes as instants; anything else does not compare (false). */
function compare(actual: unknown, expected: unknown, test: (diff: number) => boolean): boolean {
  // A date string never parses as a number ("2026-01-01" is NaN), so the order of these checks is safe.
  const [x, y] = [toNumber(actual), toNumber(expected)];
  if (x !== null && y !== null) return test(x - y);
  const [a, b] = [toInstant(actual), toInstant(expected)];
  return a !== null && b !== null && test(a - b);
}

function toInstant(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const time = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(time) ? null : time;
}

function dayOffsetIs(actual: unknown, input: EvaluateConditionInput, test: (offset: number) => boolean): boolean {
  const day = calendarDayOf(actual, input.timeZone);
  const today = calendarDayOf(input.now, input.timeZone);
  if (day === null || today === null) return false;
  const offset = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  return test(offset);
}

/** Today's calendar day in the zone, shifted by `days`; exported for schedules and previews. */
export function dayFromToday(now: Date, timeZone: string, days: number): string {
  return addDays(calendarDayOf(now, timeZone) ?? now.toISOString().slice(0, 10), days);
}
