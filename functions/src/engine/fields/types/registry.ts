import { checkboxFieldType } from './checkbox.js';
import { currencyFieldType } from './currency.js';
import { dateFieldType } from './date.js';
import { datetimeFieldType } from './datetime.js';
import { emailFieldType } from './email.js';
import { fileFieldType } from './file.js';
import { formulaFieldType, FormulaOptionsSchema } from './formula.js';
import { CurrencyOptionsSchema, RelationshipOptionsSchema, SelectOptionsSchema } from './field-options.js';
import type { CellContext, CellValue, FieldTypeModule, TypedField } from './field-type-module.js';
import { multiSelectFieldType } from './multi-select.js';
import { numberFieldType } from './number.js';
import { phoneFieldType } from './phone.js';
import { relationshipFieldType } from './relationship.js';
import { rollupFieldType } from './rollup.js';
import { RollupOptionsSchema } from '../../rollups/rollup-definition.js';
import { selectFieldType } from './select.js';
import { textFieldType } from './text.js';
import { textareaFieldType } from './textarea.js';
import { urlFieldType } from './url.js';

/**
 * Every field type, in the order editors list them. Adding a type: write its
 * module (see field-type-module.ts) and add it here; if it brings a new option
 * shape, add the schema to FIELD_OPTION_SCHEMAS too.
 */
export const FIELD_TYPE_MODULES = [
  textFieldType,
  textareaFieldType,
  numberFieldType,
  currencyFieldType,
  dateFieldType,
  datetimeFieldType,
  selectFieldType,
  multiSelectFieldType,
  checkboxFieldType,
  emailFieldType,
  phoneFieldType,
  urlFieldType,
  relationshipFieldType,
  fileFieldType,
  formulaFieldType,
  rollupFieldType,
] as const;

export type FieldType = (typeof FIELD_TYPE_MODULES)[number]['type'];

export const FIELD_TYPES = FIELD_TYPE_MODULES.map((module) => module.type) as unknown as readonly [FieldType, ...FieldType[]];

/** The option shapes of all types, for the field schema's `options` union (order: most specific first). */
export const FIELD_OPTION_SCHEMAS = [SelectOptionsSchema, RelationshipOptionsSchema, CurrencyOptionsSchema, FormulaOptionsSchema, RollupOptionsSchema] as const;

const BY_TYPE: ReadonlyMap<string, FieldTypeModule> = new Map(FIELD_TYPE_MODULES.map((module) => [module.type, module]));

export function isFieldType(type: string): type is FieldType {
  return BY_TYPE.has(type);
}

/** The module of a known type. Parsed definitions always have one; a draft's unknown type throws. */
export function fieldTypeModule(type: string): FieldTypeModule {
  const module = BY_TYPE.get(type);
  if (module === undefined) throw new Error(`unknown field type "${type}"`);
  return module;
}

/** Types whose traits match, in registry order (e.g. every indexable type, for messages and editors). */
export function fieldTypesWhere(predicate: (module: FieldTypeModule) => boolean): FieldType[] {
  return FIELD_TYPE_MODULES.filter((module) => predicate(module)).map((module) => module.type);
}

/**
 * The module that handles a field's stored value: its own, or for a computed
 * type (formula) the module of the type it stores. Indexing, filtering,
 * display, sorting and conditions go through this.
 */
export function storedValueModule(field: { type: string; options?: unknown }): FieldTypeModule {
  const module = fieldTypeModule(field.type);
  const stored = module.storedAs?.(field as Parameters<NonNullable<FieldTypeModule['storedAs']>>[0]);
  return stored === undefined ? module : fieldTypeModule(stored);
}

/** The type a field's stored value has (its own type, or a formula's result type). */
export function storedValueType(field: { type: string; options?: unknown }): FieldType {
  return storedValueModule(field).type as FieldType;
}

/** One spreadsheet cell → the value a form would send for the field (null for an empty cell); the value check judges it. */
export function cellToValue(field: TypedField, raw: string): unknown {
  const text = raw.trim();
  return text === '' ? null : fieldTypeModule(field.type).fromCell(field, text);
}

/** A stored value → one export cell (null when empty); a computed field's value is written as the type it stores. */
export function valueToCell(field: TypedField, value: unknown, ctx: CellContext): CellValue | null {
  if (value === undefined || value === null) return null;
  return storedValueModule(field).toCell(field, value, ctx);
}
