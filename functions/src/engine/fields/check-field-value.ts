import type { FieldDefinition } from './field-definition.js';
import type { MessageParams } from './field-value-messages.js';
import type { FieldValueReason } from './field-value-messages.js';
import { fieldValueFailure, isEmptyValue, type FieldValueResult } from './types/field-value-core.js';
import { fieldTypeModule } from './types/registry.js';
import { emailFieldType } from './types/email.js';
import { phoneFieldType } from './types/phone.js';
import { textFieldType } from './types/text.js';
import { textareaFieldType } from './types/textarea.js';
import { urlFieldType } from './types/url.js';

/**
 * The value check every write path runs. The rules of each type live in its
 * module (engine/fields/types/); this file keeps the entry points callers
 * have always used.
 */
export {
  fieldValueFailure,
  isCalendarDate,
  isEmptyValue,
  isHttpUrl,
  normalizeDateTime,
  RECORD_ID_PATTERN,
  type FieldValueFailure,
  type FieldValueResult,
} from './types/field-value-core.js';

/** The parts of a field definition that decide whether a value is acceptable. */
export type FieldValueSpec = Pick<FieldDefinition, 'key' | 'label' | 'type' | 'required' | 'options' | 'validation'>;

/** Default caps keep a single record far below Firestore's 1 MiB document limit. */
export const DEFAULT_MAX_LENGTH = {
  text: textFieldType.defaultMaxLength,
  textarea: textareaFieldType.defaultMaxLength,
  email: emailFieldType.defaultMaxLength,
  phone: phoneFieldType.defaultMaxLength,
  url: urlFieldType.defaultMaxLength,
} as const;

/**
 * Checks and normalizes one value for one field. Empty values ('' / null /
 * empty list) mean "no value": refused when the field is required, otherwise
 * returned as null (or [] for multi_select) so forms can send blank inputs.
 */
export function checkFieldValue(field: FieldValueSpec, value: unknown): FieldValueResult {
  const fail = (reason: FieldValueReason, params?: MessageParams) => fieldValueFailure(field, reason, params);
  const module = fieldTypeModule(field.type);
  if (isEmptyValue(value)) {
    if (field.required) return fail('required');
    return { ok: true, value: module.emptyValue(value) };
  }
  return module.checkValue(field, value, fail);
}
