import { listForMessage } from './field-value-core.js';
import { optionValuesOf } from './field-options.js';
import { choiceLabel, choiceOptionsSpec } from './choice-options.js';
import { matchCellOption } from './cell-values.js';
import { PLAIN_TRAITS, textInputToWire, trimmedFilterText, valueToTextInput, type FieldTypeModule } from './field-type-module.js';

export const selectFieldType: FieldTypeModule<'select'> = {
  type: 'select',
  traits: { ...PLAIN_TRAITS, valueKind: 'choice', dimension: true },
  demo: {
    order: 1,
    value(field, kit) {
      const options = optionValuesOf(field.options);
      return options.length > 0 ? kit.pickWeighted(options) : undefined;
    },
  },
  options: choiceOptionsSpec('select'),
  checkValue(field, value, fail) {
    const allowed = optionValuesOf(field.options);
    if (typeof value !== 'string' || !allowed.includes(value)) return fail('oneOf', { choices: listForMessage(allowed) });
    return { ok: true, value };
  },
  emptyValue: () => null,
  facetValue: (_field, value) => (typeof value === 'string' ? value : null),
  filterOperators: ['eq'],
  parseFilterInput: (text) => trimmedFilterText(text),
  toWire: textInputToWire,
  toForm: valueToTextInput,
  display: (field, value, ctx) => (typeof value === 'string' ? choiceLabel(field.options, value, ctx.language) : String(value)),
  fromCell: (field, text) => matchCellOption(field.options, text) ?? text,
  toCell: (field, value, ctx) => (ctx.formatted ? choiceLabel(field.options, String(value), ctx.language) : String(value)),
};
