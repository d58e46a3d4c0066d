import { FORMULA_LIMITS, FormulaError, type FormulaNode } from './formula-ast.js';
import type { FormulaType } from './formula-types.js';
import {
  asDay,
  dateTimeValue,
  dateValue,
  dayOfEpochDay,
  DAY_MS,
  epochDay,
  isDateTimeValue,
  isDateValue,
  toStoredValue,
  zonedDay,
  type FormulaValue,
} from './formula-values.js';

/** What a function body may use: its arguments, evaluated lazily (IF evaluates one branch), and the clock. */
export interface CallContext {
  readonly timeZone: string;
  readonly now: number;
  evaluate(node: FormulaNode): FormulaValue;
}

export interface FormulaFunction {
  readonly min: number;
  readonly max: number;
  /** Short signature for messages and the editor's help. */
  readonly signature: string;
  /** The result type from the argument types; throws a FormulaError at the offending argument. */
  check(types: readonly FormulaType[], args: readonly FormulaNode[]): FormulaType;
  run(args: readonly FormulaNode[], ctx: CallContext): FormulaValue;
  /** Reads the clock: the value changes with the day (see next-change.ts). */
  readonly clock?: boolean;
}

const DATE_TYPES: readonly FormulaType[] = ['date', 'datetime'];

export function requireType(type: FormulaType, allowed: readonly FormulaType[], node: FormulaNode, what: string): void {
  if (type !== 'blank' && !allowed.includes(type)) throw new FormulaError(`${what} must be ${allowed.join(' or ')}, not ${type}`, node.at, 'type');
}

/** Arguments must share one type (blanks fit any); returns it. */
function sameType(types: readonly FormulaType[], args: readonly FormulaNode[], allowed: readonly FormulaType[], what: string): FormulaType {
  let found: FormulaType = 'blank';
  types.forEach((type, index) => {
    const node = args[index] as FormulaNode;
    requireType(type, allowed, node, what);
    if (type === 'blank') return;
    if (found !== 'blank' && found !== type) throw new FormulaError(`${what} must all be ${found}, not ${type}`, node.at, 'type');
    found = type;
  });
  return found;
}

export function truthy(value: FormulaValue): boolean {
  return value === true;
}

export function checkText(text: string): string {
  if (text.length > FORMULA_LIMITS.maxTextLength) throw new FormulaRuntimeError(`text longer than ${FORMULA_LIMITS.maxTextLength} characters`);
  return text;
}

/** A problem found while evaluating (text too long, step bound): the field stores blank. */
export class FormulaRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormulaRuntimeError';
  }
}

export function asText(value: FormulaValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return String(toStoredValue(value));
}

const number = (value: FormulaValue): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

function dateParts(value: FormulaValue, timeZone: string): { year: number; month: number; day: number } | null {
  if (!isDateValue(value) && !isDateTimeValue(value)) return null;
  const day = asDay(value, timeZone);
  return { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) };
}

const DATEDIFF_UNITS = ['days', 'hours', 'minutes', 'months', 'years'] as const;

function monthsBetween(start: string, end: string): number {
  const [sy, sm, sd] = [Number(start.slice(0, 4)), Number(start.slice(5, 7)), Number(start.slice(8, 10))];
  const [ey, em, ed] = [Number(end.slice(0, 4)), Number(end.slice(5, 7)), Number(end.slice(8, 10))];
  let months = (ey - sy) * 12 + (em - sm);
  // Whole months only: 01-31 → 02-28 is not yet a month.
  if (months > 0 && ed < sd) months -= 1;
  if (months < 0 && ed > sd) months += 1;
  return months;
}

function unary(allowed: readonly FormulaType[], result: FormulaType, what: string, run: (value: FormulaValue, ctx: CallContext) => FormulaValue): FormulaFunction {
  return {
    min: 1,
    max: 1,
    signature: `${what}`,
    check(types, args) {
      requireType(types[0] as FormulaType, allowed, args[0] as FormulaNode, 'the argument');
      return result;
    },
    run: (args, ctx) => run(ctx.evaluate(args[0] as FormulaNode), ctx),
  };
}

function extremum(pick: (a: number, b: number) => boolean, name: string): FormulaFunction {
  return {
    min: 1,
    max: 50,
    signature: `${name}(value, …)`,
    check: (types, args) => sameType(types, args, ['number', 'date', 'datetime'], 'the values'),
    run(args, ctx) {
      let best: FormulaValue = null;
      let bestKey = 0;
      for (const arg of args) {
        const value = ctx.evaluate(arg);
        // Blanks are skipped, as spreadsheets do.
        const key = typeof value === 'number' ? value : isDateValue(value) ? epochDay(value.day) : isDateTimeValue(value) ? value.ms : null;
        if (key === null) continue;
        if (best === null || pick(key, bestKey)) {
          best = value;
          bestKey = key;
        }
      }
      return best;
    },
  };
}

/**
 * The function library. Looked up in a Map by upper-cased name, so
 * `constructor`, `__proto__` and friends are simply unknown functions.
 */
export const FORMULA_FUNCTIONS: ReadonlyMap<string, FormulaFunction> = new Map<string, FormulaFunction>([
  [
    'IF',
    {
      min: 2,
      max: 3,
      signature: 'IF(condition, then, else)',
      check(types, args) {
        requireType(types[0] as FormulaType, ['boolean'], args[0] as FormulaNode, 'the condition');
        return sameType(types.slice(1), args.slice(1), ['number', 'text', 'boolean', 'date', 'datetime'], 'both branches');
      },
      run: (args, ctx) => (truthy(ctx.evaluate(args[0] as FormulaNode)) ? ctx.evaluate(args[1] as FormulaNode) : args[2] ? ctx.evaluate(args[2]) : null),
    },
  ],
  [
    'AND',
    {
      min: 1,
      max: 50,
      signature: 'AND(condition, …)',
      check: (types, args) => (sameType(types, args, ['boolean'], 'the conditions'), 'boolean'),
      run: (args, ctx) => args.every((arg) => truthy(ctx.evaluate(arg))),
    },
  ],
  [
    'OR',
    {
      min: 1,
      max: 50,
      signature: 'OR(condition, …)',
      check: (types, args) => (sameType(types, args, ['boolean'], 'the conditions'), 'boolean'),
      run: (args, ctx) => args.some((arg) => truthy(ctx.evaluate(arg))),
    },
  ],
  ['NOT', unary(['boolean'], 'boolean', 'NOT(condition)', (value) => !truthy(value))],
  [
    'ISBLANK',
    {
      min: 1,
      max: 1,
      signature: 'ISBLANK(value)',
      check: () => 'boolean',
      run: (args, ctx) => {
        const value = ctx.evaluate(args[0] as FormulaNode);
        return value === null || (typeof value === 'string' && value.trim() === '');
      },
    },
  ],
  [
    'CONCAT',
    {
      min: 1,
      max: 50,
      signature: 'CONCAT(value, …)',
      check: () => 'text',
      run(args, ctx) {
        let text = '';
        for (const arg of args) text = checkText(text + asText(ctx.evaluate(arg)));
        return text;
      },
    },
  ],
  [
    'ROUND',
    {
      min: 1,
      max: 2,
      signature: 'ROUND(number, digits)',
      check(types, args) {
        types.forEach((type, index) => requireType(type, ['number'], args[index] as FormulaNode, index === 0 ? 'the value' : 'the digits'));
        return 'number';
      },
      run(args, ctx) {
        const value = number(ctx.evaluate(args[0] as FormulaNode));
        const digits = args[1] ? number(ctx.evaluate(args[1])) : 0;
        if (value === null || digits === null) return null;
        const places = Math.max(-10, Math.min(10, Math.trunc(digits)));
        const factor = 10 ** places;
        // Half away from zero, as spreadsheets round (Math.round rounds -2.5 to -2).
        return finite((Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor);
      },
    },
  ],
  ['MIN', extremum((a, b) => a < b, 'MIN')],
  ['MAX', extremum((a, b) => a > b, 'MAX')],
  ['ABS', unary(['number'], 'number', 'ABS(number)', (value) => (typeof value === 'number' ? Math.abs(value) : null))],
  [
    'TODAY',
    { min: 0, max: 0, signature: 'TODAY()', clock: true, check: () => 'date', run: (_args, ctx) => dateValue(zonedDay(ctx.now, ctx.timeZone)) },
  ],
  ['NOW', { min: 0, max: 0, signature: 'NOW()', clock: true, check: () => 'datetime', run: (_args, ctx) => dateTimeValue(ctx.now) }],
  [
    'DATEDIFF',
    {
      min: 2,
      max: 3,
      signature: 'DATEDIFF(start, end, "days" | "hours" | "minutes" | "months" | "years")',
      check(types, args) {
        requireType(types[0] as FormulaType, DATE_TYPES, args[0] as FormulaNode, 'the start');
        requireType(types[1] as FormulaType, DATE_TYPES, args[1] as FormulaNode, 'the end');
        const unit = args[2];
        if (unit !== undefined && (unit.kind !== 'text' || !(DATEDIFF_UNITS as readonly string[]).includes(unit.value.toLowerCase()))) {
          throw new FormulaError(`the unit must be one of ${DATEDIFF_UNITS.map((name) => `"${name}"`).join(', ')}`, unit.at, 'type');
        }
        return 'number';
      },
      run(args, ctx) {
        const start = ctx.evaluate(args[0] as FormulaNode);
        const end = ctx.evaluate(args[1] as FormulaNode);
        const unitNode = args[2];
        const unit = unitNode?.kind === 'text' ? unitNode.value.toLowerCase() : 'days';
        if (!(isDateValue(start) || isDateTimeValue(start)) || !(isDateValue(end) || isDateTimeValue(end))) return null;
        if (unit === 'hours' || unit === 'minutes') {
          // Instants: a calendar day counts from its midnight UTC, the only zone-free reading of a bare date.
          const ms = (value: typeof start) => (isDateValue(value) ? epochDay(value.day) * DAY_MS : value.ms);
          return Math.trunc((ms(end) - ms(start)) / (unit === 'hours' ? 3_600_000 : 60_000));
        }
        const [from, to] = [asDay(start, ctx.timeZone), asDay(end, ctx.timeZone)];
        if (unit === 'days') return epochDay(to) - epochDay(from);
        const months = monthsBetween(from, to);
        return unit === 'months' ? months : Math.trunc(months / 12);
      },
    },
  ],
  [
    'ADDDAYS',
    {
      min: 2,
      max: 2,
      signature: 'ADDDAYS(date, days)',
      check(types, args) {
        requireType(types[0] as FormulaType, DATE_TYPES, args[0] as FormulaNode, 'the date');
        requireType(types[1] as FormulaType, ['number'], args[1] as FormulaNode, 'the days');
        return types[0] === 'blank' ? 'date' : (types[0] as FormulaType);
      },
      run(args, ctx) {
        const date = ctx.evaluate(args[0] as FormulaNode);
        const days = number(ctx.evaluate(args[1] as FormulaNode));
        return shiftDate(date, days);
      },
    },
  ],
  ['YEAR', unary(DATE_TYPES, 'number', 'YEAR(date)', (value, ctx) => dateParts(value, ctx.timeZone)?.year ?? null)],
  ['MONTH', unary(DATE_TYPES, 'number', 'MONTH(date)', (value, ctx) => dateParts(value, ctx.timeZone)?.month ?? null)],
  ['DAY', unary(DATE_TYPES, 'number', 'DAY(date)', (value, ctx) => dateParts(value, ctx.timeZone)?.day ?? null)],
  ['UPPER', unary(['text'], 'text', 'UPPER(text)', (value) => (typeof value === 'string' ? value.toUpperCase() : null))],
  ['LOWER', unary(['text'], 'text', 'LOWER(text)', (value) => (typeof value === 'string' ? value.toLowerCase() : null))],
  ['LEN', unary(['text'], 'number', 'LEN(text)', (value) => (typeof value === 'string' ? [...value].length : 0))],
  ['TEXT', unary(['number', 'text', 'boolean', 'date', 'datetime'], 'text', 'TEXT(value)', (value) => (value === null ? null : asText(value)))],
  [
    'VALUE',
    unary(['text'], 'number', 'VALUE(text)', (value) => {
      if (typeof value !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return null;
      return finite(Number(value));
    }),
  ],
]);

/** date ± days keeps its type; a fractional day moves a datetime by hours, a date by whole days. */
export function shiftDate(date: FormulaValue, days: number | null): FormulaValue {
  if (days === null) return null;
  if (isDateValue(date)) {
    const shifted = epochDay(date.day) + Math.trunc(days);
    return Math.abs(shifted) > 3_000_000 ? null : dateValue(dayOfEpochDay(shifted));
  }
  if (isDateTimeValue(date)) {
    const ms = date.ms + days * DAY_MS;
    return Math.abs(ms) > 8.64e15 ? null : dateTimeValue(ms);
  }
  return null;
}
