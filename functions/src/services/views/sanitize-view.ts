import type { FieldDefinition } from '../../engine/template/template-schema.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import type { TViewBody } from '../../engine/views/view-schema.js';

/** Columns and sort keys every module has. */
export const SYSTEM_KEYS = ['number', 'created_at', 'updated_at'] as const;

/**
 * The part of a view a caller may use: columns, filters and the
 * sort/group/kanban/calendar field on fields they may not read (deactivated,
 * removed, or denied by `canReadField`) are dropped, with no error, and
 * `dropped` names them. A kanban or calendar view without its field opens as
 * a table. The caller's module rights are checked before (a view of a module
 * they may not read is not listed at all).
 */
export function sanitizeView<V extends TViewBody>(
  view: V,
  module: ResolvedModule,
  canReadField: (field: FieldDefinition) => boolean = () => true,
): V & { dropped: string[] } {
  const dropped = new Set<string>();
  const readable = (key: string) => {
    if ((SYSTEM_KEYS as readonly string[]).includes(key)) return true;
    const field = module.activeFields.find((candidate) => candidate.key === key);
    const ok = field !== undefined && canReadField(field);
    if (!ok) dropped.add(key);
    return ok;
  };
  const columns = view.columns.filter((column) => readable(column.key));
  const filters = view.filters.filter((filter) => readable(filter.field));
  const sort = view.sort && readable(view.sort.key) ? view.sort : null;
  const groupBy = view.groupBy && readable(view.groupBy) ? view.groupBy : null;
  const kanbanField = view.kanbanField && readable(view.kanbanField) ? view.kanbanField : null;
  const calendarField = view.calendarField && readable(view.calendarField) ? view.calendarField : null;
  const type = (view.type === 'kanban' && !kanbanField) || (view.type === 'calendar' && !calendarField) ? 'table' : view.type;
  return { ...view, columns, filters, sort, groupBy, kanbanField, calendarField, type, dropped: [...dropped] };
}
