import { defineNumberType } from './define-number-type.js';

export const numberFieldType = defineNumberType({
  type: 'number',
  cents: false,
  display: (_field, value, ctx) => (typeof value === 'number' ? ctx.formatNumber(value) : String(value)),
});
