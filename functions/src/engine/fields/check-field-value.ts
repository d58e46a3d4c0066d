import type { FieldDefinition } from './field-definition.js';
import { resolveLabel } from '../template/localized-text.js';
import { matchesTenantPattern } from './tenant-pattern.js';

/** The parts of a field definition that decide whether a value is acceptable. */
export type FieldValueSpec = Pick<FieldDefinition, 'key' | 'label' | 'type' | 'required' | 'options' | 'validation'>;

export type FieldValueResult = { ok: true; value: unknown } | { ok: false; message: string };

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
  const name = `"${resolveLabel(field.label, 'en') || field.key}"`;
  const fail = (message: string): FieldValueResult => ({ ok: false, message: `${name} ${message}` });

  if (isEmptyValue(value)) {
    if (field.required) return fail('is required');
    return { ok: true, value: field.type === 'multi_select' && Array.isArray(value) ? [] : null };
  }

  const rules = field.validation ?? {};
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url': {
      if (typeof value !== 'string') return fail('must be text');
      const max = rules.max_length ?? DEFAULT_MAX_LENGTH[field.type];
      // Length first: never run a tenant's regex over an oversized string.
      if (value.length > max) return fail(`must be at most ${max} characters`);
      if (rules.min_length !== undefined && value.length < rules.min_length) {
        return fail(`must be at least ${rules.min_length} characters`);
      }
      const formatError = checkTextFormat(field.type, value);
      if (formatError) return fail(formatError);
      // RE2 semantics: linear in the value's length whatever the tenant wrote (engine/fields/tenant-pattern.ts).
      if (rules.pattern !== undefined && !matchesTenantPattern(rules.pattern, value)) {
        return fail(`must match the pattern ${rules.pattern}`);
      }
      return { ok: true, value };
    }
    case 'number':
    case 'currency': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a number');
      if (Math.abs(value) > MAX_ABS_NUMBER) return fail('is too large');
      let result = value;
      if (field.type === 'currency') {
        const cents = value * 100;
        if (Math.abs(cents - Math.round(cents)) > 1e-6) return fail('must have at most 2 decimal places');
        // Store the exact 2-decimal amount, not binary noise like 0.30000000000000004.
        result = Math.round(cents) / 100;
      }
      if (rules.min !== undefined && result < rules.min) return fail(`must be at least ${rules.min}`);
      if (rules.max !== undefined && result > rules.max) return fail(`must be at most ${rules.max}`);
      return { ok: true, value: result };
    }
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value)) return fail('must be a date like 2026-03-01');
      return { ok: true, value };
    case 'datetime': {
      const normalized = typeof value === 'string' ? normalizeDateTime(value) : undefined;
      if (normalized === undefined) return fail('must be a date and time with a time zone, like 2026-03-01T10:00:00Z');
      return { ok: true, value: normalized };
    }
    case 'select': {
      const allowed = optionValues(field);
      if (typeof value !== 'string' || !allowed.includes(value)) return fail(`must be one of: ${listForMessage(allowed)}`);
      return { ok: true, value };
    }
    case 'multi_select': {
      const allowed = optionValues(field);
      if (!Array.isArray(value)) return fail('must be a list of choices');
      const seen = new Set<string>();
      for (const item of value) {
        if (typeof item !== 'string' || !allowed.includes(item)) {
          return fail(`may only contain: ${listForMessage(allowed)}`);
        }
        if (seen.has(item)) return fail(`lists "${item}" twice`);
        seen.add(item);
      }
      return { ok: true, value: [...value] };
    }
    case 'checkbox':
      if (typeof value !== 'boolean') return fail('must be true or false');
      return { ok: true, value };
    case 'relationship':
      // Whether the record exists is checked by the service, which can read the store.
      if (typeof value !== 'string' || !RECORD_ID_PATTERN.test(value)) return fail('must be a record id');
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

function checkTextFormat(type: 'text' | 'textarea' | 'email' | 'phone' | 'url', value: string): string | undefined {
  switch (type) {
    case 'email':
      return EMAIL_PATTERN.test(value) ? undefined : 'must be an email address like name@example.com';
    case 'phone': {
      const digits = value.replace(/\D/g, '').length;
      return PHONE_PATTERN.test(value) && digits >= 7 && digits <= 20
        ? undefined
        : 'must be a phone number like +1 555 010 9999 (7 to 20 digits)';
    }
    case 'url':
      return isHttpUrl(value) ? undefined : 'must be a web address starting with http:// or https://';
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

function checkFileValue(value: unknown, fail: (message: string) => FieldValueResult): FieldValueResult {
  const shape = 'must be a file like { "name": "scan.pdf", "path": "…" }';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(shape);
  const allowed = new Set(['name', 'path', 'url', 'size', 'content_type']);
  const entries = Object.entries(value);
  if (entries.some(([key]) => !allowed.has(key))) return fail(`${shape}; unexpected keys`);
  const file = new Map(entries);
  const name = file.get('name');
  const path = file.get('path');
  const url = file.get('url');
  const size = file.get('size');
  const contentType = file.get('content_type');
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_FILE_NAME) return fail(shape);
  if (path === undefined && url === undefined) return fail('must say where the file is stored (path or url)');
  if (path !== undefined) {
    // Storage paths are resolved under the tenant's folder; refuse anything that could climb out of it.
    if (typeof path !== 'string' || path === '' || path.length > 1024 || path.startsWith('/') || path.split('/').includes('..')) {
      return fail('has an invalid storage path');
    }
  }
  if (url !== undefined && (typeof url !== 'string' || url.length > 2048 || !isHttpUrl(url))) {
    return fail('has an invalid file url');
  }
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
    return fail('has an invalid file size');
  }
  if (contentType !== undefined && (typeof contentType !== 'string' || contentType.length > 255)) {
    return fail('has an invalid content type');
  }
  const result: Record<string, unknown> = { name };
  if (path !== undefined) result.path = path;
  if (url !== undefined) result.url = url;
  if (size !== undefined) result.size = size;
  if (contentType !== undefined) result.content_type = contentType;
  return { ok: true, value: result };
}
