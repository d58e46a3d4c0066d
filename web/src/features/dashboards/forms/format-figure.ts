import { format, isValid, parseISO } from 'date-fns';
import { enUS, es } from 'date-fns/locale';
import type { TModuleConfigView } from '@crm/api';
import { currencyCodeFor } from '@crm/engine/fields/field-definition.js';
import { formatCurrency, formatNumber } from '../../../lib/format/format-value';

type Field = TModuleConfigView['fields'][number];

/**
 * A dashboard figure as text: counts as whole numbers, money in the field's
 * currency, averages to two decimals. `scale` is the largest figure the same
 * widget shows (default: this one), so every amount in a widget gets the same
 * precision — never "$606,500" beside "$27,000.00".
 */
export function formatFigure(value: number | null, options: { aggregation: string; field: Field | undefined; language: string; scale?: number }): string {
  if (value === null) return '—';
  const { aggregation, field, language } = options;
  if (aggregation === 'count') return formatNumber(Math.round(value), language);
  const rounded = aggregation === 'avg' ? Math.round(value * 100) / 100 : value;
  if (field?.type === 'currency') {
    // Cents do not help at a glance once a figure runs into six digits, and they make it too wide for a card.
    if (Math.abs(options.scale ?? rounded) >= 100_000) return wholeCurrency(rounded, currencyCodeFor(field), language);
    return formatCurrency(rounded, currencyCodeFor(field), language);
  }
  return formatNumber(rounded, language);
}

function wholeCurrency(value: number, currency: string, language: string): string {
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(value);
  } catch {
    return formatCurrency(value, currency, language);
  }
}

/** Short money/number text for axes: 12.5K, 3.1M. */
export function formatCompact(value: number, language: string): string {
  return new Intl.NumberFormat(language, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A date bucket key ("2026-03-02" for a day or week, "2026-03" for a month) as a short label. */
export function formatBucket(key: string, groupBy: string, language: string): string {
  const locale = language.startsWith('es') ? es : enUS;
  if (groupBy === 'month') {
    const date = parseISO(`${key}-01`);
    return isValid(date) ? format(date, 'MMM yyyy', { locale }) : key;
  }
  if (groupBy === 'day' || groupBy === 'week') {
    const date = parseISO(key);
    return isValid(date) ? format(date, groupBy === 'day' ? 'EEE d' : 'd MMM', { locale }) : key;
  }
  return key;
}

/** "+12.5%" / "−3" for a metric's change against the previous period. */
export function formatChange(change: number, percent: number | null, language: string): string {
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  if (percent !== null) return `${sign}${formatNumber(Math.round(Math.abs(percent) * 10) / 10, language)}%`;
  return `${sign}${formatNumber(Math.abs(Math.round(change * 100) / 100), language)}`;
}

/** The `scale` for `formatFigure`: the largest absolute figure among those a widget shows together. */
export function figureScale(values: ReadonlyArray<number | null>): number {
  return values.reduce<number>((most, value) => (value === null ? most : Math.max(most, Math.abs(value))), 0);
}
