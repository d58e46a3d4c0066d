import { useQueryClient } from '@tanstack/react-query';
import type { SortingState } from '@tanstack/react-table';
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TRecordView } from '@crm/api';
import { relationshipOptions } from '@crm/engine/fields/field-definition.js';
import { ModuleIcon, PlusIcon } from '../../../components/module-icon';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel, useNewRecordTitle } from '../../../lib/i18n/use-label';
import { eqFiltersFromSearch, paths } from '../../../lib/routes';
import type { ListViewSlots, ListViewState } from '../../../lib/list-view-state';
import { findModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import { recordsKey, useListPlan, useRecordList, type ListParams } from '../api/records-api';
import { replaceRecordInPages } from '../grid/inline-edit-model';
import { BulkActionBar, type SelectedRecord } from './bulk-action-bar';
import { ExportDialog } from './export-dialog';
import { sortCoverage } from '../forms/sort-coverage';
import { useColumnChoice } from '../hooks/use-column-choice';
import { useDebouncedValue } from '../hooks/use-debounced-value';
import { useRecordPermissions } from '../hooks/use-record-permissions';
import { ColumnChooser } from './column-chooser';
import { FilterBar } from './filter-bar';
import { RecordsTable, serverSortOf } from './records-table';
import { resolveFilters, todayIn, type ListFilter } from '../../../lib/list-filters';

interface SelectionState {
  /** The view (list parameters) the selection was made in. */
  readonly key: string;
  readonly selected: ReadonlyMap<string, SelectedRecord>;
  readonly allMatching: boolean;
}
const NO_SELECTION: ReadonlyMap<string, SelectedRecord> = new Map();

const KanbanBoard = lazy(async () => ({ default: (await import('./kanban-board')).KanbanBoard }));

/** A module's records: table (virtualised, cursor-paginated) or, for modules with statuses, a board. */
/** `slots`: the saved-view bar and the calendar / grouped bodies, filled by the app (features/search-views). */
export function RecordsPage({ slots = {} }: { slots?: ListViewSlots } = {}) {
  const { module: slug = '' } = useParams();
  const session = useTenantSession();
  const module = findModule(session, slug);
  const { t } = useTranslation();
  if (!module) return <ErrorBanner message={t('errors.notFound')} />;
  // Keyed by module: switching modules starts with fresh filters and columns.
  return <ModuleRecords key={module.slug} moduleSlug={module.slug} slots={slots} />;
}

/** The parts of a list's state only saved views set (the page's own controls set the rest). */
type ViewExtras = Pick<ListViewState, 'viewId' | 'widths' | 'type' | 'kanbanField' | 'calendarField' | 'calendarMode' | 'groupBy' | 'pageSize'>;
const DEFAULT_EXTRAS: ViewExtras = { viewId: null, widths: {}, type: 'table', kanbanField: null, calendarField: null, calendarMode: 'month', groupBy: null, pageSize: 100 };

function ModuleRecords({ moduleSlug, slots }: { moduleSlug: string; slots: ListViewSlots }) {
  const { t } = useTranslation();
  const label = useLabel();
  const newTitle = useNewRecordTitle();
  const session = useTenantSession();
  const { tenantId } = session;
  const module = findModule(session, moduleSlug);
  if (!module) throw new Error('module vanished');
  const { scopes, can } = useRecordPermissions(module.slug);
  const [searchParams, setSearchParams] = useSearchParams();
  const [extras, setExtras] = useState<ViewExtras>(DEFAULT_EXTRAS);
  const kanbanField = extras.type === 'kanban' ? (extras.kanbanField ?? module.status_field) : null;
  const view = (searchParams.get('view') === 'board' && module.status_field) || kanbanField ? 'board' : 'table';
  const customBody = slots.Body !== undefined && (extras.type === 'calendar' || extras.groupBy !== null);
  const [search, setSearch] = useState('');
  // Normalised before it keys the list: a trailing space (the server ignores it) neither refetches nor drops the selection.
  const typedSearch = search.trim().replace(/\s+/g, ' ');
  const debouncedSearch = useDebouncedValue(typedSearch);
  // A link may open the list filtered (`?eq.stage=Won`, e.g. from a dashboard's pipeline): known fields only.
  const [filters, setFilters] = useState<ListFilter[]>(() =>
    eqFiltersFromSearch(searchParams)
      .filter((filter) => module.fields.some((field) => field.key === filter.field))
      .map((filter) => ({ field: filter.field, op: 'eq', value: filter.value })),
  );
  // Deleted records stay restorable; the trash lists them for whoever may delete.
  const [trash, setTrash] = useState(false);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'number', desc: true }]);
  const { columns, setColumns } = useColumnChoice(tenantId, module);

  // Relative date ranges ("last 30 days") stay relative in the state and resolve to days in the tenant's zone here.
  const today = todayIn(session.config?.timezone);
  const serverSort = sorting[0] && serverSortOf(module, sorting[0].id) !== undefined ? sorting[0] : undefined;
  const params = useMemo<ListParams>(
    () => ({
      module: module.slug,
      filters: resolveFilters(filters, today),
      search: debouncedSearch,
      sort: serverSort ? (serverSortOf(module, serverSort.id) ?? 'created_at') : 'created_at',
      direction: serverSort ? (serverSort.desc ? 'desc' : 'asc') : 'desc',
      deleted: trash,
      pageSize: extras.pageSize,
    }),
    [module, filters, today, debouncedSearch, serverSort, trash, extras.pageSize],
  );
  const tableShown = view === 'table' && !customBody && scopes.read !== 'none';
  const viewState: ListViewState = {
    filters,
    search,
    sort: sorting[0] ? { key: sorting[0].id, direction: sorting[0].desc ? 'desc' : 'asc' } : null,
    columns,
    ...extras,
  };
  const applyView = (next: ListViewState) => {
    setFilters([...next.filters]);
    setSearch(next.search);
    setSorting(next.sort ? [{ id: next.sort.key, desc: next.sort.direction === 'desc' }] : [{ id: 'number', desc: true }]);
    setColumns([...next.columns]);
    setExtras({ viewId: next.viewId, widths: next.widths, type: next.type, kanbanField: next.kanbanField, calendarField: next.calendarField, calendarMode: next.calendarMode, groupBy: next.groupBy, pageSize: next.pageSize });
  };
  // A filter no index serves is checked record by record: say so, and how far one load goes, before running it.
  // When no index narrows the list at all (the whole module would be read), it runs only when asked.
  const plan = useListPlan(tenantId, params, tableShown);
  const paramsKey = JSON.stringify(params);
  const [approvedScan, setApprovedScan] = useState<string | null>(null);
  const awaitingScan = plan.data?.kind === 'scan' && plan.data.servedBy === null && approvedScan !== paramsKey;
  const list = useRecordList(tenantId, params, tableShown && plan.data !== undefined && !awaitingScan);
  const records = useMemo(() => list.data?.pages.flatMap((page) => page.records) ?? [], [list.data]);
  const lastPage = list.data?.pages.at(-1);
  const scanLimited = lastPage?.scanLimited ?? false;
  const { fetchNextPage, hasNextPage, isFetchingNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const browserSort = sorting[0] !== undefined && !serverSort;
  const coverage = sortCoverage({ browserSort, hasMore: hasNextPage, loaded: records.length });
  // A sort on a column the server cannot order by needs every matching row: fetch the rest while they are few.
  useEffect(() => {
    if (coverage === 'loading' && !isFetchingNextPage && !list.isError) void fetchNextPage();
  }, [coverage, isFetchingNextPage, fetchNextPage, list.isError]);
  const sortedColumn = browserSort ? module.fields.find((field) => field.key === sorting[0]?.id) : undefined;

  const relatedModuleOf = useCallback(
    (fieldKey: string) => {
      const field = module.fields.find((candidate) => candidate.key === fieldKey);
      return field ? (relationshipOptions(field)?.related_module ?? null) : null;
    },
    [module],
  );

  // Selection for bulk actions: the rows ticked with the version each showed, or every record matching the view.
  // It belongs to one view: a new filter, search or the trash is another set of records, so it starts empty.
  const [selectionState, setSelectionState] = useState<SelectionState>({ key: paramsKey, selected: new Map(), allMatching: false });
  const selectionOfView = selectionState.key === paramsKey ? selectionState : { key: paramsKey, selected: NO_SELECTION, allMatching: false };
  const { selected, allMatching } = selectionOfView;
  const [exportOpen, setExportOpen] = useState(false);
  const clearSelection = useCallback(() => setSelectionState({ key: paramsKey, selected: new Map(), allMatching: false }), [paramsKey]);
  const setAllMatching = () => setSelectionState({ key: paramsKey, selected: new Map(), allMatching: true });
  const queryClient = useQueryClient();
  const onRecordChanged = useCallback(
    (record: TRecordView) => {
      queryClient.setQueriesData({ queryKey: [...recordsKey(tenantId), 'list'] }, (data: Parameters<typeof replaceRecordInPages>[0]) => replaceRecordInPages(data, record));
    },
    [queryClient, tenantId],
  );
  const canEdit = useCallback((record: TRecordView) => !trash && !record.deleted && can('update', record.ownerId), [trash, can]);
  const selectable = scopes.update !== 'none' || scopes.delete !== 'none';
  // The handlers read the view and its rows through a ref: a handler kept by a row drawn for an earlier view
  // must still tick in the view on screen, never in the one it was drawn for.
  const viewRef = useRef({ paramsKey, records });
  useLayoutEffect(() => {
    viewRef.current = { paramsKey, records };
  }, [paramsKey, records]);
  const selection = useMemo(() => {
    if (!selectable) return undefined;
    const versionsOf = (rows: readonly TRecordView[]) => new Map(rows.map((row) => [row.id, { id: row.id, version: row.version }] as const));
    return {
      selected: new Set(allMatching ? records.map((record) => record.id) : selected.keys()),
      onToggle: (record: TRecordView) =>
        setSelectionState((current) => {
          const view = viewRef.current;
          const fresh = current.key === view.paramsKey;
          // Unticking one row of "all matching" leaves the loaded rows but that one ticked.
          const next = new Map(fresh && current.allMatching ? versionsOf(view.records) : fresh ? current.selected : NO_SELECTION);
          if (next.has(record.id)) next.delete(record.id);
          else next.set(record.id, { id: record.id, version: record.version });
          return { key: view.paramsKey, selected: next, allMatching: false };
        }),
      onToggleAll: () =>
        setSelectionState((current) => {
          const view = viewRef.current;
          const fresh = current.key === view.paramsKey;
          const all = fresh && (current.allMatching || (view.records.length > 0 && view.records.every((record) => current.selected.has(record.id))));
          return { key: view.paramsKey, selected: all ? new Map() : versionsOf(view.records), allMatching: false };
        }),
    };
  }, [selectable, allMatching, records, selected]);

  const scannedConditionLabel = (key: string) => {
    if (key === 'search') return t('records.search');
    const field = module.fields.find((candidate) => candidate.key === key);
    return field ? label(field.label, key) : key;
  };
  const title = label(module.label_plural ?? module.label, module.slug);
  if (scopes.read === 'none') return <ErrorBanner message={t('records.noAccess')} />;
  const filtered = filters.length > 0 || debouncedSearch.trim() !== '';

  return (
    <div className="page page-fill">
      <div className="page-header">
        <div className="page-title">
          <span className="page-icon">
            <ModuleIcon name={module.icon} label={title} size={20} />
          </span>
          <div>
            <h1 data-testid="module-title">{title}</h1>
            <p className="muted small">
              {view === 'table' ? t('records.count', { count: records.length }) : null}
              {view === 'table' && hasNextPage ? ` · ${t('records.more')}` : null}
              {scopes.read === 'own' ? ` · ${t('records.onlyOwn')}` : null}
            </p>
          </div>
        </div>
        <div className="page-actions">
          {module.status_field ? (
            <div className="segmented" role="group">
              <button type="button" className={view === 'table' ? 'active' : ''} onClick={() => {
                  // A saved kanban view's layout gives way to the table too.
                  setExtras((current) => (current.type === 'kanban' ? { ...current, type: 'table' } : current));
                  setSearchParams({});
                }} data-testid="view-table">
                {t('records.table')}
              </button>
              <button type="button" className={view === 'board' ? 'active' : ''} onClick={() => setSearchParams({ view: 'board' })} data-testid="view-board">
                {t('records.board')}
              </button>
            </div>
          ) : null}
          {/* Merge duplicates: needs edit and delete on the module (the server checks each record). */}
          {scopes.update !== 'none' && scopes.delete !== 'none' ? (
            <Link to={paths.mergeRecords(tenantId, module.slug, [...selected.keys()])} className="btn" data-testid="merge-records">
              {t('rollupsMerge.merge.fromList')}
            </Link>
          ) : null}
          {can('create') ? (
            <Link to={paths.importRecords(tenantId, module.slug)} className="btn" data-testid="import-records">
              {t('imports.button')}
            </Link>
          ) : null}
          {view === 'table' && scopes.export !== 'none' ? (
            <button type="button" className="btn btn-ghost" onClick={() => setExportOpen(true)} data-testid="export-open">
              {t('exportBulk.export.open')}
            </button>
          ) : null}
          {can('create') ? (
            <Link to={paths.newRecord(tenantId, module.slug)} className="btn btn-primary" data-testid="new-record">
              <PlusIcon /> {newTitle(module)}
            </Link>
          ) : null}
        </div>
      </div>
      {slots.Bar ? <slots.Bar module={module} state={viewState} apply={applyView} /> : null}
      <div className="toolbar">
        <div className="search-box">
          <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <circle cx="11" cy="11" r="7" />
            <path d="M20 20l-3.5-3.5" />
          </svg>
          <input type="search" placeholder={t('records.search')} value={search} onChange={(event) => setSearch(event.target.value)} data-testid="search" aria-label={t('records.search')} />
        </div>
        <FilterBar module={module} filters={filters} onChange={setFilters} />
        {view === 'table' && scopes.delete !== 'none' ? (
          <button type="button" className={`btn btn-ghost btn-sm${trash ? ' is-on' : ''}`} aria-pressed={trash} onClick={() => setTrash((value) => !value)} data-testid="trash-toggle">
            {trash ? t('records.leaveTrash') : t('records.trash')}
          </button>
        ) : null}
        {view === 'table' ? <ColumnChooser module={module} columns={columns} onChange={setColumns} /> : null}
      </div>
      {view === 'table' && plan.data?.kind === 'scan' ? (
        <div className="notice" data-testid="scan-notice">
          <p>
            {t('records.scanPlan', { conditions: plan.data.scannedConditions.map((key) => scannedConditionLabel(key)).join(', '), bound: plan.data.scanBound })}
            {lastPage ? ` ${t('records.scannedSoFar', { count: lastPage.plan.scanned })}` : null}
          </p>
          {awaitingScan ? (
            <button type="button" className="btn btn-primary btn-sm" onClick={() => setApprovedScan(paramsKey)} data-testid="scan-start">
              {t('records.scanStart', { bound: plan.data.scanBound })}
            </button>
          ) : scanLimited && hasNextPage ? (
            <button type="button" className="btn btn-sm" onClick={loadMore} disabled={isFetchingNextPage} data-testid="scan-continue">
              {t('records.scanContinue', { bound: plan.data.scanBound })}
            </button>
          ) : null}
        </div>
      ) : null}
      {scopes.export !== 'none' ? (
        <ExportDialog open={exportOpen} onClose={() => setExportOpen(false)} tenantId={tenantId} params={params} columns={columns} />
      ) : null}
      {customBody && slots.Body ? (
        <slots.Body module={module} state={viewState} apply={applyView} />
      ) : view === 'board' ? (
        <Suspense fallback={<Spinner />}>
          <KanbanBoard module={module} filters={params.filters} search={debouncedSearch} field={kanbanField} />
        </Suspense>
      ) : awaitingScan ? null : plan.isError ? (
        <ErrorBanner message={toUserError(plan.error).message} onRetry={() => void plan.refetch()} />
      ) : list.isError ? (
        <ErrorBanner message={toUserError(list.error).message} onRetry={() => void list.refetch()} />
      ) : !list.data && (list.isPending || plan.isPending) ? (
        <div className="table-skeleton" aria-busy="true">
          <Spinner />
          {Array.from({ length: 8 }, (_, index) => (
            <div key={index} className="skeleton-row" />
          ))}
        </div>
      ) : records.length === 0 && !hasNextPage ? (
        <EmptyState
          title={trash ? t('records.trashEmpty') : filtered ? t('records.emptyFiltered') : t('records.empty', { module: title.toLowerCase() })}
          hint={filtered || trash ? undefined : t('records.emptyHint')}
          action={
            !filtered && !trash && can('create') ? (
              <Link to={paths.newRecord(tenantId, module.slug)} className="btn btn-primary">
                {newTitle(module)}
              </Link>
            ) : undefined
          }
        />
      ) : (
        <>
          {coverage !== 'complete' ? (
            <p className="notice" role="status" data-testid="sort-coverage">
              {coverage === 'loading'
                ? t('kit.sortLoading', { column: sortedColumn ? label(sortedColumn.label, sortedColumn.key) : '' })
                : t('kit.sortPartial', { column: sortedColumn ? label(sortedColumn.label, sortedColumn.key) : '', count: records.length })}
            </p>
          ) : null}
          {selection ? (
            <BulkActionBar
              tenantId={tenantId}
              module={module}
              params={params}
              selected={selected}
              allMatching={allMatching}
              onSelectAllMatching={setAllMatching}
              onClear={clearSelection}
              loaded={records.length}
              hasMore={hasNextPage}
              scopes={scopes}
            />
          ) : null}
          <RecordsTable
            tenantId={tenantId}
            module={module}
            columns={columns}
            widths={extras.widths}
            records={records}
            sorting={sorting}
            onSortingChange={setSorting}
            // A scan that stopped at its bound continues only when asked (the button above): each load is billed.
            hasMore={hasNextPage && !scanLimited}
            loadingMore={isFetchingNextPage}
            onLoadMore={loadMore}
            relatedModuleOf={relatedModuleOf}
            canEdit={canEdit}
            onRecordChanged={onRecordChanged}
            selection={selection}
            updating={typedSearch !== debouncedSearch || list.isPlaceholderData || plan.isPending}
          />
        </>
      )}
    </div>
  );
}
