import { instantOfWallTime } from '../time/zoned-time.js';
import type { CheckedFormula } from './check-formula.js';
import { evaluateFormula, type FormulaInputs } from './evaluate-formula.js';
import { dayOfEpochDay, epochDay, zonedDay } from './formula-values.js';

/**
 * How TODAY()-based formulas stay current without reading every record every
 * day: when a record is written, we also compute the first tenant-zone day on
 * which one of its clock formulas would give a different value, and store it
 * on the record (`formulaDue`, indexed). The daily sweep of a tenant then
 * queries only `formulaDue <= today` — records whose value actually changes
 * today — and recomputes them (which stores their next due day).
 *
 * The day is found by evaluating the formula on the following days, up to
 * HORIZON_DAYS ahead (each evaluation is bounded, see formula-ast.ts). A
 * value that does not change within the horizon is re-checked on the horizon
 * day. NOW() formulas change with every instant; they are refreshed daily.
 */
export const HORIZON_DAYS = 62;

export function nextChangeDay(formula: CheckedFormula, inputs: FormulaInputs): string | null {
  if (!formula.usesClock) return null;
  const today = zonedDay(inputs.now, inputs.timeZone);
  const todayNumber = epochDay(today);
  const usesNow = containsCall(formula, 'NOW');
  if (usesNow) return dayOfEpochDay(todayNumber + 1);
  const valueOn = (offset: number) => {
    const day = dayOfEpochDay(todayNumber + offset);
    // Noon: never inside a DST gap, always the intended zoned day.
    const noon = instantOfWallTime(
      { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)), hour: 12, minute: 0, second: 0 },
      inputs.timeZone,
    );
    return JSON.stringify(evaluateFormula(formula, { ...inputs, now: noon.getTime() }));
  };
  const current = valueOn(0);
  for (let offset = 1; offset <= HORIZON_DAYS; offset += 1) {
    if (valueOn(offset) !== current) return dayOfEpochDay(todayNumber + offset);
  }
  return dayOfEpochDay(todayNumber + HORIZON_DAYS);
}

function containsCall(formula: CheckedFormula, name: string): boolean {
  const stack = [formula.ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) continue;
    if (node.kind === 'call') {
      if (node.name === name) return true;
      stack.push(...node.args);
    } else if (node.kind === 'binary') stack.push(node.left, node.right);
    else if (node.kind === 'negate') stack.push(node.operand);
  }
  return false;
}
