import type { FieldDefinition } from './field-definition.js';
import { resolveLabel } from '../template/localized-text.js';
import { matchesTenantPattern } from './tenant-pattern.js';
import { FIELD_VALUE_MESSAGES, fieldValueMessageKey, type FieldValueReason, type MessageParams } from './field-value-messages.js';

/** The parts of a field definition that decide whether a value is acceptable. */
export type FieldValueSpec = Pick<FieldDefinition, 'key' | 'label' | 'type' | 'required' | 'options' | 'validation'>;

/**
 * A refusal carries the English sentence (logs, API users) and the same thing
 * as a message key with parameters, so the SPA can say it in the user's
 * language; `params.field` is the field's English label.
 */
export type FieldValueFailure = { ok: false; message: string; messageKey: string; params: MessageParams };
export type FieldValueResult = { ok: true; value: unknown } | FieldValueFailure;

/** Builds a refusal for one field: `"Email" must be an email address…` plus its key. */
export function fieldValueFailure(
  field: Pick<FieldValueSpec, 'key' | 'label'>,
  reason: FieldValueReason,
  params: MessageParams = {},
): FieldValueFailure {
  const label = resolveLabel(field.label, 'en') || field.key;
  return {
    ok: false,
    message: `"${label}" ${FIELD_VALUE_MESSAGES[reason](params)}`,
    messageKey: fieldValueMessageKey(reason),
    params: { ...params, field: label },
  };
}

/** Default caps keep a single record far below Firestore's 1 MiB document limit. */
export const DEFAULT_MAX_LENGTH = { text: 1_000, textarea: 10_000, email: 254, phone: 40, url: 2_048 } as const;
const MAX_FILE_NAME = 255;
const MAX_ABS_NUMBER = 1e15;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_PATTERN =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const EMAIL_PATTERN = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]{2,}$/;
const PHONE_PATTERN = /^\+?[0-9\s\-()]+$/;
export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks and normalizes one value for one field. Empty values ('' / null /
 * empty list) mean "no value": refused when the field is required, otherwise
 * returned as null (or [] for multi_select) so forms can send blank inputs.
 */
export function checkFieldValue(field: FieldValueSpec, value: unknown): FieldValueResult {
  const fail = (reason: FieldValueReason, params?: MessageParams): FieldValueResult => fieldValueFailure(field, reason, params);

  if (isEmptyValue(value)) {
    if (field.required) return fail('required');
    return { ok: true, value: field.type === 'multi_select' && Array.isArray(value) ? [] : null };
  }

  const rules = field.validation ?? {};
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url': {
      if (typeof value !== 'string') return fail('notText');
      const max = rules.max_length ?? DEFAULT_MAX_LENGTH[field.type];
      // Length first: never run a tenant's regex over an oversized string.
      if (value.length > max) return fail('maxLength', { max });
      if (rules.min_length !== undefined && value.length < rules.min_length) {
        return fail('minLength', { min: rules.min_length });
      }
      const formatError = checkTextFormat(field.type, value);
      if (formatError) return fail(formatError);
      // RE2 semantics: linear in the value's length whatever the tenant wrote (engine/fields/tenant-pattern.ts).
      if (rules.pattern !== undefined && !matchesTenantPattern(rules.pattern, value)) {
        return fail('pattern', { pattern: rules.pattern });
      }
      return { ok: true, value };
    }
    case 'number':
    case 'currency': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('notNumber');
      if (Math.abs(value) > MAX_ABS_NUMBER) return fail('tooLarge');
      let result = value;
      if (field.type === 'currency') {
        const cents = value * 100;
        if (Math.abs(cents - Math.round(cents)) > 1e-6) return fail('currencyDecimals');
        // Store the exact 2-decimal amount, not binary noise like 0.30000000000000004.
        result = Math.round(cents) / 100;
      }
      if (rules.min !== undefined && result < rules.min) return fail('min', { min: rules.min });
      if (rules.max !== undefined && result > rules.max) return fail('max', { max: rules.max });
      return { ok: true, value: result };
    }
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value)) return fail('date');
      return { ok: true, value };
    case 'datetime': {
      const normalized = typeof value === 'string' ? normalizeDateTime(value) : undefined;
      if (normalized === undefined) return fail('datetime');
      return { ok: true, value: normalized };
    }
    case 'select': {
      const allowed = optionValues(field);
      if (typeof value !== 'string' || !allowed.includes(value)) return fail('oneOf', { choices: listForMessage(allowed) });
      return { ok: true, value };
    }
    case 'multi_select': {
      const allowed = optionValues(field);
      if (!Array.isArray(value)) return fail('notList');
      const seen = new Set<string>();
      for (const item of value) {
        if (typeof item !== 'string' || !allowed.includes(item)) {
          return fail('onlyChoices', { choices: listForMessage(allowed) });
        }
        if (seen.has(item)) return fail('duplicateChoice', { value: item });
        seen.add(item);
      }
      return { ok: true, value: [...value] };
    }
    case 'checkbox':
      if (typeof value !== 'boolean') return fail('boolean');
      return { ok: true, value };
    case 'relationship':
      // Whether the record exists is checked by the service, which can read the store.
      if (typeof value !== 'string' || !RECORD_ID_PATTERN.test(value)) return fail('recordId');
      return { ok: true, value };
    case 'file':
      return checkFileValue(value, fail);
  }
}

export function isEmptyValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

function optionValues(field: FieldValueSpec): string[] {
  if (!Array.isArray(field.options)) return [];
  return field.options.map((option) => (typeof option === 'string' ? option : option.value));
}

function listForMessage(values: string[]): string {
  const shown = values.slice(0, 12).join(', ');
  return values.length > 12 ? `${shown}, …` : shown;
}

function checkTextFormat(type: 'text' | 'textarea' | 'email' | 'phone' | 'url', value: string): FieldValueReason | undefined {
  switch (type) {
    case 'email':
      return EMAIL_PATTERN.test(value) ? undefined : 'email';
    case 'phone': {
      const digits = value.replace(/\D/g, '').length;
      return PHONE_PATTERN.test(value) && digits >= 7 && digits <= 20 ? undefined : 'phone';
    }
    case 'url':
      return isHttpUrl(value) ? undefined : 'url';
    default:
      return undefined;
  }
}

export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** True for a real calendar day written as YYYY-MM-DD (rejects 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** ISO 8601 with an explicit zone, normalized to UTC (`...Z`); undefined when invalid. */
export function normalizeDateTime(value: string): string | undefined {
  const match = DATETIME_PATTERN.exec(value);
  if (!match || !isCalendarDate(match[1] ?? '')) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function checkFileValue(value: unknown, fail: (reason: FieldValueReason) => FieldValueResult): FieldValueResult {
  const shape = 'fileShape';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(shape);
  const allowed = new Set(['name', 'path', 'url', 'size', 'content_type']);
  const entries = Object.entries(value);
  if (entries.some(([key]) => !allowed.has(key))) return fail('fileUnexpectedKeys');
  const file = new Map(entries);
  const name = file.get('name');
  const path = file.get('path');
  const url = file.get('url');
  const size = file.get('size');
  const contentType = file.get('content_type');
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_FILE_NAME) return fail(shape);
  if (path === undefined && url === undefined) return fail('fileLocation');
  if (path !== undefined) {
    // Storage paths are resolved under the tenant's folder; refuse anything that could climb out of it.
    if (typeof path !== 'string' || path === '' || path.length > 1024 || path.startsWith('/') || path.split('/').includes('..')) {
      return fail('filePath');
    }
  }
  if (url !== undefined && (typeof url !== 'string' || url.length > 2048 || !isHttpUrl(url))) {
    return fail('fileUrl');
  }
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
    return fail('fileSize');
  }
  if (contentType !== undefined && (typeof contentType !== 'string' || contentType.length > 255)) {
    return fail('fileContentType');
  }
  const result: Record<string, unknown> = { name };
  if (path !== undefined) result.path = path;
  if (url !== undefined) result.url = url;
  if (size !== undefined) result.size = size;
  if (contentType !== undefined) result.content_type = contentType;
  return { ok: true, value: result };
}
