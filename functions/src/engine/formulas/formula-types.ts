import type { ValueKind } from '../fields/types/field-type-module.js';

/** The types a formula expression can have; `blank` is BLANK(), which fits any of them. */
export type FormulaType = 'number' | 'text' | 'boolean' | 'date' | 'datetime' | 'blank';

/** What a formula field may store (the field editor offers these). */
export const FORMULA_RESULT_TYPES = ['number', 'currency', 'text', 'date', 'datetime', 'checkbox'] as const;
export type FormulaResultType = (typeof FORMULA_RESULT_TYPES)[number];

/** The expression type a result type needs. */
export function expressionTypeFor(result: FormulaResultType): FormulaType {
  switch (result) {
    case 'number':
    case 'currency':
      return 'number';
    case 'checkbox':
      return 'boolean';
    default:
      return result;
  }
}

/** How a stored value of this kind reads inside a formula; undefined for values a formula cannot use (files). */
export function formulaTypeOfValueKind(kind: ValueKind): FormulaType | undefined {
  switch (kind) {
    case 'number':
      return 'number';
    // A list of choices reads as its choices joined by ", "; a relationship as the related record's id.
    case 'text':
    case 'choice':
    case 'choices':
    case 'reference':
      return 'text';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'boolean':
      return 'boolean';
    case 'file':
      return undefined;
  }
}
