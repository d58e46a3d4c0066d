import { describe, expect, it } from 'vitest';
import { sortCoverage } from './sort-coverage';

describe('sortCoverage', () => {
  it('trusts a server sort whatever is loaded', () => {
    expect(sortCoverage({ browserSort: false, hasMore: true, loaded: 50 })).toBe('complete');
  });

  it('keeps loading a browser sort while the matching rows are few', () => {
    expect(sortCoverage({ browserSort: true, hasMore: true, loaded: 100 })).toBe('loading');
  });

  it('is complete once every matching row is loaded', () => {
    expect(sortCoverage({ browserSort: true, hasMore: false, loaded: 141 })).toBe('complete');
  });

  it('admits a partial sort when there are too many rows to load', () => {
    expect(sortCoverage({ browserSort: true, hasMore: true, loaded: 1000, limit: 1000 })).toBe('partial');
  });
});
