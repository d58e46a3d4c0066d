import { listForMessage } from './field-value-core.js';
import { optionValuesOf } from './field-options.js';
import { choiceLabel, choiceOptionsSpec } from './choice-options.js';
import { matchCellOption } from './cell-values.js';
import { PLAIN_TRAITS, trimmedFilterText, type FieldTypeModule } from './field-type-module.js';

/** A list of distinct choices; "no value" is the empty list, and each choice is its own facet. */
export const multiSelectFieldType: FieldTypeModule<'multi_select'> = {
  type: 'multi_select',
  traits: { ...PLAIN_TRAITS, valueKind: 'choices', dimension: true, canBeUnique: false },
  demo: {
    order: 1,
    value(field, kit) {
      const options = optionValuesOf(field.options);
      return options.length > 0 ? kit.sample(options, kit.int(1, Math.min(2, options.length))) : undefined;
    },
  },
  options: choiceOptionsSpec('multi_select'),
  checkValue(field, value, fail) {
    const allowed = optionValuesOf(field.options);
    if (!Array.isArray(value)) return fail('notList');
    const seen = new Set<string>();
    for (const item of value) {
      if (typeof item !== 'string' || !allowed.includes(item)) return fail('onlyChoices', { choices: listForMessage(allowed) });
      if (seen.has(item)) return fail('duplicateChoice', { value: item });
      seen.add(item);
    }
    return { ok: true, value: [...value] };
  },
  emptyValue: (value) => (Array.isArray(value) ? [] : null),
  // Called per element: a record is in the facet of each choice it lists.
  facetValue: (_field, value, maxLength) => (typeof value === 'string' ? value.trim().toLowerCase().slice(0, maxLength) : null),
  filterOperators: ['eq'],
  parseFilterInput: (text) => trimmedFilterText(text),
  toWire: (input) => (Array.isArray(input) ? input : input === '' || input === null || input === undefined ? [] : input),
  toForm: (value) => (Array.isArray(value) ? value.map(String) : []),
  display: (field, value, ctx) =>
    Array.isArray(value) ? value.map((item) => choiceLabel(field.options, String(item), ctx.language)).join(', ') : String(value),
  // `;` first (a comma may sit inside a label), `,` when no `;` is present.
  fromCell: (field, text) =>
    (text.includes(';') ? text.split(';') : text.split(','))
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => matchCellOption(field.options, part) ?? part),
  toCell(field, value, ctx) {
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    return (ctx.formatted ? values.map((item) => choiceLabel(field.options, item, ctx.language)) : values).join('; ');
  },
};
