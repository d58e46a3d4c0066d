import { resolveFieldPath, type FieldsOf, type PathHop } from '../paths/resolve-field-path.js';
import { storedValueModule, isFieldType } from '../fields/types/registry.js';
import { FormulaError, type FormulaErrorCode, type FormulaNode } from './formula-ast.js';
import { FORMULA_FUNCTIONS, requireType } from './formula-functions.js';
import { formulaTypeOfValueKind, type FormulaType } from './formula-types.js';
import { parseFormula } from './parse-formula.js';

export interface FormulaReference {
  readonly path: readonly string[];
  readonly at: number;
  readonly type: FormulaType;
  readonly hops: readonly PathHop[];
  /** Where the path ends: module and field key. */
  readonly module: string;
  readonly field: string;
}

export interface CheckedFormula {
  readonly ast: FormulaNode;
  readonly type: FormulaType;
  readonly references: readonly FormulaReference[];
  /** Uses TODAY() or NOW(): recomputed when the day changes (next-change.ts). */
  readonly usesClock: boolean;
}

export interface FormulaProblem {
  readonly message: string;
  /** Character offset in the expression. */
  readonly position: number;
  readonly code: FormulaErrorCode;
}

export type CheckFormulaResult = { ok: true; formula: CheckedFormula } | { ok: false; problem: FormulaProblem };

/**
 * Parses and type-checks a formula of `module`: every path resolves (≤ 5
 * hops), every function exists with the right argument types, and the whole
 * has one type. Pure; the SPA runs the same check while the admin types.
 */
export function checkFormula({ expression, module, fieldsOf }: { expression: string; module: string; fieldsOf: FieldsOf }): CheckFormulaResult {
  try {
    const ast = parseFormula(expression);
    const references: FormulaReference[] = [];
    let usesClock = false;

    const typeOf = (node: FormulaNode): FormulaType => {
      switch (node.kind) {
        case 'number':
          return 'number';
        case 'text':
          return 'text';
        case 'boolean':
          return 'boolean';
        case 'blank':
          return 'blank';
        case 'field': {
          const resolved = resolveFieldPath(module, node.path, fieldsOf);
          if (!resolved.ok) {
            // Point at the segment at fault: the offset of the path plus the segments before it.
            const offset = node.path.slice(0, resolved.segment).reduce((sum, part) => sum + part.length + 1, 0);
            throw new FormulaError(resolved.message, node.at + offset, node.path.length > 1 ? 'path' : 'unknownField');
          }
          const field = resolved.field;
          const kind = isFieldType(field.type) || field.type === 'formula' ? storedValueModule(field).traits.valueKind : undefined;
          const type = kind === undefined ? undefined : formulaTypeOfValueKind(kind);
          if (type === undefined) throw new FormulaError(`"${node.path.join('.')}" is a ${field.type} field, which a formula cannot use`, node.at, 'type');
          references.push({ path: node.path, at: node.at, type, hops: resolved.hops, module: resolved.module, field: field.key });
          return type;
        }
        case 'negate':
          requireType(typeOf(node.operand), ['number'], node.operand, '"-"');
          return 'number';
        case 'binary':
          return binaryType(node, typeOf(node.left), typeOf(node.right));
        case 'call': {
          const fn = FORMULA_FUNCTIONS.get(node.name);
          if (fn === undefined) throw new FormulaError(`unknown function ${node.name}`, node.at, 'unknownFunction');
          if (node.args.length < fn.min || node.args.length > fn.max) {
            const count = fn.min === fn.max ? `${fn.min}` : fn.max >= 50 ? `at least ${fn.min}` : `${fn.min} to ${fn.max}`;
            throw new FormulaError(`${node.name} takes ${count} argument${fn.max === 1 && fn.min === 1 ? '' : 's'}: ${fn.signature}`, node.at, 'arity');
          }
          if (fn.clock) usesClock = true;
          return fn.check(node.args.map(typeOf), node.args);
        }
      }
    };

    const type = typeOf(ast);
    return { ok: true, formula: { ast, type, references, usesClock } };
  } catch (error) {
    if (error instanceof FormulaError) return { ok: false, problem: { message: error.message, position: error.position, code: error.code } };
    throw error;
  }
}

const ORDERED: readonly FormulaType[] = ['number', 'text', 'date', 'datetime'];

function binaryType(node: Extract<FormulaNode, { kind: 'binary' }>, left: FormulaType, right: FormulaType): FormulaType {
  const fail = (message: string): never => {
    throw new FormulaError(message, node.right.at, 'type');
  };
  const isDate = (type: FormulaType) => type === 'date' || type === 'datetime';
  switch (node.operator) {
    case '&':
      return 'text';
    case '*':
    case '/':
      requireType(left, ['number'], node.left, `the left side of "${node.operator}"`);
      requireType(right, ['number'], node.right, `the right side of "${node.operator}"`);
      return 'number';
    case '+':
      if (left === 'text' || right === 'text') return fail('"+" adds numbers or days; join texts with "&" or CONCAT');
      if (isDate(left) && isDate(right)) return fail('two dates cannot be added; use DATEDIFF for the days between them');
      if (isDate(left)) return (requireType(right, ['number'], node.right, 'the days added'), left);
      if (isDate(right)) return (requireType(left, ['number'], node.left, 'the days added'), right);
      requireType(left, ['number'], node.left, 'the left side of "+"');
      requireType(right, ['number'], node.right, 'the right side of "+"');
      return 'number';
    case '-':
      if (isDate(left) && isDate(right)) {
        if (left !== right) return fail('subtracting a date from a datetime is ambiguous; use DATEDIFF');
        return 'number';
      }
      if (isDate(left)) return (requireType(right, ['number'], node.right, 'the days subtracted'), left);
      requireType(left, ['number'], node.left, 'the left side of "-"');
      requireType(right, ['number'], node.right, 'the right side of "-"');
      return 'number';
    default: {
      // Comparisons: same types, a blank, or a date against a datetime (compared as tenant-zone days).
      const ordering = node.operator !== '=' && node.operator !== '<>';
      if (ordering && (!ORDERED.includes(left) && left !== 'blank')) return fail(`"${node.operator}" cannot compare ${left} values`);
      if (left === 'blank' || right === 'blank' || left === right || (isDate(left) && isDate(right))) return 'boolean';
      return fail(`cannot compare ${left} with ${right}`);
    }
  }
}
