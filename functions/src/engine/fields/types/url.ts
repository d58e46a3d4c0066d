import { defineTextLikeType } from './define-text-like-type.js';
import { isHttpUrl } from './field-value-core.js';

export const urlFieldType = defineTextLikeType({
  type: 'url',
  defaultMaxLength: 2_048,
  searchableByDefault: false,
  format: (value) => (isHttpUrl(value) ? undefined : 'url'),
  demo: { order: 4, value: (_field, kit) => kit.website() },
});
