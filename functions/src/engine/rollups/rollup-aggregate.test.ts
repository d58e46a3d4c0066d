import { describe, expect, it } from 'vitest';
import {
  addToState,
  contributionOf,
  EMPTY_ROLLUP_STATE,
  fromScaled,
  removeFromState,
  rollupValueOf,
  stateOf,
  toScaled,
} from './rollup-aggregate.js';
import { RollupOptionsSchema } from './rollup-definition.js';

const options = (input: Record<string, unknown>) => RollupOptionsSchema.parse({ relationship: { module: 'deals', field: 'agent' }, ...input });

describe('roll-up arithmetic', () => {
  it('sums in fixed point: adding and taking away in any order lands on the same value', () => {
    let state = EMPTY_ROLLUP_STATE;
    for (const value of [0.1, 0.2, 0.3, 19.99, -5.01]) state = addToState('sum', state, value);
    for (const value of [0.3, 0.1]) state = removeFromState('sum', state, value, () => null);
    expect(rollupValueOf('sum', state)).toBe(15.18);
    expect(state).toEqual(stateOf('sum', [19.99, 0.2, -5.01]));
    expect(0.1 + 0.2 - 0.1).not.toBe(0.2); // what floating point would have given
  });

  it('keeps six decimals exactly and rounds beyond', () => {
    expect(fromScaled(toScaled(1234567.123456))).toBe(1234567.123456);
    expect(fromScaled(toScaled(0.0000004))).toBe(0);
    expect(fromScaled(toScaled(-2.5))).toBe(-2.5);
  });

  it('averages over the values present; empty average and extremes are null, empty count and sum are 0', () => {
    expect(rollupValueOf('avg', stateOf('avg', [10, null, 20]))).toBe(15);
    expect(rollupValueOf('avg', EMPTY_ROLLUP_STATE)).toBeNull();
    expect(rollupValueOf('min', EMPTY_ROLLUP_STATE)).toBeNull();
    expect(rollupValueOf('count', EMPTY_ROLLUP_STATE)).toBe(0);
    expect(rollupValueOf('sum', EMPTY_ROLLUP_STATE)).toBe(0);
  });

  it('min and max ask for the next best value only when the extreme leaves', () => {
    const state = stateOf('max', ['2026-01-05', '2026-03-01', '2026-02-10']);
    expect(state.extreme).toBe('2026-03-01');
    let asked = 0;
    const next = () => {
      asked += 1;
      return '2026-02-10';
    };
    expect(removeFromState('max', state, '2026-01-05', next).extreme).toBe('2026-03-01');
    expect(asked).toBe(0);
    expect(removeFromState('max', state, '2026-03-01', next).extreme).toBe('2026-02-10');
    expect(asked).toBe(1);
  });
});

describe('a child contribution', () => {
  const child = (data: Record<string, unknown>, deleted = false) => ({ data: { agent: 'a1', ...data }, deleted });

  it('counts children that pass the filter, towards the parent they point at', () => {
    const won = options({ aggregate: 'count', filter: { field: 'stage', operator: 'equals', value: 'Closed Won' } });
    expect(contributionOf({ options: won, child: child({ stage: 'Closed Won' }), timeZone: 'UTC' })).toEqual({ parentId: 'a1', value: 1 });
    expect(contributionOf({ options: won, child: child({ stage: 'Open' }), timeZone: 'UTC' })).toEqual({ parentId: 'a1', value: null });
  });

  it('deleted children, children pointing nowhere and gone children contribute nothing', () => {
    const sum = options({ aggregate: 'sum', field: 'price' });
    expect(contributionOf({ options: sum, child: child({ price: 5 }, true), timeZone: 'UTC' })).toEqual({ parentId: null, value: null });
    expect(contributionOf({ options: sum, child: child({ agent: null, price: 5 }), timeZone: 'UTC' })).toEqual({ parentId: null, value: null });
    expect(contributionOf({ options: sum, child: null, timeZone: 'UTC' })).toEqual({ parentId: null, value: null });
    expect(contributionOf({ options: sum, child: child({ price: 'five' }), timeZone: 'UTC' })).toEqual({ parentId: 'a1', value: null });
  });
});

describe('roll-up options', () => {
  it('refuses filters whose result would move without a write, and hops', () => {
    const result = RollupOptionsSchema.safeParse({
      relationship: { module: 'deals', field: 'agent' },
      aggregate: 'count',
      filter: { all: [{ field: 'closed_on', operator: 'is_today' }, { field: 'stage', operator: 'changed' }, { field: 'client.email', operator: 'is_empty' }] },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(['filter.all.0.operator', 'filter.all.1.operator', 'filter.all.2.field']);
  });

  it('needs a field for sum/avg/min/max and none for count', () => {
    expect(RollupOptionsSchema.safeParse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'sum' }).success).toBe(false);
    expect(RollupOptionsSchema.safeParse({ relationship: { module: 'deals', field: 'agent' }, aggregate: 'count', field: 'x' }).success).toBe(false);
  });
});
