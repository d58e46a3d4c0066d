import { NO_DEMO_VALUE } from './field-type-demo.js';
import { RollupOptionsSchema } from '../../rollups/rollup-definition.js';
import { PLAIN_TRAITS, plainToCell, textFromCell, type FieldTypeModule } from './field-type-module.js';
import { ROLLUP_OPTIONS_FORM } from './rollup-options-form.js';

/**
 * A roll-up: count, sum, min, max or average of a field over the records
 * that point at this one (engine/rollups, kept by services/rollups). Computed:
 * the server writes it, a user never does. Its stored value is a number, a
 * currency amount or a date (`options.result`), whose module then indexes,
 * filters and shows it.
 */
export const rollupFieldType: FieldTypeModule<'rollup'> = {
  type: 'rollup',
  // Indexable through what it stores (storedAs), like a formula: not a type of its own in "which types can be indexed".
  traits: { ...PLAIN_TRAITS, valueKind: 'number', canBeUnique: false, computed: true },
  demo: NO_DEMO_VALUE,
  options: {
    schema: RollupOptionsSchema,
    required: true,
    check: (options) => {
      const parsed = RollupOptionsSchema.safeParse(options);
      if (parsed.success) return undefined;
      const issue = parsed.error.issues[0];
      return `a roll-up field needs options { relationship: { module, field }, aggregate, field?, filter?, result? }: ${issue ? `${issue.path.join('.') || 'options'} ${issue.message}` : 'invalid'}`;
    },
    form: ROLLUP_OPTIONS_FORM,
  },
  checkValue: (_field, _value, fail) => fail('computed'),
  emptyValue: () => null,
  facetValue: (_field, value) => (typeof value === 'number' ? String(value) : typeof value === 'string' ? value : null),
  filterOperators: ['eq', 'gte', 'lte', 'gt', 'lt'],
  parseFilterInput(text) {
    const number = Number(text.trim());
    return text.trim() === '' ? null : Number.isFinite(number) ? number : text.trim();
  },
  toWire: () => undefined,
  toForm: (value) => (value === null || value === undefined ? '' : String(value)),
  display: (_field, value) => String(value),
  fromCell: textFromCell,
  toCell: plainToCell,
  storedAs(field) {
    const parsed = RollupOptionsSchema.safeParse(field.options);
    return parsed.success ? (parsed.data.result ?? 'number') : 'number';
  },
};
