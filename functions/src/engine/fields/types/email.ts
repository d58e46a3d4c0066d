import { defineTextLikeType } from './define-text-like-type.js';

const EMAIL_PATTERN = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]{2,}$/;

export const emailFieldType = defineTextLikeType({
  type: 'email',
  // RFC 5321's limit on a forward path.
  defaultMaxLength: 254,
  searchableByDefault: true,
  format: (value) => (EMAIL_PATTERN.test(value) ? undefined : 'email'),
  demo: { order: 4, value: (_field, kit) => kit.personEmail() },
});
