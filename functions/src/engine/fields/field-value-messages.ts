/**
 * Why a field value was refused, as a message key plus parameters, with the
 * English sentence built from the same entry. The server keeps the English
 * text for logs and API users; the SPA renders `validation.<reason>` in the
 * user's language with the same parameters (its `field` replaced by the
 * label in that language). Keys here and in the SPA's dictionaries are
 * compared by a test (`web/src/lib/i18n/messages-match.test.ts`).
 */
export type MessageParams = Readonly<Record<string, string | number>>;

export const FIELD_VALUE_MESSAGES = {
  required: () => 'is required',
  notText: () => 'must be text',
  maxLength: (p: MessageParams) => `must be at most ${p.max} characters`,
  minLength: (p: MessageParams) => `must be at least ${p.min} characters`,
  email: () => 'must be an email address like name@example.com',
  phone: () => 'must be a phone number like +1 555 010 9999 (7 to 20 digits)',
  url: () => 'must be a web address starting with http:// or https://',
  pattern: (p: MessageParams) => `must match the pattern ${p.pattern}`,
  notNumber: () => 'must be a number',
  tooLarge: () => 'is too large',
  currencyDecimals: () => 'must have at most 2 decimal places',
  min: (p: MessageParams) => `must be at least ${p.min}`,
  max: (p: MessageParams) => `must be at most ${p.max}`,
  date: () => 'must be a date like 2026-03-01',
  datetime: () => 'must be a date and time with a time zone, like 2026-03-01T10:00:00Z',
  oneOf: (p: MessageParams) => `must be one of: ${p.choices}`,
  notList: () => 'must be a list of choices',
  onlyChoices: (p: MessageParams) => `may only contain: ${p.choices}`,
  duplicateChoice: (p: MessageParams) => `lists "${p.value}" twice`,
  boolean: () => 'must be true or false',
  recordId: () => 'must be a record id',
  fileShape: () => 'must be a file like { "name": "scan.pdf", "path": "…" }',
  fileUnexpectedKeys: () => 'must be a file like { "name": "scan.pdf", "path": "…" }; unexpected keys',
  fileLocation: () => 'must say where the file is stored (path or url)',
  filePath: () => 'has an invalid storage path',
  fileUrl: () => 'has an invalid file url',
  fileSize: () => 'has an invalid file size',
  fileContentType: () => 'has an invalid content type',
  inactive: () => 'is no longer in use and cannot be written',
  unknownField: () => 'is not a field of this module',
  computed: () => 'is computed by the CRM and cannot be written',
} as const satisfies Record<string, (params: MessageParams) => string>;

export type FieldValueReason = keyof typeof FIELD_VALUE_MESSAGES;

/** The SPA's dictionary key for a reason. */
export function fieldValueMessageKey(reason: FieldValueReason): `validation.${FieldValueReason}` {
  return `validation.${reason}`;
}
