import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type Header,
  type Row,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type ComponentPropsWithRef } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { Tooltip } from '../../../components/tooltip';
import { formatDateTime, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import type { ServerSort } from '../api/records-api';

/**
 * Rows are memoised: while scrolling, rows already on screen keep their
 * props (same row object, same offset) and skip rendering; only rows that
 * scroll into view render. That keeps frames short on long lists.
 */
const VirtualRow = memo(function VirtualRow({ row, index, start, template }: { row: Row<TRecordView>; index: number; start: number; template: string }) {
  return (
    <tr
      data-index={index}
      className="data-row"
      style={{ display: 'grid', gridTemplateColumns: template, position: 'absolute', transform: `translateY(${start}px)`, width: '100%', height: ROW_HEIGHT }}
    >
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
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
}

/**
 * TanStack Table for the model, TanStack Virtual for the rows: only the rows
 * in view are in the DOM, so thousands of loaded records scroll smoothly.
 * Reaching the end of the loaded rows fetches the next server page.
 */
export function RecordsTable(props: RecordsTableProps) {
  const { tenantId, module, columns, widths, records, sorting, onSortingChange, hasMore, loadingMore, onLoadMore, relatedModuleOf } = props;
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const language = i18n.language;
  const scrollRef = useRef<HTMLDivElement>(null);

  const columnDefs = useMemo<ColumnDef<TRecordView>[]>(() => {
    const fieldsByKey = new Map(module.fields.map((field) => [field.key, field]));
    const yesNo = { yes: t('records.yes'), no: t('records.no') };
    const defs: ColumnDef<TRecordView>[] = [
      {
        id: 'number',
        header: t('records.number'),
        accessorFn: (record) => record.number,
        size: 130,
        cell: ({ row }) => (
          <Link to={paths.record(tenantId, module.slug, row.original.id)} className="record-link" data-testid="record-link">
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
              <Link to={paths.record(tenantId, target, related.id)} className="cell-link">
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
  }, [columns, widths, module, tenantId, label, language, t, relatedModuleOf]);

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

  return (
    <div className="table-scroll" ref={scrollRef} data-testid="records-table">
      <table className="data-table" style={{ display: 'grid', minWidth }} aria-rowcount={rows.length}>
        <thead style={{ display: 'grid', position: 'sticky', top: 0, zIndex: 1 }}>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} style={{ display: 'grid', gridTemplateColumns: template }}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th key={header.id} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
                    {serverSortOf(module, header.column.id) !== undefined ? (
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
        <tbody style={{ display: 'grid', height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            return row ? <VirtualRow key={row.id} row={row} index={item.index} start={item.start} template={template} /> : null;
          })}
        </tbody>
      </table>
      {loadingMore ? <div className="table-footer muted">{t('records.loadingMore')}</div> : null}
    </div>
  );
}
