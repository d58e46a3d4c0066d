import { describe, expect, it } from 'vitest';
import { figureScale, formatBucket, formatChange, formatFigure } from './format-figure';

const money = { key: 'amount', type: 'currency', label: 'Amount', options: { currency: 'EUR' } } as never;

describe('formatFigure', () => {
  it('shows counts as whole numbers and null as a dash', () => {
    expect(formatFigure(1234, { aggregation: 'count', field: undefined, language: 'en' })).toBe('1,234');
    expect(formatFigure(null, { aggregation: 'sum', field: money, language: 'en' })).toBe('—');
  });
  it('formats sums of a currency field in its currency, per language', () => {
    expect(formatFigure(1500.5, { aggregation: 'sum', field: money, language: 'en' })).toBe('€1,500.50');
    expect(formatFigure(1500.5, { aggregation: 'sum', field: money, language: 'es' })).toMatch(/1500,50\s€/);
    expect(formatFigure(4_461_000.25, { aggregation: 'sum', field: money, language: 'en' })).toBe('€4,461,000');
  });
  it('gives every amount of one widget the same precision', () => {
    const sums = [606_500, 27_000, null];
    const scale = figureScale(sums);
    expect(scale).toBe(606_500);
    expect(formatFigure(27_000, { aggregation: 'sum', field: money, language: 'en', scale })).toBe('€27,000');
    expect(formatFigure(606_500, { aggregation: 'sum', field: money, language: 'en', scale })).toBe('€606,500');
    expect(formatFigure(27_000, { aggregation: 'sum', field: money, language: 'en', scale: figureScale([27_000, 1_500]) })).toBe('€27,000.00');
  });
  it('rounds averages to two decimals', () => {
    expect(formatFigure(10 / 3, { aggregation: 'avg', field: undefined, language: 'en' })).toBe('3.33');
  });
});

describe('formatBucket and formatChange', () => {
  it('labels months and days', () => {
    expect(formatBucket('2026-03', 'month', 'en')).toBe('Mar 2026');
    expect(formatBucket('2026-03-02', 'day', 'en')).toBe('Mon 2');
    expect(formatBucket('Active', 'value', 'en')).toBe('Active');
  });
  it('signs the change, as a percentage when there is one', () => {
    expect(formatChange(5, 25, 'en')).toBe('+25%');
    expect(formatChange(-2, null, 'en')).toBe('−2');
  });
});
