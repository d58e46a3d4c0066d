import { parseCellBoolean } from './cell-values.js';
import { NO_OPTIONS, PLAIN_TRAITS, type FieldTypeModule } from './field-type-module.js';

export const checkboxFieldType: FieldTypeModule<'checkbox'> = {
  type: 'checkbox',
  traits: { ...PLAIN_TRAITS, valueKind: 'boolean', dimension: true, canBeUnique: false },
  demo: { order: 1, value: (_field, kit) => kit.chance(0.4) },
  options: NO_OPTIONS,
  checkValue: (_field, value, fail) => (typeof value === 'boolean' ? { ok: true, value } : fail('boolean')),
  emptyValue: () => null,
  facetValue: (_field, value) => (value === true ? 'true' : 'false'),
  filterOperators: ['eq'],
  parseFilterInput: (text) => (text.trim() === '' ? null : text.trim() === 'true'),
  toWire: (input) => input === true,
  toForm: (value) => value === true,
  display: (_field, value, ctx) => (value === true ? ctx.yesNo.yes : ctx.yesNo.no),
  fromCell: (_field, text) => parseCellBoolean(text) ?? text,
  toCell: (_field, value, ctx) => (ctx.formatted ? (value === true ? ctx.yesNo.yes : ctx.yesNo.no) : value === true),
};
