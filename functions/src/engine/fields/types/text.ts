import { defineTextLikeType } from './define-text-like-type.js';

/** Codes look like codes, names like the persona's name; other optional texts stay empty in demo data. */
const CODE_KEY = /(_id|_number|_no|code|sku|reference)$/;

export const textFieldType = defineTextLikeType({
  type: 'text',
  defaultMaxLength: 1_000,
  searchableByDefault: true,
  demo: {
    order: 4,
    value(field, kit) {
      if (CODE_KEY.test(field.key)) return `${field.key.slice(0, 3).toUpperCase()}-${String(1001 + kit.index)}`;
      if (/name/.test(field.key)) return kit.personName();
      return field.required ? `${kit.label} ${kit.index + 1}` : undefined;
    },
  },
});
