/**
 * Only Number, Created and Updated are sorted by the server; any other column
 * is sorted in the browser, over the rows it has. So that such a sort does
 * not pretend, the list loads every matching row when they are few (up to
 * this many) and says plainly when it sorted only part of them.
 */
export const LOAD_ALL_TO_SORT_LIMIT = 1000;

export type SortCoverage =
  /** Server sort, or every matching row is loaded: the order is true. */
  | 'complete'
  /** A browser sort while the remaining rows are still coming. */
  | 'loading'
  /** A browser sort over the first rows only: too many to load them all. */
  | 'partial';

export function sortCoverage({ browserSort, hasMore, loaded, limit = LOAD_ALL_TO_SORT_LIMIT }: { browserSort: boolean; hasMore: boolean; loaded: number; limit?: number }): SortCoverage {
  if (!browserSort || !hasMore) return 'complete';
  return loaded < limit ? 'loading' : 'partial';
}
