/**
 * The syntax tree of a formula. Every node keeps the offset of its first
 * character (`at`) so a type error, an unknown field or a cycle is reported
 * where it is in the text the admin typed.
 */
export type BinaryOperator = '+' | '-' | '*' | '/' | '&' | '=' | '<>' | '<' | '<=' | '>' | '>=';

export type FormulaNode =
  | { kind: 'number'; at: number; value: number }
  | { kind: 'text'; at: number; value: string }
  | { kind: 'boolean'; at: number; value: boolean }
  | { kind: 'blank'; at: number }
  /** `amount` or a relationship path `patient.primary_doctor.email`. */
  | { kind: 'field'; at: number; path: readonly string[] }
  | { kind: 'negate'; at: number; operand: FormulaNode }
  | { kind: 'binary'; at: number; operator: BinaryOperator; left: FormulaNode; right: FormulaNode }
  | { kind: 'call'; at: number; name: string; args: readonly FormulaNode[] };

/** A problem in a formula, at a character offset of its text. */
export class FormulaError extends Error {
  constructor(
    message: string,
    readonly position: number,
    /** A stable code for the SPA's message key (formulas.errors.<code>). */
    readonly code: FormulaErrorCode = 'syntax',
  ) {
    super(message);
    this.name = 'FormulaError';
  }
}

export type FormulaErrorCode = 'syntax' | 'tooLong' | 'tooDeep' | 'unknownField' | 'unknownFunction' | 'arity' | 'type' | 'path' | 'cycle' | 'resultType';

/**
 * Bounds that keep any formula cheap whatever a tenant types: parsing is
 * linear in the text, evaluation is bounded by the node count (IF evaluates
 * one branch; no loops or recursion exist in the language) and string
 * results are capped.
 */
export const FORMULA_LIMITS = {
  maxLength: 2_000,
  maxDepth: 32,
  maxNodes: 400,
  maxTextLength: 10_000,
  /** Relationship hops in a path (`a.b.c.d.e.field` is 5 hops). */
  maxHops: 5,
} as const;
