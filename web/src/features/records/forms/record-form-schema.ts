import { format, isValid, parseISO } from 'date-fns';
import { z } from 'zod';
import type { FieldDefinition } from '@crm/engine/fields/field-definition.js';
import { fieldValueSchema } from '@crm/engine/fields/validate-record-data.js';

/**
 * What inputs hold for each field type. Forms keep the browser's
 * representation (strings for numbers and dates, `YYYY-MM-DDTHH:mm` local
 * date-times) and convert to the wire value just before the engine's schema
 * checks it, so the messages are exactly the server's.
 */
export type FormValue = string | string[] | boolean | FileValue | null;
export type FileValue = { name: string; path?: string; url?: string; size?: number; content_type?: string };
export type RecordFormValues = Record<string, FormValue>;

type Field = Pick<FieldDefinition, 'key' | 'label' | 'type' | 'required' | 'options' | 'validation' | 'default'>;

/** Input value → wire value. Anything unparseable goes through as-is so the engine names the problem. */
export function toWireValue(field: Pick<Field, 'type'>, input: unknown): unknown {
  switch (field.type) {
    case 'number':
    case 'currency': {
      if (typeof input !== 'string') return input;
      const text = input.trim().replace(/\s/g, '');
      if (text === '') return null;
      const number = Number(text);
      return Number.isFinite(number) ? number : input;
    }
    case 'datetime': {
      if (typeof input !== 'string') return input;
      if (input.trim() === '') return null;
      // `datetime-local` has no zone: it is the user's wall clock, so convert from local time.
      const date = parseISO(input);
      return isValid(date) ? date.toISOString() : input;
    }
    case 'checkbox':
      return input === true;
    case 'multi_select':
      return Array.isArray(input) ? input : input === '' || input === null || input === undefined ? [] : input;
    default:
      return typeof input === 'string' && input.trim() === '' ? null : input;
  }
}

/** Wire value → input value, for edit forms and defaults. */
export function toFormValue(field: Pick<Field, 'type'>, value: unknown): FormValue {
  switch (field.type) {
    case 'number':
    case 'currency':
      return typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    case 'datetime': {
      if (typeof value !== 'string' || value === '') return '';
      const date = parseISO(value);
      return isValid(date) ? format(date, "yyyy-MM-dd'T'HH:mm") : value;
    }
    case 'checkbox':
      return value === true;
    case 'multi_select':
      return Array.isArray(value) ? value.map(String) : [];
    case 'file':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as FileValue) : null;
    default:
      return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  }
}

/** One zod schema for the whole form: per field, input → wire value → the engine's own check. */
export function buildRecordFormSchema(fields: readonly Field[]): z.ZodType<Record<string, unknown>, RecordFormValues> {
  const shape: Record<string, z.ZodType<unknown>> = {};
  for (const field of fields) {
    shape[field.key] = z.preprocess((input) => toWireValue(field, input), fieldValueSchema(field));
  }
  return z.object(shape) as unknown as z.ZodType<Record<string, unknown>, RecordFormValues>;
}

/** Initial input values: the record's, else the field's default on create. */
export function initialFormValues(fields: readonly Field[], data: Record<string, unknown> | null): RecordFormValues {
  const values: RecordFormValues = {};
  for (const field of fields) {
    const source = data ? data[field.key] : field.default;
    values[field.key] = toFormValue(field, source);
  }
  return values;
}

/**
 * The payload to send. Create: only fields with a value, so server defaults
 * and "required" apply as designed. Update: only what the user changed
 * (null clears), so a concurrent edit of another field is not overwritten.
 */
export function recordPayload({
  mode,
  parsed,
  dirtyKeys,
}: {
  mode: 'create' | 'update';
  parsed: Record<string, unknown>;
  dirtyKeys: ReadonlySet<string>;
}): Record<string, unknown> {
  const entries = Object.entries(parsed).filter(([key, value]) =>
    mode === 'create' ? value !== null && !(Array.isArray(value) && value.length === 0) : dirtyKeys.has(key),
  );
  return Object.fromEntries(entries);
}
