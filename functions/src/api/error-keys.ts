/**
 * What the SPA needs to translate errors: every error code (each has a
 * default key `errors.<code>`) and every field-value reason (`validation.<reason>`).
 * A web test checks both dictionaries hold all of them.
 */
export { CRM_ERROR_CODES, defaultMessageKey } from '../services/errors.js';
export { FIELD_VALUE_MESSAGES } from '../engine/fields/field-value-messages.js';
