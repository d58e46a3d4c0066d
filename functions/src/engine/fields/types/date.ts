import { isCalendarDate } from './field-value-core.js';
import { parseCellDate } from './cell-values.js';
import { NO_OPTIONS, PLAIN_TRAITS, textInputToWire, trimmedFilterText, valueToTextInput, type FieldTypeModule } from './field-type-module.js';

/** A calendar day (YYYY-MM-DD): no time zone ever shifts it. */
export const dateFieldType: FieldTypeModule<'date'> = {
  type: 'date',
  traits: { ...PLAIN_TRAITS, valueKind: 'date', indexable: true },
  demo: { order: 2, value: (_field, kit) => kit.isoDateFromNow(kit.int(-90, 30)) },
  options: NO_OPTIONS,
  checkValue: (_field, value, fail) => (typeof value === 'string' && isCalendarDate(value) ? { ok: true, value } : fail('date')),
  emptyValue: () => null,
  facetValue: (_field, value) => (typeof value === 'string' ? value : null),
  filterOperators: ['eq', 'gte', 'lte', 'gt', 'lt'],
  parseFilterInput: (text) => trimmedFilterText(text),
  toWire: textInputToWire,
  toForm: valueToTextInput,
  display: (_field, value, ctx) => (typeof value === 'string' ? ctx.formatDate(value) : String(value)),
  fromCell: (_field, text) => parseCellDate(text) ?? text,
  // A calendar day reads the same everywhere: ISO either way.
  toCell: (_field, value) => String(value),
};
