import { z } from 'zod';
import { LocalizedTextSchema, resolveLabel } from '../template/localized-text.js';
import type { LocalizedText } from '../template/localized-text.js';
import { SYSTEM_FIELD_KEYS } from './system-fields.js';
import { checkFieldValue } from './check-field-value.js';
import { MAX_PATTERN_LENGTH, tenantPatternProblem } from './tenant-pattern.js';
import { FIELD_OPTION_SCHEMAS, fieldTypeModule, fieldTypesWhere, storedValueModule, FIELD_TYPES, type FieldType } from './types/registry.js';
import { optionValuesOf, type RelationshipOptions } from './types/field-options.js';
import { currencyCodeOf } from './types/currency.js';

export { FIELD_TYPES, type FieldType } from './types/registry.js';

/** Types whose values are strings and take length / pattern rules. */
export const TEXT_LIKE_FIELD_TYPES: readonly FieldType[] = fieldTypesWhere((module) => module.traits.textRules);
export const NUMERIC_FIELD_TYPES: readonly FieldType[] = fieldTypesWhere((module) => module.traits.valueKind === 'number');
export const DATE_FIELD_TYPES: readonly FieldType[] = fieldTypesWhere(
  (module) => module.traits.valueKind === 'date' || module.traits.valueKind === 'datetime',
);
export const CHOICE_FIELD_TYPES: readonly FieldType[] = fieldTypesWhere(
  (module) => module.traits.valueKind === 'choice' || module.traits.valueKind === 'choices',
);
/** Types whose values an index slot can hold and order (numbers, ISO dates). */
export const INDEXABLE_FIELD_TYPES: readonly FieldType[] = fieldTypesWhere((module) => module.traits.indexable);

export const FIELD_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
/** Keys that would shadow record metadata or JavaScript object internals. */
export const RESERVED_FIELD_KEYS: readonly string[] = [...SYSTEM_FIELD_KEYS, 'constructor', 'prototype'];

export const FieldKeySchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
  .regex(FIELD_KEY_PATTERN, {
    error: 'must be lower snake_case: a letter, then letters, digits or "_" (at most 63 characters)',
  })
  .refine((key) => !RESERVED_FIELD_KEYS.includes(key), {
    error: (iss) => `"${String(iss.input)}" is reserved for record metadata; choose another key`,
  });

export {
  CURRENCY_CODE_PATTERN,
  CurrencyOptionsSchema,
  RelationshipOptionsSchema,
  SelectOptionSchema,
  SelectOptionsSchema,
  type CurrencyOptions,
  type RelationshipOptions,
  type SelectOption,
} from './types/field-options.js';

export const FieldOptionsSchema = z.union(FIELD_OPTION_SCHEMAS);
export type FieldOptions = z.infer<typeof FieldOptionsSchema>;

export const MAX_TEXT_LENGTH_LIMIT = 100_000;

export const ValidationRulesSchema = z
  .strictObject({
    min_length: z.number().int().min(0).max(MAX_TEXT_LENGTH_LIMIT).optional(),
    max_length: z.number().int().min(1).max(MAX_TEXT_LENGTH_LIMIT).optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    // Whether RE2 can run it is checked with the field (checkFieldDefinition), so the message can name the field.
    pattern: z.string().min(1).max(MAX_PATTERN_LENGTH).optional(),
  })
  .superRefine((rules, ctx) => {
    if (rules.min_length !== undefined && rules.max_length !== undefined && rules.min_length > rules.max_length) {
      ctx.addIssue({ code: 'custom', path: ['min_length'], message: 'min_length must not exceed max_length' });
    }
    if (rules.min !== undefined && rules.max !== undefined && rules.min > rules.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'min must not exceed max' });
    }
  });
export type ValidationRules = z.infer<typeof ValidationRulesSchema>;

const FieldTypeSchema = z.enum(FIELD_TYPES, {
  error: (iss) =>
    iss.input === undefined
      ? 'is required'
      : `unknown field type ${JSON.stringify(iss.input)}; expected one of: ${FIELD_TYPES.join(', ')}`,
});

/** The field object without cross-key checks, for composing request schemas. */
export const FieldDefinitionShape = z.strictObject({
  key: FieldKeySchema,
  label: LocalizedTextSchema,
  type: FieldTypeSchema,
  required: z.boolean().default(false),
  /** System fields come from the template and cannot be removed by a tenant. */
  system: z.boolean().default(false),
  searchable: z.boolean().optional(),
  unique: z.boolean().default(false),
  /** Deactivated custom fields keep their stored data but are hidden and refused on writes. */
  active: z.boolean().default(true),
  default: z.unknown().optional(),
  options: FieldOptionsSchema.optional(),
  validation: ValidationRulesSchema.optional(),
  help_text: LocalizedTextSchema.optional(),
  placeholder: LocalizedTextSchema.optional(),
  order: z.number().finite().optional(),
  /** Set on fields a tenant added on top of its template (the brief's field_overrides). */
  custom: z.boolean().optional(),
  /**
   * Mirrored into one of the module's fixed index slots (engine/template/index-slots.ts):
   * the field can then be summed, averaged, min/maxed in dashboards and sort lists across pages.
   */
  indexed: z.boolean().optional(),
});

export const FieldDefinitionSchema = FieldDefinitionShape.superRefine((field, ctx) => {
  checkFieldDefinition(field, ctx);
}).transform((field) => ({
  ...field,
  searchable: field.searchable ?? fieldTypeModule(field.type).traits.searchableByDefault,
}));

export type FieldDefinitionInput = z.input<typeof FieldDefinitionSchema>;
/** A parsed field: defaults applied, `searchable` always decided. */
export type FieldDefinition = z.output<typeof FieldDefinitionSchema>;

type FieldIssueContext = { addIssue: (issue: { code: 'custom'; path: PropertyKey[]; message: string }) => void };

function checkFieldDefinition(field: z.output<typeof FieldDefinitionShape>, ctx: FieldIssueContext): void {
  const { type, options } = field;
  let optionsOk = true;
  const fail = (path: PropertyKey[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };

  const module = fieldTypeModule(type);
  const optionsProblem =
    module.options.schema === undefined
      ? options === undefined
        ? undefined
        : `options are not used by ${type} fields`
      : module.options.check(options);
  if (optionsProblem !== undefined) {
    optionsOk = false;
    fail(['options'], optionsProblem);
  }

  const rules = field.validation;
  let rulesOk = true;
  if (rules) {
    if (!module.traits.textRules) {
      for (const rule of ['min_length', 'max_length', 'pattern'] as const) {
        if (rules[rule] !== undefined) {
          rulesOk = false;
          fail(['validation', rule], `${rule} only applies to text, textarea, email, phone and url fields`);
        }
      }
    }
    if (!module.traits.numberRules) {
      for (const rule of ['min', 'max'] as const) {
        if (rules[rule] !== undefined) {
          rulesOk = false;
          fail(['validation', rule], `${rule} only applies to number and currency fields`);
        }
      }
    }
  }

  if (rules?.pattern !== undefined && module.traits.textRules) {
    const problem = tenantPatternProblem(rules.pattern);
    if (problem) {
      rulesOk = false;
      fail(['validation', 'pattern'], `the pattern of field "${field.key}", "${rules.pattern}", ${problem}`);
    }
  }

  if (module.traits.computed) {
    // Computed values are written by the server: "required" and a default have no meaning for them.
    if (field.required) fail(['required'], `a ${type} field is computed; it cannot be required`);
    if (field.default !== undefined) fail(['default'], `a ${type} field is computed; it cannot have a default`);
  }

  // A formula is indexable when what it stores is (a number or a date).
  if (field.indexed === true && !(optionsOk ? storedValueModule(field) : module).traits.indexable) {
    fail(['indexed'], `only ${listWithAnd(INDEXABLE_FIELD_TYPES)} fields can be indexed; "${field.key}" is ${type}`);
  }

  if (field.unique && !module.traits.canBeUnique) {
    fail(['unique'], `${type} fields cannot be unique`);
  }

  // Only check the default once the field itself is coherent; otherwise the
  // message would blame the default for a problem in options or rules.
  if (field.default !== undefined && optionsOk && rulesOk && !module.traits.computed) {
    const result = checkFieldValue(field, field.default);
    if (!result.ok) fail(['default'], `default ${JSON.stringify(field.default)} is not valid: ${result.message}`);
  }
}

/** "a, b and c" */
function listWithAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The stored values of a select / multi_select field's options, in order. */
export function selectOptionValues(field: Pick<FieldDefinition, 'options'>): string[] {
  return optionValuesOf(field.options);
}

export { optionLabel } from './types/choice-options.js';

/** The relationship target of a field, or undefined for other field types. */
export function relationshipOptions(field: Pick<FieldDefinition, 'type' | 'options'>): RelationshipOptions | undefined {
  const { options } = field;
  if (field.type !== 'relationship' || options === undefined || Array.isArray(options)) return undefined;
  return 'related_module' in options ? options : undefined;
}

/** ISO 4217 code of a currency field; USD when the template does not say. */
export function currencyCodeFor(field: Pick<FieldDefinition, 'options'>): string {
  return currencyCodeOf(field.options);
}

export function fieldLabel(field: { label: LocalizedText; key: string }, lang = 'en'): string {
  return resolveLabel(field.label, lang) || field.key;
}

const ROW_RENAMES = new Map<string, string>([
  ['field_key', 'key'],
  ['field_label', 'label'],
  ['field_type', 'type'],
  ['field_options', 'options'],
  ['is_required', 'required'],
  ['is_searchable', 'searchable'],
  ['is_system', 'system'],
  ['is_unique', 'unique'],
  ['is_active', 'active'],
  ['display_order', 'order'],
  ['validation_rules', 'validation'],
  ['default_value', 'default'],
]);

/** Accepts the brief's crm_module_fields row shape (field_key, is_required, ...) and renames it to the template shape. */
export function fieldDefinitionFromRow(row: Record<string, unknown>): Record<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, value] of Object.entries(row)) out.set(ROW_RENAMES.get(name) ?? name, value);
  const options = out.get('options');
  if (options !== null && typeof options === 'object' && !Array.isArray(options)) {
    // The row stores select choices as { options: [...] } and "no options" as {};
    // the template stores the list itself and omits empty options.
    if ('options' in options) out.set('options', (options as { options: unknown }).options);
    else if (Object.keys(options).length === 0) out.delete('options');
  }
  const rules = out.get('validation');
  if (rules !== null && typeof rules === 'object' && Object.keys(rules).length === 0) out.delete('validation');
  return Object.fromEntries(out);
}
