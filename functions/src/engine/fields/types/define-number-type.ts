import { MAX_ABS_NUMBER } from './field-value-core.js';
import { parseCellNumber } from './cell-values.js';
import { NO_OPTIONS, PLAIN_TRAITS, type FieldTypeModule, type FieldTypeOptionsSpec, type TypedField } from './field-type-module.js';
import type { FieldTypeDemo } from './field-type-demo.js';

/** number and currency: same storage and rules; currency rounds to cents and displays with its code. */
export function defineNumberType<T extends string>({
  type,
  cents,
  options = NO_OPTIONS,
  display,
  demo,
}: {
  type: T;
  cents: boolean;
  options?: FieldTypeOptionsSpec;
  display: FieldTypeModule['display'];
  demo: FieldTypeDemo;
}): FieldTypeModule<T> {
  return {
    type,
    traits: { ...PLAIN_TRAITS, valueKind: 'number', numberRules: true, indexable: true },
    options,
    demo,
    checkValue(field: TypedField, value, fail) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('notNumber');
      if (Math.abs(value) > MAX_ABS_NUMBER) return fail('tooLarge');
      let result = value;
      if (cents) {
        const hundredths = value * 100;
        if (Math.abs(hundredths - Math.round(hundredths)) > 1e-6) return fail('currencyDecimals');
        // Store the exact 2-decimal amount, not binary noise like 0.30000000000000004.
        result = Math.round(hundredths) / 100;
      }
      const rules = field.validation ?? {};
      if (rules.min !== undefined && result < rules.min) return fail('min', { min: rules.min });
      if (rules.max !== undefined && result > rules.max) return fail('max', { max: rules.max });
      return { ok: true, value: result };
    },
    emptyValue: () => null,
    facetValue: (_field, value) => (typeof value === 'number' ? String(value) : null),
    filterOperators: ['eq', 'gte', 'lte', 'gt', 'lt'],
    parseFilterInput(text) {
      const trimmed = text.trim();
      if (trimmed === '') return null;
      const number = Number(trimmed);
      return Number.isFinite(number) ? number : null;
    },
    toWire(input, ctx) {
      if (typeof input !== 'string') return input;
      if (input.trim() === '') return null;
      return ctx.parseNumber(input) ?? input;
    },
    toForm: (value, ctx) => (typeof value === 'number' ? ctx.formatNumberForInput(value) : typeof value === 'string' ? value : ''),
    display,
    fromCell: (_field, text) => parseCellNumber(text) ?? text,
    toCell: (_field, value) => (typeof value === 'number' ? value : String(value)),
  };
}
