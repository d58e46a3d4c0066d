import { describe, expect, it } from 'vitest';
import type { TModuleConfigView } from '@crm/api';
import type { TSavedView } from '@crm/api/search-schemas.js';
import type { ListViewState } from '../../../lib/list-view-state';
import { resolveFilter, resolveFilters } from '../../../lib/list-filters';
import { decodeUnsaved, encodeUnsaved, isModified, stateToBody, viewToState } from './view-state';

const baseState: ListViewState = {
  viewId: null, filters: [], search: '', sort: { key: 'number', direction: 'desc' }, columns: ['full_name', 'status'], widths: {},
  type: 'table', kanbanField: null, calendarField: null, calendarMode: 'month', groupBy: null, pageSize: 100,
};

function buildView(overrides: Partial<TSavedView> = {}): TSavedView {
  return {
    id: 'v1', module: 'patients', name: 'Recent births', visibility: 'personal', roles: [], type: 'table', kanbanField: null,
    calendarField: null, calendarMode: 'month', filters: [{ field: 'status', op: 'eq', value: 'Active' }, { field: 'date_of_birth', op: 'relative', value: 'last_7_days' }],
    search: 'ada', columns: [{ key: 'status', width: 120 }, { key: 'full_name' }], sort: null, groupBy: null, pageSize: 50,
    ownerId: 'u1', defaultForRoles: [], createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', dropped: [], editable: true,
    ...overrides,
  };
}

describe('saved view ↔ list state', () => {
  it('resolves a relative range to the days it covers (today included)', () => {
    expect(resolveFilter({ field: 'date_of_birth', op: 'relative', value: 'last_7_days' }, '2026-11-30')).toEqual([
      { field: 'date_of_birth', op: 'gte', value: '2026-11-24' },
      { field: 'date_of_birth', op: 'lt', value: '2026-12-01' },
    ]);
    expect(resolveFilters([{ field: 'status', op: 'eq', value: 'New' }, { field: 'date_of_birth', op: 'relative', value: 'today' }], '2026-11-30')).toEqual([
      { field: 'status', op: 'eq', value: 'New' },
      { field: 'date_of_birth', op: 'gte', value: '2026-11-30' },
      { field: 'date_of_birth', op: 'lt', value: '2026-12-01' },
    ]);
  });

  it('opens a view with its columns in order and widths, and is not modified until the list changes', () => {
    const view = buildView();
    const state = viewToState(view, baseState);
    expect(state.columns).toEqual(['status', 'full_name']);
    expect(state.widths).toEqual({ status: 120 });
    expect(state.filters).toEqual(view.filters);
    expect(isModified(state, view)).toBe(false);
    expect(isModified({ ...state, columns: ['full_name', 'status'] }, view)).toBe(true);
    expect(isModified({ ...state, search: 'bob' }, view)).toBe(true);
    expect(isModified({ ...state, filters: [{ field: 'date_of_birth', op: 'relative', value: 'last_30_days' }] }, view)).toBe(true);
  });

  it('saves a relative range as the range, so it stays relative', () => {
    const view = buildView();
    const state = viewToState(view, baseState);
    const body = stateToBody(state, view);
    expect(body.filters).toEqual([{ field: 'status', op: 'eq', value: 'Active' }, { field: 'date_of_birth', op: 'relative', value: 'last_7_days' }]);
    // A range added on screen is saved as a range too, after the view's own filters.
    expect(stateToBody({ ...state, filters: [...state.filters, { field: 'date_of_birth', op: 'relative', value: 'next_7_days' }] }, view).filters?.at(-1)).toEqual({ field: 'date_of_birth', op: 'relative', value: 'next_7_days' });
    expect(body.columns).toEqual([{ key: 'status', width: 120 }, { key: 'full_name' }]);
    expect(body.sort).toBeNull();
  });

  it('carries unsaved changes through the URL, dropping fields the module does not have', () => {
    const module = { slug: 'patients', fields: [{ key: 'full_name' }, { key: 'status' }] } as unknown as TModuleConfigView;
    const state = { ...baseState, filters: [{ field: 'gone', op: 'eq' as const, value: 'x' }, { field: 'status', op: 'eq' as const, value: 'New' }] };
    const decoded = decodeUnsaved(encodeUnsaved(state), module, 'v1');
    expect(decoded?.filters).toEqual([{ field: 'status', op: 'eq', value: 'New' }]);
    expect(decodeUnsaved('{not json', module, 'v1')).toBeNull();
  });
});
