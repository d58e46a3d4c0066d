import { z } from 'zod';
import type { FieldDefinition } from './field-definition.js';
import { checkFieldValue, fieldValueFailure, isEmptyValue } from './check-field-value.js';
import type { FieldValueSpec } from './check-field-value.js';
import type { MessageParams } from './field-value-messages.js';

export { checkFieldValue } from './check-field-value.js';

/** `messageKey`/`params` say the same as `message` for the SPA to translate (see field-value-messages.ts). */
export type RecordDataError = { field: string; message: string; messageKey?: string; params?: MessageParams };
export type ValidateRecordDataResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; errors: RecordDataError[] };

/** Keys that would reach Object.prototype if copied naively into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The zod schema for one field's value (nullable unless required), so the SPA
 * form validates exactly like the server. Output is the normalized value.
 */
export function fieldValueSchema(field: FieldValueSpec): z.ZodType<unknown> {
  return z.unknown().transform((value, ctx) => {
    const result = checkFieldValue(field, value);
    if (!result.ok) {
      // params travel with the issue so a form can say it in the user's language.
      ctx.addIssue({ code: 'custom', message: result.message, params: { messageKey: result.messageKey, ...result.params } });
      return z.NEVER;
    }
    return result.value;
  });
}

/**
 * Validates record data against a module's fields. On create, defaults are
 * applied and required fields enforced; on update only the given keys are
 * checked. Returns a fresh plain object holding only known, active fields.
 * Uniqueness and relationship targets need the store and are the service's job.
 */
export function validateRecordData({
  fields,
  data,
  mode,
}: {
  fields: FieldDefinition[];
  data: Record<string, unknown>;
  mode: 'create' | 'update';
}): ValidateRecordDataResult {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, errors: [{ field: '', message: 'Record data must be an object' }] };
  }
  // A Map keeps lookups of "constructor" & co. away from Object.prototype.
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const errors: RecordDataError[] = [];
  const result = new Map<string, unknown>();

  for (const key of Object.keys(data)) {
    const field = FORBIDDEN_KEYS.has(key) ? undefined : byKey.get(key);
    if (field === undefined) {
      errors.push({ field: key, message: 'Unknown field', messageKey: 'validation.unknownField', params: { field: key } });
      continue;
    }
    if (!field.active) {
      errors.push(toRecordDataError(key, fieldValueFailure(field, 'inactive')));
      continue;
    }
    const checked = checkFieldValue(field, Object.getOwnPropertyDescriptor(data, key)?.value);
    if (checked.ok) result.set(key, checked.value);
    else errors.push(toRecordDataError(key, checked));
  }

  if (mode === 'create') {
    for (const field of fields) {
      if (!field.active || result.has(field.key) || Object.prototype.hasOwnProperty.call(data, field.key)) continue;
      if (field.default !== undefined && !isEmptyValue(field.default)) {
        const checked = checkFieldValue(field, structuredCloneJson(field.default));
        if (checked.ok) {
          result.set(field.key, checked.value);
          continue;
        }
      }
      if (field.required) errors.push(toRecordDataError(field.key, fieldValueFailure(field, 'required')));
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: Object.fromEntries(result) };
}

function toRecordDataError(field: string, failure: { message: string; messageKey: string; params: MessageParams }): RecordDataError {
  return { field, message: failure.message, messageKey: failure.messageKey, params: failure.params };
}

/** Defaults are JSON values; copy them so a record never shares an object with the template. */
function structuredCloneJson(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value;
}
