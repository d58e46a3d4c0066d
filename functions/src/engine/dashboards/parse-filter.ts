import { storedValueType } from '../fields/types/registry.js';
import { isCalendarDate } from '../fields/check-field-value.js';
import type { FieldDefinition } from '../fields/field-definition.js';
import { isRelativeDate, type RelativeDate } from '../template/relative-dates.js';
import { addDays } from './calendar.js';
import { resolveRelativeDate, type DayRange } from './date-range.js';

/** Record metadata a dashboard may filter or group on, with where it is stored. */
export const SYSTEM_DATE_FIELDS = { created_at: 'createdAt', updated_at: 'updatedAt' } as const;
export type SystemDateField = keyof typeof SYSTEM_DATE_FIELDS;

export function isSystemDateField(key: string): key is SystemDateField {
  return key === 'created_at' || key === 'updated_at';
}

/** Equality (one value) or membership (several) on a field with facet tokens. */
export interface FacetCondition {
  readonly kind: 'facet';
  readonly field: FieldDefinition;
  readonly values: readonly unknown[];
}

/** Local days `[start, end)` of a date/datetime field or of created_at/updated_at. */
export interface RangeCondition {
  readonly kind: 'range';
  readonly field: string;
  readonly type: 'date' | 'datetime';
  readonly system: boolean;
  readonly range: DayRange;
  /** Set when the range came from a relative word: the period before it. */
  readonly previous: DayRange | null;
  readonly relative: RelativeDate | null;
}

export type FilterCondition = FacetCondition | RangeCondition;

export type ParseFilterResult = { ok: true; conditions: FilterCondition[] } | { ok: false; message: string };

/**
 * Reads a widget filter (`{ "status": "Active", "appointment_date": "today" }`):
 * a list means "any of"; a date field takes a relative word or a day. Which
 * combinations Firestore can answer without a per-field index is decided
 * later (compile-selection.ts); this only interprets values.
 */
export function parseWidgetFilter({
  filter,
  fields,
  today,
}: {
  filter: Readonly<Record<string, unknown>> | undefined;
  fields: readonly FieldDefinition[];
  today: string;
}): ParseFilterResult {
  const conditions: FilterCondition[] = [];
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (isSystemDateField(key)) {
      const range = parseDateValue(key, value, today);
      if (typeof range === 'string') return { ok: false, message: range };
      conditions.push({ kind: 'range', field: key, type: 'datetime', system: true, ...range });
      continue;
    }
    const field = fields.find((candidate) => candidate.key === key);
    if (!field) return { ok: false, message: `filter: "${key}" is not a field of this module` };
    const storedType = storedValueType(field);
    if (storedType === 'date' || storedType === 'datetime') {
      const range = parseDateValue(key, value, today);
      if (typeof range === 'string') return { ok: false, message: range };
      conditions.push({ kind: 'range', field: key, type: storedType, system: false, ...range });
      continue;
    }
    if (field.type === 'textarea' || field.type === 'file') {
      return { ok: false, message: `filter: "${key}" is a ${field.type} field, which dashboards cannot filter on` };
    }
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || values.length > 30) return { ok: false, message: `filter: "${key}" must list 1 to 30 values` };
    conditions.push({ kind: 'facet', field, values });
  }
  return { ok: true, conditions };
}

function parseDateValue(
  key: string,
  value: unknown,
  today: string,
): { range: DayRange; previous: DayRange | null; relative: RelativeDate | null } | string {
  if (isRelativeDate(value)) {
    const resolved = resolveRelativeDate(value, today);
    return { range: resolved.current, previous: resolved.previous, relative: value };
  }
  if (typeof value === 'string' && isCalendarDate(value)) {
    return { range: { start: value, end: addDays(value, 1) }, previous: null, relative: null };
  }
  return `filter: "${key}" must be a day (2026-03-01) or a relative date such as "today"`;
}
