import { resolveLabel } from '../../template/localized-text.js';
import type { LocalizedText } from '../../template/localized-text.js';
import { FIELD_VALUE_MESSAGES, fieldValueMessageKey, type FieldValueReason, type MessageParams } from '../field-value-messages.js';

/**
 * The value primitives every field type module builds on. They live here, not
 * in check-field-value.ts, so type modules and the registry import no file that
 * imports them back (ESM cycles would hand a module an undefined binding).
 */

/**
 * A refusal carries the English sentence (logs, API users) and the same thing
 * as a message key with parameters, so the SPA can say it in the user's
 * language; `params.field` is the field's English label.
 */
export type FieldValueFailure = { ok: false; message: string; messageKey: string; params: MessageParams };
export type FieldValueResult = { ok: true; value: unknown } | FieldValueFailure;
export type Fail = (reason: FieldValueReason, params?: MessageParams) => FieldValueFailure;

/** Builds a refusal for one field: `"Email" must be an email address…` plus its key. */
export function fieldValueFailure(
  field: { key: string; label: LocalizedText },
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

export function isEmptyValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_PATTERN =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const MAX_ABS_NUMBER = 1e15;

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

export function listForMessage(values: readonly string[]): string {
  const shown = values.slice(0, 12).join(', ');
  return values.length > 12 ? `${shown}, …` : shown;
}
