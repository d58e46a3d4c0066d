import { normalizeDateTime } from './field-value-core.js';
import { formatCellInstant, parseCellDateTime } from './cell-values.js';
import { NO_OPTIONS, PLAIN_TRAITS, type FieldTypeModule } from './field-type-module.js';

/** An instant, stored in UTC (`...Z`); inputs are the user's wall clock. */
export const datetimeFieldType: FieldTypeModule<'datetime'> = {
  type: 'datetime',
  traits: { ...PLAIN_TRAITS, valueKind: 'datetime', indexable: true },
  demo: { order: 2, value: (_field, kit) => kit.eventMoment() },
  options: NO_OPTIONS,
  checkValue(_field, value, fail) {
    const normalized = typeof value === 'string' ? normalizeDateTime(value) : undefined;
    return normalized === undefined ? fail('datetime') : { ok: true, value: normalized };
  },
  emptyValue: () => null,
  // Equality on a datetime means "on that (UTC) day".
  facetValue: (_field, value) => (typeof value === 'string' ? value.slice(0, 10) : null),
  filterOperators: ['eq', 'gte', 'lte', 'gt', 'lt'],
  parseFilterInput(text, ctx) {
    const trimmed = text.trim();
    return trimmed === '' ? null : ctx.localDateTimeToIso(trimmed);
  },
  toWire(input, ctx) {
    if (typeof input !== 'string') return input;
    if (input.trim() === '') return null;
    // `datetime-local` has no zone: it is the user's wall clock, so convert from local time.
    return ctx.localDateTimeToIso(input) ?? input;
  },
  toForm(value, ctx) {
    if (typeof value !== 'string' || value === '') return '';
    return ctx.isoToLocalDateTime(value) ?? value;
  },
  display: (_field, value, ctx) => (typeof value === 'string' ? ctx.formatDateTime(value) : String(value)),
  fromCell: (_field, text) => parseCellDateTime(text) ?? text,
  toCell: (_field, value, ctx) => (typeof value === 'string' && ctx.formatted ? formatCellInstant(value, ctx.zone) : String(value)),
};
