import { describe, expect, it } from 'vitest';
import { RELATIVE_DATE_VALUES } from '../template/relative-dates.js';
import { bucketsOf, resolveRelativeDate, todayIn } from './date-range.js';

/** Wednesday 2 December 2026: its week starts in November. */
const TODAY = '2026-12-02';

const EXPECTED: Record<string, [string, string, string, string]> = {
  // word: current start, current end (exclusive), previous start, previous end
  today: ['2026-12-02', '2026-12-03', '2026-12-01', '2026-12-02'],
  yesterday: ['2026-12-01', '2026-12-02', '2026-11-30', '2026-12-01'],
  tomorrow: ['2026-12-03', '2026-12-04', '2026-12-02', '2026-12-03'],
  this_week: ['2026-11-30', '2026-12-07', '2026-11-23', '2026-11-30'],
  last_week: ['2026-11-23', '2026-11-30', '2026-11-16', '2026-11-23'],
  this_month: ['2026-12-01', '2027-01-01', '2026-11-01', '2026-12-01'],
  last_month: ['2026-11-01', '2026-12-01', '2026-10-01', '2026-11-01'],
  this_quarter: ['2026-10-01', '2027-01-01', '2026-07-01', '2026-10-01'],
  this_year: ['2026-01-01', '2027-01-01', '2025-01-01', '2026-01-01'],
  last_7_days: ['2026-11-26', '2026-12-03', '2026-11-19', '2026-11-26'],
  last_30_days: ['2026-11-03', '2026-12-03', '2026-10-04', '2026-11-03'],
  last_90_days: ['2026-09-04', '2026-12-03', '2026-06-06', '2026-09-04'],
  next_7_days: ['2026-12-02', '2026-12-09', '2026-11-25', '2026-12-02'],
  next_30_days: ['2026-12-02', '2027-01-01', '2026-11-02', '2026-12-02'],
};

describe('relative dates', () => {
  it.each(RELATIVE_DATE_VALUES.map((word) => [word]))('resolves %s with its previous period', (word) => {
    const [start, end, previousStart, previousEnd] = EXPECTED[word] as [string, string, string, string];
    expect(resolveRelativeDate(word, TODAY)).toEqual({ current: { start, end }, previous: { start: previousStart, end: previousEnd } });
  });

  it('takes "today" from the tenant zone', () => {
    const now = new Date('2026-12-01T20:00:00Z');
    expect(todayIn(now, 'UTC')).toBe('2026-12-01');
    expect(todayIn(now, 'Asia/Kolkata')).toBe('2026-12-02');
    expect(todayIn(now, 'Pacific/Honolulu')).toBe('2026-12-01');
  });

  it('groups a week that crosses a month into two month buckets and one week bucket', () => {
    const week = resolveRelativeDate('this_week', TODAY).current;
    expect(bucketsOf(week, 'month')).toEqual([
      { key: '2026-11', start: '2026-11-30', end: '2026-12-01' },
      { key: '2026-12', start: '2026-12-01', end: '2026-12-07' },
    ]);
    expect(bucketsOf(week, 'week')).toEqual([{ key: '2026-11-30', start: '2026-11-30', end: '2026-12-07' }]);
    expect(bucketsOf(week, 'day').map((bucket) => bucket.key)).toEqual([
      '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06',
    ]);
  });

  it('clips week buckets to the range', () => {
    expect(bucketsOf({ start: '2026-12-02', end: '2026-12-10' }, 'week')).toEqual([
      { key: '2026-11-30', start: '2026-12-02', end: '2026-12-07' },
      { key: '2026-12-07', start: '2026-12-07', end: '2026-12-10' },
    ]);
  });
});
