import type { CheckedFormula, FormulaReference } from './check-formula.js';
import type { FormulaNode } from './formula-ast.js';
import { asText, checkText, FORMULA_FUNCTIONS, FormulaRuntimeError, shiftDate, truthy, type CallContext } from './formula-functions.js';
import type { FormulaType } from './formula-types.js';
import {
  asDay,
  dateTimeValue,
  dateValue,
  DAY_MS,
  epochDay,
  isDateTimeValue,
  isDateValue,
  toStoredValue,
  type FormulaValue,
} from './formula-values.js';
import { isCalendarDate } from '../fields/types/field-value-core.js';

export interface FormulaInputs {
  /** Stored values by path (`amount`, `patient.primary_doctor.email`); a path not given is blank. */
  readonly values: ReadonlyMap<string, unknown>;
  readonly timeZone: string;
  /** ms epoch; TODAY() is this instant's day in `timeZone`. */
  readonly now: number;
}

export type EvaluateFormulaResult = { ok: true; value: string | number | boolean | null } | { ok: false; message: string };

/** A stored value as the formula type the checker gave its field. */
function fromStored(raw: unknown, type: FormulaType): FormulaValue {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    case 'text':
      if (Array.isArray(raw)) return raw.map(String).join(', ');
      return typeof raw === 'string' ? raw : null;
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null;
    case 'date':
      return typeof raw === 'string' && isCalendarDate(raw) ? dateValue(raw) : null;
    case 'datetime': {
      const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      return Number.isNaN(ms) ? null : dateTimeValue(ms);
    }
    case 'blank':
      return null;
  }
}

function compare(operator: string, left: FormulaValue, right: FormulaValue, timeZone: string): FormulaValue {
  if (operator === '=' || operator === '<>') {
    const equal = left === null || right === null ? left === right : key(left, right, timeZone) === key(right, left, timeZone);
    return operator === '=' ? equal : !equal;
  }
  // Ordering a blank is neither true nor false: blank.
  if (left === null || right === null) return null;
  const [a, b] = [key(left, right, timeZone), key(right, left, timeZone)];
  switch (operator) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** The comparable form of a value; a date against a datetime compares as tenant-zone days. */
function key(value: Exclude<FormulaValue, null>, other: FormulaValue, timeZone: string): number | string | boolean {
  if (isDateValue(value) || isDateTimeValue(value)) {
    const mixed = other !== null && (isDateValue(other) || isDateTimeValue(other)) && other.kind !== value.kind;
    if (value.kind === 'date' || mixed) return epochDay(asDay(value, timeZone));
    return value.ms;
  }
  return value;
}

/**
 * Evaluates a checked formula. Pure: it sees only `inputs` (values gathered
 * by the caller for the formula's references) and the clock it is given.
 * Every node is evaluated at most once (no loops, no recursion in the
 * language), text is capped, and a non-finite number becomes blank.
 */
export function evaluateFormula(formula: CheckedFormula, inputs: FormulaInputs): EvaluateFormulaResult {
  const refTypes = new Map<string, FormulaReference>(formula.references.map((ref) => [ref.path.join('.'), ref]));
  const ctx: CallContext = { timeZone: inputs.timeZone, now: inputs.now, evaluate };

  function evaluate(node: FormulaNode): FormulaValue {
    switch (node.kind) {
      case 'number':
        return node.value;
      case 'text':
        return checkText(node.value);
      case 'boolean':
        return node.value;
      case 'blank':
        return null;
      case 'field': {
        const path = node.path.join('.');
        const ref = refTypes.get(path);
        return ref === undefined ? null : fromStored(inputs.values.get(path), ref.type);
      }
      case 'negate': {
        const value = evaluate(node.operand);
        return typeof value === 'number' ? -value : null;
      }
      case 'call': {
        const fn = FORMULA_FUNCTIONS.get(node.name);
        if (fn === undefined) throw new FormulaRuntimeError(`unknown function ${node.name}`);
        return fn.run(node.args, ctx);
      }
      case 'binary': {
        const left = evaluate(node.left);
        const right = evaluate(node.right);
        switch (node.operator) {
          case '&':
            return checkText(asText(left) + asText(right));
          case '+':
            if (typeof left === 'number' && typeof right === 'number') return finite(left + right);
            if (typeof right === 'number') return shiftDate(left, right);
            if (typeof left === 'number') return shiftDate(right, left);
            return null;
          case '-':
            if (typeof left === 'number' && typeof right === 'number') return finite(left - right);
            if (typeof right === 'number') return shiftDate(left, -right);
            if (isDateValue(left) && isDateValue(right)) return epochDay(left.day) - epochDay(right.day);
            if (isDateTimeValue(left) && isDateTimeValue(right)) return (left.ms - right.ms) / DAY_MS;
            return null;
          case '*':
            return typeof left === 'number' && typeof right === 'number' ? finite(left * right) : null;
          case '/':
            // Division by zero is blank, not an error: a formula over an empty record must still save.
            return typeof left === 'number' && typeof right === 'number' && right !== 0 ? finite(left / right) : null;
          default:
            return compare(node.operator, left, right, inputs.timeZone);
        }
      }
    }
  }

  try {
    const value = evaluate(formula.ast);
    return { ok: true, value: toStoredValue(value) };
  } catch (error) {
    if (error instanceof FormulaRuntimeError || error instanceof RangeError) return { ok: false, message: error.message };
    throw error;
  }
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export { truthy };
