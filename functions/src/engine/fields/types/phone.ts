import { defineTextLikeType } from './define-text-like-type.js';

const PHONE_PATTERN = /^\+?[0-9\s\-()]+$/;

export const phoneFieldType = defineTextLikeType({
  type: 'phone',
  defaultMaxLength: 40,
  searchableByDefault: true,
  format: (value) => {
    const digits = value.replace(/\D/g, '').length;
    return PHONE_PATTERN.test(value) && digits >= 7 && digits <= 20 ? undefined : 'phone';
  },
  demo: { order: 4, value: (_field, kit) => kit.phone() },
});
