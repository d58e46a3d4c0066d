import { defineTextLikeType } from './define-text-like-type.js';

export const textareaFieldType = defineTextLikeType({
  type: 'textarea',
  defaultMaxLength: 10_000,
  searchableByDefault: true,
  facet: false,
  demo: { order: 4, value: (field, kit) => (field.required ? `${kit.label} for ${kit.personName()}` : undefined) },
});
