import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordFilter } from '@crm/api';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { callCrm } from '../../../lib/api/call-crm';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { choiceLabel, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import type { ListViewSlotProps, ListViewState } from '../../../lib/list-view-state';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useGroupCounts } from '../api/search-views-api';
import { resolveFilters, todayIn } from '../../../lib/list-filters';

const SERVER_SORTS = new Set(['number', 'created_at', 'updated_at']);

/**
 * The table in sections, one per option of a select field, each with its
 * count (aggregations over the index, crmCountGroups) and its own pages
 * (the list's filters plus `field = option`, served by the facet index).
 */
export function GroupedRecords({ module, state }: ListViewSlotProps) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const counts = useGroupCounts(tenantId, module.slug, state.groupBy);
  const field = module.fields.find((candidate) => candidate.key === state.groupBy);
  if (!field) return null;
  if (counts.isError) return <ErrorBanner message={toUserError(counts.error).message} onRetry={() => void counts.refetch()} />;
  if (!counts.data) return <Spinner />;
  // Counts are for the whole module (what the caller may read); with other filters a section may list fewer.
  const filtered = state.filters.length > 0 || state.search.trim() !== '';
  return (
    <div className="grouped-records" data-testid="grouped-records">
      {filtered ? <p className="muted small">{t('searchViews.groups.countsUnfiltered')}</p> : null}
      {counts.data.groups
        .filter((group) => group.count > 0)
        .map((group) => (
          <GroupSection key={group.value ?? '__none'} module={module} state={state} value={group.value} count={group.count} />
        ))}
    </div>
  );
}

function GroupSection({ module, state, value, count }: { module: TModuleConfigView; state: ListViewState; value: string | null; count: number }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { functions } = useBackend();
  const { tenantId, config } = useTenantSession();
  const [open, setOpen] = useState(true);
  const field = module.fields.find((candidate) => candidate.key === state.groupBy);
  const groupFilter: TRecordFilter[] = value === null || !field ? [] : [{ field: field.key, op: 'eq', value }];
  const sort = state.sort && (SERVER_SORTS.has(state.sort.key) || module.index_slots.some((slot) => slot.field === state.sort?.key && slot.state === 'ready')) ? state.sort : null;
  const request = {
    tenantId,
    module: module.slug,
    filters: [...resolveFilters(state.filters, todayIn(config?.timezone)).filter((filter) => filter.field !== field?.key), ...groupFilter],
    ...(state.search.trim() !== '' ? { search: state.search.trim() } : {}),
    sort: sort?.key ?? 'number',
    direction: sort?.direction ?? 'desc',
    pageSize: Math.min(state.pageSize, 50),
  };
  const list = useInfiniteQuery({
    queryKey: ['crm', tenantId, 'records', 'group', request],
    enabled: open && value !== null,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => callCrm(functions, 'crmListRecords', { ...request, ...(pageParam ? { cursor: pageParam } : {}) }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const records = list.data?.pages.flatMap((page) => page.records) ?? [];
  const title = value === null || !field ? t('searchViews.groups.none') : choiceLabel(field, value, i18n.language);
  const columns = state.columns.map((key) => module.fields.find((candidate) => candidate.key === key)).filter((candidate) => candidate !== undefined);
  const yesNo = { yes: t('records.yes'), no: t('records.no') };
  return (
    <section className="group-section" data-testid="group-section">
      <h2 className="group-title">
        <button type="button" className="th-button" aria-expanded={open} onClick={() => setOpen((current) => !current)}>
          <span>{title}</span>
          <span className="badge" data-testid="group-count">{t('searchViews.groups.count', { count })}</span>
        </button>
      </h2>
      {open && value === null ? <p className="muted small">{t('searchViews.groups.noneHint')}</p> : null}
      {open && value !== null ? (
        list.isError ? (
          <ErrorBanner message={toUserError(list.error).message} onRetry={() => void list.refetch()} />
        ) : (
          <div className="table-scroll">
            <table className="data-table group-table">
              <thead>
                <tr>
                  <th scope="col">{t('records.number')}</th>
                  {columns.map((column) => (
                    <th key={column.key} scope="col">{label(column.label, column.key)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {records.map((record) => (
                  <tr key={record.id}>
                    <td>
                      <Link to={paths.record(tenantId, module.slug, record.id)} className="record-link">
                        {record.number}
                      </Link>
                    </td>
                    {columns.map((column) => (
                      <td key={column.key}>{formatFieldValue(column, record.data[column.key], i18n.language, record.related[column.key]?.display ?? null, yesNo)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {list.isPending ? <Spinner /> : null}
            {list.hasNextPage ? (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {t('searchViews.groups.more')}
              </button>
            ) : null}
          </div>
        )
      ) : null}
    </section>
  );
}
