import type { ComponentType } from 'react';
import type { TModuleConfigView } from '@crm/api';
import type { ListFilter } from './list-filters';

/**
 * What a module's list shows, as one value: the records page owns it, a
 * saved view (features/search-views) reads and applies it through the slots
 * below, so neither feature imports the other.
 */
export interface ListViewState {
  /** The saved view this state was opened from (edits keep it); null: none. */
  readonly viewId: string | null;
  /** As the user set them: relative date ranges stay relative (resolved when the list is fetched). */
  readonly filters: readonly ListFilter[];
  readonly search: string;
  /** A column id (`number`, `created_at`, `updated_at` or a field key); null: the default order. */
  readonly sort: { readonly key: string; readonly direction: 'asc' | 'desc' } | null;
  /** Field keys shown, in order. */
  readonly columns: readonly string[];
  /** Pixels per column key; absent: the default width. */
  readonly widths: Readonly<Record<string, number>>;
  readonly type: 'table' | 'kanban' | 'calendar';
  readonly kanbanField: string | null;
  readonly calendarField: string | null;
  readonly calendarMode: 'day' | 'week' | 'month';
  readonly groupBy: string | null;
  readonly pageSize: number;
}

export interface ListViewSlotProps {
  readonly module: TModuleConfigView;
  readonly state: ListViewState;
  readonly apply: (state: ListViewState) => void;
}

/** Filled by the app: the saved-view bar above the list, and the bodies the records feature does not draw itself (calendar, grouped table). */
export interface ListViewSlots {
  readonly Bar?: ComponentType<ListViewSlotProps>;
  /** Rendered instead of the table when the state asks for a calendar or groups. */
  readonly Body?: ComponentType<ListViewSlotProps>;
}
