import { evaluateCondition } from '../workflows/evaluate-condition.js';
import type { RollupAggregate, RollupOptions } from './rollup-definition.js';

/** A number (number, currency) or an ISO date string (date, datetime: ISO strings order like their instants). */
export type RollupValue = number | string;

/** What one child adds to one roll-up: which parent, and which value (null: nothing, e.g. filtered out). */
export interface Contribution {
  readonly parentId: string | null;
  readonly value: RollupValue | null;
}

export const NO_CONTRIBUTION: Contribution = { parentId: null, value: null };

/**
 * The running aggregate of one roll-up on one parent. `count` counts the
 * non-null contributions; `sum` is a decimal string of the sum scaled by
 * 10^SUM_SCALE, kept in bigint arithmetic: adding and removing deltas in any
 * order then lands on exactly the same value (floating point would drift:
 * 0.1 + 0.2 - 0.1 !== 0.2). `extreme` is the current min (or max).
 */
export interface RollupState {
  readonly count: number;
  readonly sum: string;
  readonly extreme: RollupValue | null;
}

export const EMPTY_ROLLUP_STATE: RollupState = { count: 0, sum: '0', extreme: null };

/** Decimal places a sum keeps exactly (currency needs 2-4; rates and measures rarely more). */
export const SUM_SCALE = 6;
const SCALE_FACTOR = 10n ** BigInt(SUM_SCALE);

export function toScaled(value: number): bigint {
  if (!Number.isFinite(value)) return 0n;
  // toFixed rounds the binary double to SUM_SCALE decimals the way a person reads it (0.1 -> "0.100000").
  const fixed = Math.abs(value) < 1e21 ? value.toFixed(SUM_SCALE) : BigInt(Math.round(value)).toString() + '.' + '0'.repeat(SUM_SCALE);
  const negative = fixed.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? fixed.slice(1) : fixed).split('.');
  const scaled = BigInt(whole) * SCALE_FACTOR + BigInt(fraction.padEnd(SUM_SCALE, '0').slice(0, SUM_SCALE) || '0');
  return negative ? -scaled : scaled;
}

export function fromScaled(scaled: bigint): number {
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const whole = magnitude / SCALE_FACTOR;
  const fraction = (magnitude % SCALE_FACTOR).toString().padStart(SUM_SCALE, '0');
  return Number(`${negative ? '-' : ''}${whole.toString()}.${fraction}`);
}

export interface ContributionInput {
  readonly options: RollupOptions;
  /** The child as stored (null: the child document is gone). */
  readonly child: { readonly data: Readonly<Record<string, unknown>>; readonly deleted: boolean } | null;
  readonly timeZone: string;
}

/**
 * A child's contribution, a pure function of its stored version: deleted
 * children, children pointing nowhere, filtered-out children and children
 * without a usable value contribute nothing.
 */
export function contributionOf({ options, child, timeZone }: ContributionInput): Contribution {
  if (!child || child.deleted) return NO_CONTRIBUTION;
  const parent = child.data[options.relationship.field];
  if (typeof parent !== 'string' || parent === '') return NO_CONTRIBUTION;
  // The filter is checked to be clock-free when the field is saved; `now` only satisfies the signature.
  if (options.filter && !evaluateCondition({ condition: options.filter, record: child.data, now: new Date(0), timeZone })) {
    return { parentId: parent, value: null };
  }
  if (options.aggregate === 'count') return { parentId: parent, value: 1 };
  return { parentId: parent, value: usableValue(options.aggregate, child.data[options.field ?? '']) };
}

function usableValue(aggregate: RollupAggregate, value: unknown): RollupValue | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if ((aggregate === 'min' || aggregate === 'max') && typeof value === 'string' && value !== '') return value;
  return null;
}

/** -1, 0, 1; numbers before strings (Firestore's order of mixed types, which the extreme query uses). */
export function compareRollupValues(a: RollupValue, b: RollupValue): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `candidate` is a better extreme than `current` for min / max. */
export function beats(aggregate: RollupAggregate, candidate: RollupValue, current: RollupValue | null): boolean {
  if (current === null) return true;
  const order = compareRollupValues(candidate, current);
  return aggregate === 'max' ? order > 0 : order < 0;
}

export function addToState(aggregate: RollupAggregate, state: RollupState, value: RollupValue | null): RollupState {
  if (value === null) return state;
  const sum = typeof value === 'number' && (aggregate === 'sum' || aggregate === 'avg') ? (BigInt(state.sum) + toScaled(value)).toString() : state.sum;
  const extreme = (aggregate === 'min' || aggregate === 'max') && beats(aggregate, value, state.extreme) ? value : state.extreme;
  return { count: state.count + 1, sum, extreme };
}

/**
 * Removes one contribution. When it held the extreme, the caller supplies the
 * next best remaining value (a top-1 query over the other contributions), or
 * null when none is left; otherwise the extreme stays.
 */
export function removeFromState(
  aggregate: RollupAggregate,
  state: RollupState,
  value: RollupValue | null,
  nextExtreme: () => RollupValue | null,
): RollupState {
  if (value === null) return state;
  const sum = typeof value === 'number' && (aggregate === 'sum' || aggregate === 'avg') ? (BigInt(state.sum) - toScaled(value)).toString() : state.sum;
  const holdsExtreme = (aggregate === 'min' || aggregate === 'max') && state.extreme !== null && compareRollupValues(value, state.extreme) === 0;
  return { count: Math.max(0, state.count - 1), sum, extreme: holdsExtreme ? nextExtreme() : state.extreme };
}

/** True when removing `value` may move the extreme (the caller then needs the next best value). */
export function removalNeedsNextExtreme(aggregate: RollupAggregate, state: RollupState, value: RollupValue | null): boolean {
  return (aggregate === 'min' || aggregate === 'max') && value !== null && state.extreme !== null && compareRollupValues(value, state.extreme) === 0;
}

/** The value shown in the parent's field. Sums of nothing are 0, averages, minimums and maximums of nothing are empty. */
export function rollupValueOf(aggregate: RollupAggregate, state: RollupState): RollupValue | null {
  switch (aggregate) {
    case 'count':
      return state.count;
    case 'sum':
      return fromScaled(BigInt(state.sum));
    case 'avg':
      return state.count === 0 ? null : fromScaled(BigInt(state.sum)) / state.count;
    case 'min':
    case 'max':
      return state.extreme;
  }
}

/** The state of a set of contributions computed from scratch (the recompute path and the tests' oracle). */
export function stateOf(aggregate: RollupAggregate, values: ReadonlyArray<RollupValue | null>): RollupState {
  return values.reduce<RollupState>((state, value) => addToState(aggregate, state, value), EMPTY_ROLLUP_STATE);
}
