import type { z } from 'zod';
import type { LocalizedText } from '../../template/localized-text.js';
import type { ValidationRules } from '../field-definition.js';
import type { Fail, FieldValueResult } from './field-value-core.js';
import type { FieldTypeOptionsForm } from './option-inputs.js';
import type { FieldTypeDemo } from './field-type-demo.js';

/**
 * One field type = one module implementing this interface (modelled on
 * twenty's `*.composite-type.ts`). Everything that depends on a field's type
 * (value checks, list tokens, filters, form conversion, display) asks the
 * module through the registry (`registry.ts`), so a new type is one file plus
 * one line there.
 */

/** The field as the type modules see it (a parsed definition, or a form's draft). */
export interface TypedField {
  readonly key: string;
  readonly label: LocalizedText;
  readonly type: string;
  readonly required?: boolean;
  readonly options?: unknown;
  readonly validation?: ValidationRules;
}

/** Operators a list filter offers on a field (the server's list planner accepts the same). */
export type FilterOperator = 'contains' | 'eq' | 'gte' | 'lte' | 'gt' | 'lt';

/** What a form input holds (the browser's representation). */
export type FormInputValue = string | string[] | boolean | Record<string, unknown> | null;

/**
 * Locale-dependent conversions the engine cannot do itself (it imports only
 * zod): the SPA passes its own (date-fns, Intl) in.
 */
export interface FormConversionContext {
  readonly locale: string;
  /** "12,500" (en) / "12.500" (es) → 12500; null when unparseable. */
  parseNumber(input: string): number | null;
  formatNumberForInput(value: number): string;
  /** A `datetime-local` wall-clock string → ISO UTC; null when unparseable. */
  localDateTimeToIso(input: string): string | null;
  /** ISO → `YYYY-MM-DDTHH:mm` in the user's zone; null when unparseable. */
  isoToLocalDateTime(value: string): string | null;
}

export interface DisplayContext {
  readonly language: string;
  /** The denormalized name the server keeps for a relationship value. */
  readonly relatedDisplay?: string | null;
  readonly yesNo: { yes: string; no: string };
  formatNumber(value: number): string;
  formatCurrency(value: number, currency: string): string;
  formatDate(value: string): string;
  formatDateTime(value: string): string;
}

/** What an export needs to write a value as a cell. */
export interface CellContext {
  /** What a person reads (option labels, related display values, wall time); false: what the CRM stores, as an import takes it back. */
  readonly formatted: boolean;
  readonly language: string;
  /** IANA zone that instants are shown in. */
  readonly zone: string;
  readonly yesNo: { yes: string; no: string };
  /** The related record's display value (relationships). */
  readonly relatedDisplay?: string | null;
}

export type CellValue = string | number | boolean;

/** How a stored value orders and aggregates: decides index slots, date buckets and comparison operators. */
export type ValueKind = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'choice' | 'choices' | 'reference' | 'file';

export interface FieldTypeTraits {
  readonly valueKind: ValueKind;
  /** Takes min_length / max_length / pattern rules. */
  readonly textRules: boolean;
  /** Takes min / max rules. */
  readonly numberRules: boolean;
  /** An index slot can hold and order its values (dashboard sums, sorting across pages). */
  readonly indexable: boolean;
  /** Search tokens are built from it unless the template says otherwise. */
  readonly searchableByDefault: boolean;
  readonly canBeUnique: boolean;
  /** Equality facets (`module|f:key=value`) are built for it. */
  readonly facet: boolean;
  /** Few-valued: its facets also scope date buckets (dashboard filters and groups). */
  readonly dimension: boolean;
  /** Written by the server, never by a user (formulas). */
  readonly computed: boolean;
}

export interface FieldTypeOptionsSpec {
  /** The option shape this type uses; undefined when the type takes none. */
  readonly schema?: z.ZodType;
  readonly required: boolean;
  /** Why `options` do not fit, when the shape is wrong for this type; undefined when fine. */
  check(options: unknown): string | undefined;
  /** How the field editor shows and builds these options; absent when the type takes none. */
  readonly form?: FieldTypeOptionsForm;
}

export interface FieldTypeModule<T extends string = string> {
  readonly type: T;
  readonly traits: FieldTypeTraits;
  readonly options: FieldTypeOptionsSpec;
  /** Checks and normalizes a non-empty value (emptiness and `required` are handled before). */
  checkValue(field: TypedField, value: unknown, fail: Fail): FieldValueResult;
  /** What "no value" is stored as. */
  emptyValue(value: unknown): unknown;
  /** The facet form of one scalar value; equality filters normalize the same way. */
  facetValue(field: TypedField, value: unknown, maxLength: number): string | null;
  readonly filterOperators: readonly FilterOperator[];
  /** A list filter's typed-in text → the value the server compares with; null when not usable yet. */
  parseFilterInput(text: string, ctx: Pick<FormConversionContext, 'localDateTimeToIso'>): string | number | boolean | null;
  /** Input value → wire value; anything unparseable goes through as-is so the value check names the problem. */
  toWire(input: unknown, ctx: FormConversionContext): unknown;
  /** Wire value → input value (edit forms, defaults). */
  toForm(value: unknown, ctx: FormConversionContext): FormInputValue;
  /** How demo data (runtime/demo) makes a plausible value of this type when no rule knows the field's key. */
  readonly demo: FieldTypeDemo;
  /** A non-empty stored value as text for tables, cards and the detail view. */
  display(field: Pick<TypedField, 'key' | 'type' | 'options'>, value: unknown, ctx: DisplayContext): string;
  /**
   * One spreadsheet cell (trimmed, not empty) → the value a form would send.
   * What it cannot read goes on unchanged, so the value check names the
   * problem. (Relationship cells are resolved against the store by the import job.)
   */
  fromCell(field: TypedField, text: string): unknown;
  /** A non-empty stored value → one export cell. */
  toCell(field: TypedField, value: unknown, ctx: CellContext): CellValue;
  /**
   * For computed types whose stored value is of another type (a formula's
   * result type): that type, whose module then indexes, filters and shows the
   * value. Absent for types that store their own values.
   */
  storedAs?(field: TypedField): string;
}

/** Defaults most types share; a module spreads them and overrides what differs. */
export const PLAIN_TRAITS: FieldTypeTraits = {
  valueKind: 'text',
  textRules: false,
  numberRules: false,
  indexable: false,
  searchableByDefault: false,
  canBeUnique: true,
  facet: true,
  dimension: false,
  computed: false,
};

export const NO_OPTIONS: FieldTypeOptionsSpec = {
  required: false,
  check: () => undefined,
};

/** A cell taken as the text it holds. */
export const textFromCell = (_field: TypedField, text: string): unknown => text;

/** A value written as its text (structured values as JSON). */
export const plainToCell = (_field: TypedField, value: unknown): CellValue => (typeof value === 'string' ? value : JSON.stringify(value));

export function textInputToWire(input: unknown): unknown {
  return typeof input === 'string' && input.trim() === '' ? null : input;
}

export function valueToTextInput(value: unknown): FormInputValue {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

export function lowerCaseFacet(value: unknown, maxLength: number): string | null {
  return typeof value === 'string' ? value.trim().toLowerCase().slice(0, maxLength) : null;
}

export function trimmedFilterText(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}
