import { format, isValid, parseISO } from 'date-fns';
import { z } from 'zod';
import type { FieldDefinition } from '@crm/engine/fields/field-definition.js';
import { checkFieldValue, type FieldValueFailure } from '@crm/engine/fields/check-field-value.js';
import { storedValueModule } from '@crm/engine/fields/types/registry.js';
import type { FormConversionContext } from '@crm/engine/fields/types/field-type-module.js';
import { formatNumberForInput, parseLocaleNumber } from '../../../lib/format/parse-number';

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

/** The browser's side of form conversion (locale numbers, wall-clock date-times) for the engine's type modules. */
export function formConversionContext(locale: string): FormConversionContext {
  return {
    locale,
    parseNumber: (input) => parseLocaleNumber(input, locale) ?? null,
    formatNumberForInput: (value) => formatNumberForInput(value, locale),
    localDateTimeToIso(input) {
      const date = parseISO(input);
      return isValid(date) ? date.toISOString() : null;
    },
    isoToLocalDateTime(value) {
      const date = parseISO(value);
      return isValid(date) ? format(date, "yyyy-MM-dd'T'HH:mm") : null;
    },
  };
}

/**
 * Input value → wire value, as the field's type module says. Numbers are read
 * in the user's locale ("12,500" in English, "12.500" in Spanish). Anything
 * unparseable goes through as-is so the engine names the problem.
 */
export function toWireValue(field: Pick<Field, 'type'> & { options?: unknown }, input: unknown, locale = 'en'): unknown {
  return storedValueModule(field).toWire(input, formConversionContext(locale));
}

/** Wire value → input value, for edit forms and defaults (numbers with the locale's decimal mark). */
export function toFormValue(field: Pick<Field, 'type'> & { options?: unknown }, value: unknown, locale = 'en'): FormValue {
  return storedValueModule(field).toForm(value, formConversionContext(locale)) as FormValue;
}

/** Says a refusal to the user; the default is the engine's English sentence. */
export type DescribeFailure = (failure: FieldValueFailure, field: Field) => string;

/**
 * One zod schema for the whole form: per field, input (read in `locale`) →
 * wire value → the engine's own check, the server's rule. `describe` turns
 * the engine's message key into the user's language.
 */
export function buildRecordFormSchema(
  fields: readonly Field[],
  { locale = 'en', describe = (failure) => failure.message }: { locale?: string; describe?: DescribeFailure } = {},
): z.ZodType<Record<string, unknown>, RecordFormValues> {
  const shape: Record<string, z.ZodType<unknown>> = {};
  for (const field of fields) {
    const check = z.unknown().transform((value, ctx) => {
      const result = checkFieldValue(field, value);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: describe(result, field) });
      return z.NEVER;
    });
    shape[field.key] = z.preprocess((input) => toWireValue(field, input, locale), check);
  }
  return z.object(shape) as unknown as z.ZodType<Record<string, unknown>, RecordFormValues>;
}

/** Initial input values: the record's, else the field's default on create. */
export function initialFormValues(fields: readonly Field[], data: Record<string, unknown> | null, locale = 'en'): RecordFormValues {
  const values: RecordFormValues = {};
  for (const field of fields) {
    const source = data ? data[field.key] : field.default;
    values[field.key] = toFormValue(field, source, locale);
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
