import { format, parseISO, isValid } from 'date-fns';
import { enUS, es } from 'date-fns/locale';
import type { FieldDefinition } from '@crm/engine/fields/field-definition.js';
import { optionLabel } from '@crm/engine/fields/field-definition.js';
import { storedValueModule } from '@crm/engine/fields/types/registry.js';

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
  // The field type's module decides (engine/fields/types); a formula shows its result type's way.
  return storedValueModule(field).display(field, value, {
    language,
    relatedDisplay,
    yesNo,
    formatNumber: (number) => formatNumber(number, language),
    formatCurrency: (number, currency) => formatCurrency(number, currency, language),
    formatDate: (date) => formatDate(date, language),
    formatDateTime: (date) => formatDateTime(date, language),
  });
}

export function choiceLabel(field: Pick<FieldDefinition, 'options'>, value: string, language: string): string {
  if (!Array.isArray(field.options)) return value;
  const option = field.options.find((candidate) => (typeof candidate === 'string' ? candidate : candidate.value) === value);
  return option === undefined ? value : optionLabel(option, language);
}
