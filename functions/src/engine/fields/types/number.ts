import { defineNumberType } from './define-number-type.js';

export const numberFieldType = defineNumberType({
  type: 'number',
  cents: false,
  demo: {
    order: 2,
    value(field, kit) {
      const min = field.validation?.min ?? 0;
      const max = field.validation?.max ?? Math.max(min + 100, 100);
      return kit.int(Math.ceil(min), Math.floor(max));
    },
  },
  display: (_field, value, ctx) => (typeof value === 'number' ? ctx.formatNumber(value) : String(value)),
});
