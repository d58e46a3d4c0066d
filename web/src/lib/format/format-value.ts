import { format, parseISO, isValid } from 'date-fns';
import { enUS, es } from 'date-fns/locale';
import type { FieldDefinition } from '@crm/engine/fields/field-definition.js';
import { currencyCodeFor, optionLabel } from '@crm/engine/fields/field-definition.js';

type FieldLike = Pick<FieldDefinition, 'type' | 'options' | 'key'>;

const DATE_LOCALES = { en: enUS, es } as const;

function dateLocale(language: string) {
  return language.startsWith('es') ? DATE_LOCALES.es : DATE_LOCALES.en;
}

export function formatDate(value: string, language: string): string {
  // Dates are calendar days: parse as local midnight so no time zone shifts the day.
  const date = parseISO(value);
  return isValid(date) ? format(date, 'PP', { locale: dateLocale(language) }) : value;
}

export function formatDateTime(value: string, language: string): string {
  const date = parseISO(value);
  return isValid(date) ? format(date, 'PPp', { locale: dateLocale(language) }) : value;
}

/** Building an Intl formatter costs far more than using one; tables format thousands of cells. */
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: string, currency: string | null): Intl.NumberFormat {
  const key = `${language}|${currency ?? ''}`;
  let formatter = numberFormats.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(language, currency ? { style: 'currency', currency } : { maximumFractionDigits: 6 });
    numberFormats.set(key, formatter);
  }
  return formatter;
}

export function formatNumber(value: number, language: string): string {
  return numberFormat(language, null).format(value);
}

export function formatCurrency(value: number, currency: string, language: string): string {
  try {
    return numberFormat(language, currency).format(value);
  } catch {
    // An unknown ISO code must not break the whole table.
    return `${formatNumber(value, language)} ${currency}`;
  }
}

/**
 * A record value as text for tables, cards and the detail view.
 * `relatedDisplay` is the denormalized name the server keeps for relationship values.
 */
export function formatFieldValue(
  field: FieldLike,
  value: unknown,
  language: string,
  relatedDisplay?: string | null,
  yesNo: { yes: string; no: string } = { yes: 'Yes', no: 'No' },
): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? formatNumber(value, language) : String(value);
    case 'currency':
      return typeof value === 'number' ? formatCurrency(value, currencyCodeFor(field), language) : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value, language) : String(value);
    case 'datetime':
      return typeof value === 'string' ? formatDateTime(value, language) : String(value);
    case 'checkbox':
      return value === true ? yesNo.yes : yesNo.no;
    case 'select':
      return typeof value === 'string' ? choiceLabel(field, value, language) : String(value);
    case 'multi_select':
      return Array.isArray(value) ? value.map((item) => choiceLabel(field, String(item), language)).join(', ') : String(value);
    case 'relationship':
      return relatedDisplay ?? String(value);
    case 'file':
      return typeof value === 'object' && value !== null && 'name' in value ? String((value as { name: unknown }).name) : '';
    default:
      return String(value);
  }
}

export function choiceLabel(field: Pick<FieldDefinition, 'options'>, value: string, language: string): string {
  if (!Array.isArray(field.options)) return value;
  const option = field.options.find((candidate) => (typeof candidate === 'string' ? candidate : candidate.value) === value);
  return option === undefined ? value : optionLabel(option, language);
}
