import { DndContext, PointerSensor, KeyboardSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordFilter, TRecordView } from '@crm/api';
import { selectOptionValues } from '@crm/engine/fields/field-definition.js';
import { ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { choiceLabel, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { activeFields, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useRecordList, useUpdateRecord } from '../api/records-api';
import { useRecordPermissions } from '../hooks/use-record-permissions';

const CARD_FIELDS = 3;

/** A board by status: one column per status option, drag a card to change its status. */
export function KanbanBoard({ module, filters, search }: { module: TModuleConfigView; filters: readonly TRecordFilter[]; search: string }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const statusField = module.fields.find((field) => field.key === module.status_field);
  const statuses = statusField ? selectOptionValues(statusField) : [];
  const update = useUpdateRecord(tenantId);
  const { can } = useRecordPermissions(module.slug);
  // Cards moved but not yet confirmed by a refetch: shown in their new column at once.
  const [moves, setMoves] = useState<Map<string, { record: TRecordView; to: string }>>(new Map());
  const [failure, setFailure] = useState<string | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  if (!statusField) return null;

  const onDragEnd = (event: DragEndEvent) => {
    const record = event.active.data.current?.record as TRecordView | undefined;
    const to = event.over?.id;
    if (!record || typeof to !== 'string' || record.data[statusField.key] === to) return;
    setFailure(null);
    setMoves((current) => new Map(current).set(record.id, { record, to }));
    update.mutate(
      { recordId: record.id, expectedVersion: record.version, data: { [statusField.key]: to }, base: record.data },
      {
        onError: (error) => setFailure(`${t('records.moveFailed')}: ${toUserError(error).message}`),
        onSettled: () =>
          setMoves((current) => {
            const next = new Map(current);
            next.delete(record.id);
            return next;
          }),
      },
    );
  };

  return (
    <div className="board-wrap">
      {failure ? <ErrorBanner message={failure} /> : null}
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <div className="board" data-testid="kanban">
          {statuses.map((status) => (
            <BoardColumn
              key={status}
              module={module}
              status={status}
              title={choiceLabel(statusField, status, '')}
              filters={filters}
              search={search}
              moves={moves}
              canMove={(record) => can('update', record.ownerId)}
            />
          ))}
        </div>
      </DndContext>
    </div>
  );
}

function BoardColumn({
  module,
  status,
  title,
  filters,
  search,
  moves,
  canMove,
}: {
  module: TModuleConfigView;
  status: string;
  title: string;
  filters: readonly TRecordFilter[];
  search: string;
  moves: Map<string, { record: TRecordView; to: string }>;
  canMove: (record: TRecordView) => boolean;
}) {
  const { t, i18n } = useTranslation();
  const { tenantId } = useTenantSession();
  const statusKey = module.status_field ?? 'status';
  const columnFilters = useMemo(() => [...filters.filter((filter) => filter.field !== statusKey), { field: statusKey, op: 'eq' as const, value: status }], [filters, statusKey, status]);
  const list = useRecordList(tenantId, { module: module.slug, filters: columnFilters, search, sort: 'updated_at', direction: 'desc', pageSize: 50 });
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const statusField = module.fields.find((field) => field.key === statusKey);
  const label = statusField ? choiceLabel(statusField, status, i18n.language) : title;

  const loaded = list.data?.pages.flatMap((page) => page.records) ?? [];
  const incoming = [...moves.values()].filter((move) => move.to === status).map((move) => move.record);
  const cards = [...incoming, ...loaded.filter((record) => !moves.has(record.id))];

  return (
    <section ref={setNodeRef} className={`board-column${isOver ? ' is-over' : ''}`} data-testid={`column-${status}`} aria-label={label}>
      <header className="board-column-head">
        <span className="status-dot" aria-hidden="true" />
        <h2>{label}</h2>
        <span className="count">{cards.length}{list.hasNextPage ? '+' : ''}</span>
      </header>
      <div className="board-cards">
        {list.isError ? <ErrorBanner message={toUserError(list.error).message} /> : null}
        {list.isPending ? <div className="skeleton-card" /> : null}
        {cards.map((record) => (
          <BoardCard key={record.id} module={module} record={record} draggable={canMove(record)} />
        ))}
        {list.hasNextPage ? (
          <button type="button" className="btn btn-ghost btn-sm btn-block" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? t('records.loadingMore') : t('records.loadMore')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function BoardCard({ module, record, draggable }: { module: TModuleConfigView; record: TRecordView; draggable: boolean }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { tenantId } = useTenantSession();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: record.id, data: { record }, disabled: !draggable });
  const shown = activeFields(module)
    .filter((field) => field.key !== module.status_field && field.key !== module.display_field && field.type !== 'textarea' && field.type !== 'file')
    .filter((field) => record.data[field.key] !== null && record.data[field.key] !== undefined && record.data[field.key] !== '')
    .slice(0, CARD_FIELDS);
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;

  return (
    <article
      ref={setNodeRef}
      style={style}
      className={`board-card${isDragging ? ' dragging' : ''}${draggable ? '' : ' locked'}`}
      data-testid={`card-${record.number}`}
      {...attributes}
      {...listeners}
    >
      <div className="board-card-top">
        <Link to={paths.record(tenantId, module.slug, record.id)} className="record-link small" onPointerDown={(event) => event.stopPropagation()}>
          {record.number}
        </Link>
      </div>
      {record.display && record.display !== record.number ? <p className="board-card-title">{record.display}</p> : null}
      <dl className="board-card-fields">
        {shown.map((field) => (
          <div key={field.key}>
            <dt>{label(field.label, field.key)}</dt>
            <dd>{formatFieldValue(field, record.data[field.key], i18n.language, record.related[field.key]?.display ?? null, { yes: t('records.yes'), no: t('records.no') })}</dd>
          </div>
        ))}
      </dl>
    </article>
  );
}
