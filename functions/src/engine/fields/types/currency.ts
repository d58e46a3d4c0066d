import { defineNumberType } from './define-number-type.js';
import { CurrencyOptionsSchema } from './field-options.js';
import { optionsRecord, stringOr } from './option-inputs.js';

/** ISO 4217 code of a currency field; USD when the template does not say. */
export function currencyCodeOf(options: unknown): string {
  if (options !== null && typeof options === 'object' && !Array.isArray(options) && 'currency' in options) {
    const { currency } = options as { currency: unknown };
    if (typeof currency === 'string') return currency;
  }
  return 'USD';
}

export const currencyFieldType = defineNumberType({
  type: 'currency',
  cents: true,
  // After the numbers and choices a price may depend on; amounts up to 5,000 within the field's rules.
  demo: {
    order: 3,
    value(field, kit) {
      const min = field.validation?.min ?? 0;
      return kit.amount(Math.max(min, 50), Math.min(field.validation?.max ?? 5_000, 5_000), 5);
    },
  },
  options: {
    schema: CurrencyOptionsSchema,
    required: false,
    check: (options) =>
      options !== undefined && (Array.isArray(options) || typeof options !== 'object' || options === null || !('currency' in options))
        ? 'options of a currency field must be { "currency": "USD" }'
        : undefined,
    form: {
      editor: 'currency',
      // Stored amounts are in this currency; a new code would relabel them, not convert them.
      editable: false,
      toOptions: (inputs) => ({ currency: inputs.currency.trim().toUpperCase() }),
      toInputs: (options) => ({ currency: stringOr(optionsRecord(options).currency, 'USD') }),
      inputForIssue: () => 'currency',
    },
  },
  display: (field, value, ctx) => (typeof value === 'number' ? ctx.formatCurrency(value, currencyCodeOf(field.options)) : String(value)),
});
