import { NO_DEMO_VALUE } from './field-type-demo.js';
import { z } from 'zod';
import { FORMULA_LIMITS } from '../../formulas/formula-ast.js';
import { FORMULA_RESULT_TYPES, type FormulaResultType } from '../../formulas/formula-types.js';
import { PLAIN_TRAITS, plainToCell, textFromCell, type FieldTypeModule, type TypedField } from './field-type-module.js';
import { optionsRecord, stringOr } from './option-inputs.js';

export const FormulaOptionsSchema = z.strictObject({
  /** The expression, e.g. `ROUND(amount * 0.21, 2)` or `patient.primary_doctor.email`. */
  expression: z.string().trim().min(1, { error: 'is required' }).max(FORMULA_LIMITS.maxLength),
  /** What the field stores; the expression's type must match (currency takes a number, checkbox a condition). */
  result_type: z.enum(FORMULA_RESULT_TYPES, { error: `must be one of: ${FORMULA_RESULT_TYPES.join(', ')}` }),
});
export type FormulaOptions = z.infer<typeof FormulaOptionsSchema>;

export function formulaOptionsOf(field: { type: string; options?: unknown }): FormulaOptions | undefined {
  if (field.type !== 'formula') return undefined;
  const parsed = FormulaOptionsSchema.safeParse(field.options);
  return parsed.success ? parsed.data : undefined;
}

function resultType(field: TypedField | { type: string; options?: unknown }): FormulaResultType {
  return formulaOptionsOf(field)?.result_type ?? 'text';
}

/**
 * A computed field. Its value is written by the records service on every
 * write (services/records/computed-fields.ts), never by a user, and stored
 * like a value of its result type: the result type's module then indexes,
 * filters, sorts and shows it (registry.storedValueModule). Whether the
 * expression type-checks against the module's fields, and forms no cycle,
 * needs the whole configuration: checked by checkTemplate and on field save.
 */
export const formulaFieldType: FieldTypeModule<'formula'> = {
  type: 'formula',
  traits: { ...PLAIN_TRAITS, computed: true, canBeUnique: false, facet: false },
  demo: NO_DEMO_VALUE,
  options: {
    schema: FormulaOptionsSchema,
    required: true,
    check(options) {
      const parsed = FormulaOptionsSchema.safeParse(options);
      if (parsed.success) return undefined;
      const issue = parsed.error.issues[0];
      return `a formula field needs options { "expression": "...", "result_type": "${FORMULA_RESULT_TYPES.join('" | "')}" }${
        issue ? `: ${issue.path.join('.') || 'options'} ${issue.message}` : ''
      }`;
    },
    form: {
      editor: 'formula',
      // Recomputed on save (crmRecomputeFormulas), so editing the expression is safe.
      editable: true,
      toOptions: (inputs) => ({ expression: inputs.expression.trim(), result_type: inputs.resultType as FormulaResultType }),
      toInputs: (options) => ({
        expression: stringOr(optionsRecord(options).expression, ''),
        resultType: stringOr(optionsRecord(options).result_type, 'number'),
      }),
      inputForIssue: (rest) => (rest.includes('result_type') ? 'resultType' : 'expression'),
    },
  },
  checkValue: (_field, _value, fail) => fail('computed'),
  emptyValue: () => null,
  facetValue: () => null,
  filterOperators: [],
  parseFilterInput: () => null,
  toWire: () => undefined,
  toForm: () => '',
  display: (_field, value) => String(value),
  fromCell: textFromCell,
  toCell: plainToCell,
  storedAs: (field) => resultType(field),
};
