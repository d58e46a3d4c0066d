import { describe, expect, it } from 'vitest';
import { eqFiltersFromSearch, paths } from './routes';

describe('list URLs carrying equality filters', () => {
  it('round-trips field = value pairs, values with spaces included', () => {
    const url = paths.moduleWhere('demo-corp', 'deals', [{ field: 'stage', value: 'Closed Won' }]);
    expect(url).toBe('/t/demo-corp/m/deals?eq.stage=Closed+Won');
    expect(eqFiltersFromSearch(new URL(url, 'http://x').searchParams)).toEqual([{ field: 'stage', value: 'Closed Won' }]);
  });

  it('ignores other parameters', () => {
    expect(eqFiltersFromSearch(new URLSearchParams('view=board&eq.=x&eq.status=New'))).toEqual([{ field: 'status', value: 'New' }]);
  });
});
