import type { TModuleConfigView } from '@crm/api';
import type { TSavedView, TViewBodyInput } from '@crm/api/search-schemas.js';
import type { ListViewState } from '../../../lib/list-view-state';

const SYSTEM_COLUMNS = new Set(['number', 'created_at', 'updated_at']);

/** The list state a saved view opens with. Empty columns keep the columns on screen (the module's defaults). */
export function viewToState(view: TSavedView, current: ListViewState): ListViewState {
  const widths: Record<string, number> = {};
  for (const column of view.columns) if (column.width !== undefined) widths[column.key] = column.width;
  const columns = view.columns.map((column) => column.key).filter((key) => !SYSTEM_COLUMNS.has(key));
  return {
    viewId: view.id,
    filters: [...view.filters],
    search: view.search,
    sort: view.sort,
    columns: view.columns.length > 0 ? columns : current.columns,
    widths,
    type: view.type,
    kanbanField: view.kanbanField,
    calendarField: view.calendarField,
    calendarMode: view.calendarMode,
    groupBy: view.groupBy,
    pageSize: view.pageSize,
  };
}

/** The body to save for the state on screen (relative date ranges are kept relative in the state itself). */
export function stateToBody(state: ListViewState, base: Pick<TViewBodyInput, 'module' | 'name' | 'visibility' | 'roles'>): TViewBodyInput {
  return {
    module: base.module,
    name: base.name,
    visibility: base.visibility,
    roles: base.roles ?? [],
    type: state.type,
    kanbanField: state.type === 'kanban' ? state.kanbanField : null,
    calendarField: state.type === 'calendar' ? state.calendarField : null,
    calendarMode: state.calendarMode,
    filters: [...state.filters],
    search: state.search,
    columns: state.columns.map((key) => (state.widths[key] !== undefined ? { key, width: state.widths[key] } : { key })),
    sort: isDefaultSort(state.sort) ? null : state.sort,
    groupBy: state.groupBy,
    pageSize: state.pageSize,
  };
}

/** The list's own default (highest number first) is no sort to save. */
function isDefaultSort(sort: ListViewState['sort']): boolean {
  return sort === null || (sort.key === 'number' && sort.direction === 'desc');
}

/** True when the list on screen differs from what the view saved (what "save / save as / reset" is offered for). */
export function isModified(state: ListViewState, view: TSavedView): boolean {
  const body = stateToBody(state, view);
  const comparable = (value: TViewBodyInput) => JSON.stringify([value.filters, value.search, value.sort ?? null, value.type, value.kanbanField ?? null, value.calendarField ?? null, value.calendarMode, value.groupBy ?? null, value.pageSize]);
  const saved: TViewBodyInput = { ...view, sort: isDefaultSort(view.sort) ? null : view.sort };
  if (comparable(body) !== comparable(saved)) return true;
  // A view saved without columns shows the module's defaults: columns count as changed only against explicit ones.
  return view.columns.length > 0 && JSON.stringify(body.columns) !== JSON.stringify(view.columns.filter((column) => !SYSTEM_COLUMNS.has(column.key)));
}

/** Unsaved changes travel in the URL (`vs`), so a reload or a shared link shows them too. */
export function encodeUnsaved(state: ListViewState): string {
  return JSON.stringify(state);
}

export function decodeUnsaved(text: string | null, module: TModuleConfigView, viewId: string): ListViewState | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Partial<ListViewState>;
    if (!Array.isArray(parsed.filters) || !Array.isArray(parsed.columns) || typeof parsed.search !== 'string') return null;
    const known = new Set(module.fields.map((field) => field.key));
    return {
      viewId,
      filters: parsed.filters.filter((filter) => known.has(filter.field)),
      search: parsed.search,
      sort: parsed.sort ?? null,
      columns: parsed.columns.filter((key) => known.has(key)),
      widths: parsed.widths ?? {},
      type: parsed.type ?? 'table',
      kanbanField: parsed.kanbanField ?? null,
      calendarField: parsed.calendarField ?? null,
      calendarMode: parsed.calendarMode ?? 'month',
      groupBy: parsed.groupBy ?? null,
      pageSize: parsed.pageSize ?? 50,
    };
  } catch {
    return null;
  }
}
