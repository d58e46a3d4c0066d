import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type Cell,
  type ColumnDef,
  type Header,
  type Row,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ComponentPropsWithRef, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { Tooltip } from '../../../components/tooltip';
import { formatDateTime, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import type { ServerSort } from '../api/records-api';
import { clampPosition, moveInGrid, type GridPosition } from '../grid/grid-navigation';
import { InlineCellEditor } from '../grid/inline-cell-editor';
import { readOnlyFieldsOf, useTenantSession } from '../../../lib/tenant/tenant-session';
import { isInlineEditable } from '../grid/inline-edit-model';
import '../grid/grid.css';

/**
 * Rows are memoised: while scrolling, rows already on screen keep their
 * props (same row object, same offset) and skip rendering; only rows that
 * scroll into view render. That keeps frames short on long lists.
 */
const VirtualRow = memo(function VirtualRow({
  row,
  cells,
  index,
  start,
  template,
  focusCol,
  activeCol,
  editingKey,
  selected,
  onCellClick,
  renderEditor,
}: {
  row: Row<TRecordView>;
  /**
   * The row's cells, passed in rather than read here: TanStack keeps a row object while only the columns change
   * (a checkbox disabled, a new handler), and the cells array is what changes then, so the memo redraws the row.
   */
  cells: Cell<TRecordView, unknown>[];
  index: number;
  start: number;
  template: string;
  /** The column whose cell is in the tab order (roving tabindex), -1 for none in this row. */
  focusCol: number;
  activeCol: number;
  editingKey: string | null;
  selected: boolean;
  onCellClick: (event: MouseEvent<HTMLTableCellElement>, row: number, col: number) => void;
  renderEditor: (record: TRecordView, key: string) => ReactNode;
}) {
  return (
    <tr
      data-index={index}
      className={`data-row${selected ? ' is-selected' : ''}${editingKey ? ' is-editing' : ''}`}
      aria-rowindex={index + 2}
      aria-selected={selected || undefined}
      style={{ display: 'grid', gridTemplateColumns: template, position: 'absolute', transform: `translateY(${start}px)`, width: '100%', height: ROW_HEIGHT }}
    >
      {cells.map((cell, col) => (
        <td
          key={cell.id}
          data-cell={`${index}:${col}`}
          tabIndex={col === focusCol ? 0 : -1}
          className={col === activeCol ? 'is-active' : undefined}
          onClick={(event) => onCellClick(event, index, col)}
        >
          {editingKey === cell.column.id ? renderEditor(row.original, cell.column.id) : flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  );
});

/** Extra props (a tooltip anchor's handlers and ref) go to the button. */
function SortButton({ header, sorted, ...rest }: { header: Header<TRecordView, unknown>; sorted: false | 'asc' | 'desc' } & ComponentPropsWithRef<'button'>) {
  return (
    <button
      type="button"
      className="th-button"
      {...rest}
      onClick={(event) => {
        rest.onClick?.(event);
        header.column.getToggleSortingHandler()?.(event);
      }}
    >
      {flexRender(header.column.columnDef.header, header.getContext())}
      <span className="sort-mark" aria-hidden="true">
        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
      </span>
    </button>
  );
}

export const SERVER_SORT_COLUMNS: Record<string, ServerSort> = { number: 'number', created_at: 'created_at', updated_at: 'updated_at' };

/**
 * How the server sorts a column across all pages: the system columns, and
 * indexed fields whose index slot is filled. Other columns sort the loaded rows.
 */
export function serverSortOf(module: TModuleConfigView, columnId: string): ServerSort | undefined {
  const system = SERVER_SORT_COLUMNS[columnId];
  if (system) return system;
  return module.index_slots.some((slot) => slot.field === columnId && slot.state === 'ready') ? columnId : undefined;
}
const ROW_HEIGHT = 44;

interface RecordsTableProps {
  readonly tenantId: string;
  readonly module: TModuleConfigView;
  readonly columns: readonly string[];
  /** Pixels per column key (a saved view's widths); absent: the default by field type. */
  readonly widths?: Readonly<Record<string, number>>;
  readonly records: readonly TRecordView[];
  readonly sorting: SortingState;
  readonly onSortingChange: (sorting: SortingState) => void;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly onLoadMore: () => void;
  /** Resolves the module of a relationship target, for links. */
  readonly relatedModuleOf: (fieldKey: string) => string | null;
  /** Whether the user may edit this record in place (the server checks again); absent: no inline editing. */
  readonly canEdit?: (record: TRecordView) => boolean;
  /** A record saved (or reloaded) from a cell editor, to put in the loaded list. */
  readonly onRecordChanged?: (record: TRecordView) => void;
  /** Row selection for bulk actions; absent: no selection column. */
  readonly selection?: RowSelection;
  /**
   * The rows shown are the previous view's while a new search or filter is answered: the table says it is
   * busy and its rows cannot be ticked (a tick would belong to a view that is about to go).
   */
  readonly updating?: boolean;
}

export interface RowSelection {
  readonly selected: ReadonlySet<string>;
  readonly onToggle: (record: TRecordView) => void;
  /** Selects every loaded row, or clears the selection when all are selected. */
  readonly onToggleAll: () => void;
}

/**
 * TanStack Table for the model, TanStack Virtual for the rows: only the rows
 * in view are in the DOM, so thousands of loaded records scroll smoothly.
 * Reaching the end of the loaded rows fetches the next server page.
 */
export function RecordsTable(props: RecordsTableProps) {
  const { tenantId, module, columns, widths, records, sorting, onSortingChange, hasMore, loadingMore, onLoadMore, relatedModuleOf, canEdit, onRecordChanged, selection, updating = false } = props;
  const navigate = useNavigate();
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const language = i18n.language;
  const scrollRef = useRef<HTMLDivElement>(null);

  const columnDefs = useMemo<ColumnDef<TRecordView>[]>(() => {
    const fieldsByKey = new Map(module.fields.map((field) => [field.key, field]));
    const yesNo = { yes: t('records.yes'), no: t('records.no') };
    const defs: ColumnDef<TRecordView>[] = [
      ...(selection
        ? [
            {
              id: 'select',
              header: () => (
                <input
                  type="checkbox"
                  className="row-check"
                  aria-label={t('exportBulk.select.allLoaded')}
                  checked={records.length > 0 && records.every((record) => selection.selected.has(record.id))}
                  disabled={updating}
                  onChange={selection.onToggleAll}
                  data-testid="select-all-loaded"
                />
              ),
              size: 48,
              enableSorting: false,
              cell: ({ row }) => (
                <input
                  type="checkbox"
                  className="row-check"
                  tabIndex={-1}
                  aria-label={t('exportBulk.select.row', { number: row.original.number })}
                  checked={selection.selected.has(row.original.id)}
                  disabled={updating}
                  onChange={() => selection.onToggle(row.original)}
                  data-testid="select-row"
                />
              ),
            } satisfies ColumnDef<TRecordView>,
          ]
        : []),
      {
        id: 'number',
        header: t('records.number'),
        accessorFn: (record) => record.number,
        size: 130,
        cell: ({ row }) => (
          <Link to={paths.record(tenantId, module.slug, row.original.id)} className="record-link" data-testid="record-link" tabIndex={-1}>
            {row.original.number}
          </Link>
        ),
      },
    ];
    for (const key of columns) {
      const field = fieldsByKey.get(key);
      if (!field) continue;
      defs.push({
        id: key,
        header: label(field.label, key),
        size: widths?.[key] ?? (field.type === 'textarea' ? 280 : field.type === 'checkbox' ? 100 : 180),
        accessorFn: (record) => {
          const value = record.data[key];
          // Sort on what the user sees (names of related records, option labels), not on ids.
          return formatFieldValue(field, value, language, record.related[key]?.display ?? null, yesNo);
        },
        cell: ({ row, getValue }) => {
          const text = String(getValue() ?? '');
          const related = row.original.related[key];
          const target = field.type === 'relationship' ? relatedModuleOf(key) : null;
          if (related && target) {
            return (
              <Link to={paths.record(tenantId, target, related.id)} className="cell-link" tabIndex={-1}>
                {text}
              </Link>
            );
          }
          if (field.type === 'select' && text !== '') return <span className="pill">{text}</span>;
          if (field.type === 'number' || field.type === 'currency') return <span className="num">{text}</span>;
          return <span title={text}>{text}</span>;
        },
      });
    }
    defs.push({
      id: 'updated_at',
      header: t('records.updated'),
      size: 200,
      accessorFn: (record) => record.updatedAt,
      cell: ({ getValue }) => <span className="muted">{formatDateTime(String(getValue()), language)}</span>,
    });
    return defs;
  }, [columns, widths, module, tenantId, label, language, t, relatedModuleOf, selection, records, updating]);

  const serverSorted = sorting.length === 0 || (sorting[0] !== undefined && serverSortOf(module, sorting[0].id) !== undefined);
  const table = useReactTable({
    data: records as TRecordView[],
    columns: columnDefs,
    state: { sorting },
    onSortingChange: (updater) => onSortingChange(typeof updater === 'function' ? updater(sorting) : updater),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    // Number, created, updated and indexed fields are sorted by the server across all pages; other columns sort the loaded rows.
    manualSorting: serverSorted,
    enableSortingRemoval: false,
    getRowId: (record) => record.id,
  });
  const rows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? (items[items.length - 1]?.index ?? 0) : 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - 15) onLoadMore();
  }, [lastIndex, rows.length, hasMore, loadingMore, onLoadMore]);

  const leafColumns = table.getVisibleLeafColumns();
  const template = leafColumns.map((column) => `minmax(${column.getSize()}px, 1fr)`).join(' ');
  // A fixed minimum width instead of `max-content`: intrinsic sizing would make every scroll re-measure the rows.
  const minWidth = leafColumns.reduce((sum, column) => sum + column.getSize(), 0);

  // Grid keyboard model: one active cell in the tab order, arrows move it, Enter acts on it.
  const [activeCell, setActiveCell] = useState<GridPosition>({ row: 0, col: 0 });
  const [editing, setEditing] = useState<{ recordId: string; key: string } | null>(null);
  const gridSize = { rows: rows.length, cols: leafColumns.length, page: Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 440) / ROW_HEIGHT) - 1) };
  const active = clampPosition(activeCell, gridSize);
  const fieldsByKey = useMemo(() => new Map(module.fields.map((field) => [field.key, field])), [module]);
  const session = useTenantSession();
  const readOnly = useMemo(() => readOnlyFieldsOf(session, module.slug), [session, module.slug]);

  const focusCell = useCallback((position: GridPosition) => {
    setActiveCell(position);
    virtualizer.scrollToIndex(position.row);
    // The row may render only after the scroll: focus on the next frame.
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-cell="${position.row}:${position.col}"]`)?.focus());
  }, [virtualizer]);

  const editableField = useCallback(
    (record: TRecordView, columnId: string) => {
      const field = fieldsByKey.get(columnId);
      return field && canEdit && isInlineEditable(field, readOnly) && canEdit(record) ? field : null;
    },
    [fieldsByKey, canEdit, readOnly],
  );

  /** Enter (or a click) on a cell: edit a field, open the record from its number, tick the row. */
  const activate = useCallback(
    (position: GridPosition, viaKeyboard: boolean) => {
      const row = rows[position.row];
      const column = leafColumns[position.col];
      if (!row || !column) return;
      if (editableField(row.original, column.id)) {
        setEditing({ recordId: row.original.id, key: column.id });
      } else if (viaKeyboard && column.id === 'number') {
        void navigate(paths.record(tenantId, module.slug, row.original.id));
      } else if (viaKeyboard && column.id === 'select') {
        if (!updating) selection?.onToggle(row.original);
      } else if (viaKeyboard) {
        scrollRef.current?.querySelector<HTMLElement>(`[data-cell="${position.row}:${position.col}"] a`)?.click();
      }
    },
    [rows, leafColumns, editableField, navigate, tenantId, module.slug, selection, updating],
  );

  const onGridKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (editing) return;
    const next = moveInGrid(active, event.key, gridSize, event.ctrlKey || event.metaKey);
    if (next) {
      event.preventDefault();
      focusCell(next);
    } else if (event.key === 'Enter' || event.key === 'F2' || (event.key === ' ' && leafColumns[active.col]?.id === 'select')) {
      event.preventDefault();
      activate(active, true);
    }
  };

  const onCellClick = useCallback(
    (event: MouseEvent<HTMLTableCellElement>, row: number, col: number) => {
      setActiveCell({ row, col });
      // Links and checkboxes inside a cell keep their own click.
      if ((event.target as HTMLElement).closest('a, input, button, select, textarea, .cell-editor')) return;
      activate({ row, col }, false);
    },
    [activate],
  );

  const closeEditor = useCallback(
    (position: GridPosition) => () => {
      const cellOf = () => scrollRef.current?.querySelector<HTMLElement>(`[data-cell="${position.row}:${position.col}"]`);
      // The cell hosts the editor and outlives it: focus it now, so a key pressed right after Escape reaches the grid.
      cellOf()?.focus();
      setEditing(null);
      // A re-render may have replaced the cell meanwhile (the list refreshed): focus it again once drawn.
      requestAnimationFrame(() => {
        if (!scrollRef.current?.contains(document.activeElement)) cellOf()?.focus();
      });
    },
    [],
  );

  const renderEditor = useCallback(
    (record: TRecordView, key: string) => {
      const field = fieldsByKey.get(key);
      if (!field) return null;
      const position = { row: rows.findIndex((row) => row.original.id === record.id), col: leafColumns.findIndex((column) => column.id === key) };
      return (
        <InlineCellEditor
          tenantId={tenantId}
          field={field}
          record={record}
          onSaved={(saved) => onRecordChanged?.(saved)}
          onClose={closeEditor(position)}
        />
      );
    },
    [fieldsByKey, rows, leafColumns, tenantId, onRecordChanged, closeEditor],
  );
  // The active row may be scrolled away (virtualised out of the DOM): then the first row in view holds the tab stop.
  const focusRow = items.some((item) => item.index === active.row) ? active.row : (items[0]?.index ?? -1);

  return (
    <div className="table-scroll" ref={scrollRef} data-testid="records-table">
      <table className="data-table" role="grid" aria-label={t('exportBulk.grid.label')} aria-busy={updating || undefined} style={{ display: 'grid', minWidth }} aria-rowcount={rows.length + 1}>
        <thead style={{ display: 'grid', position: 'sticky', top: 0, zIndex: 1 }}>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} style={{ display: 'grid', gridTemplateColumns: template }}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th key={header.id} aria-sort={header.column.id === 'select' ? undefined : sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
                    {header.column.id === 'select' ? (
                      flexRender(header.column.columnDef.header, header.getContext())
                    ) : serverSortOf(module, header.column.id) !== undefined ? (
                      <SortButton header={header} sorted={sorted} />
                    ) : (
                      // The hint is extra: the list itself says when a sort covers only the loaded rows (records-page).
                      <Tooltip content={t('records.sortHint')}>
                        <SortButton header={header} sorted={sorted} />
                      </Tooltip>
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody
          className={editing ? 'has-editor' : undefined}
          style={{ display: 'grid', height: virtualizer.getTotalSize(), position: 'relative' }}
          onKeyDown={onGridKeyDown}
        >
          {items.map((item) => {
            const row = rows[item.index];
            return row ? (
              <VirtualRow
                key={row.id}
                row={row}
                cells={row.getVisibleCells()}
                index={item.index}
                start={item.start}
                template={template}
                focusCol={item.index === focusRow ? active.col : -1}
                activeCol={item.index === active.row ? active.col : -1}
                editingKey={editing?.recordId === row.original.id ? editing.key : null}
                selected={selection?.selected.has(row.original.id) ?? false}
                onCellClick={onCellClick}
                renderEditor={renderEditor}
              />
            ) : null;
          })}
        </tbody>
      </table>
      {loadingMore ? <div className="table-footer muted">{t('records.loadingMore')}</div> : null}
    </div>
  );
}
