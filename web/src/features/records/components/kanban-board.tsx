import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useMemo, useState, type KeyboardEventHandler } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordFilter, TRecordView } from '@crm/api';
import { selectOptionValues } from '@crm/engine/fields/field-definition.js';
import { ErrorBanner } from '../../../components/status-views';
import { useToast } from '../../../components/toast';
import { toUserError } from '../../../lib/api/to-user-error';
import { choiceLabel, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { activeFields, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useRecordList, useUpdateRecord } from '../api/records-api';
import { useRecordPermissions } from '../hooks/use-record-permissions';

const CARD_FIELDS = 3;

/**
 * The column under the pointer decides the drop, not the overlap of the
 * dragged card's box (which, on a scrolled board, can favour a neighbour);
 * only a drop between columns falls back to the overlap.
 */
const columnUnderPointer: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

/** A board by status: one column per status option, drag a card to change its status. */
/** `field`: lay the board out by this select field instead of the module's status field (a saved kanban view). */
export function KanbanBoard({ module: moduleConfig, filters, search, field }: { module: TModuleConfigView; filters: readonly TRecordFilter[]; search: string; field?: string | null }) {
  // The board and its columns read the field as the module's status field.
  const module = field && field !== moduleConfig.status_field ? { ...moduleConfig, status_field: field } : moduleConfig;
  const { t, i18n } = useTranslation();
  const { tenantId } = useTenantSession();
  const statusField = module.fields.find((field) => field.key === module.status_field);
  const statuses = statusField ? selectOptionValues(statusField) : [];
  const update = useUpdateRecord(tenantId);
  const { can } = useRecordPermissions(module.slug);
  // Cards moved but not yet confirmed by a refetch: shown in their new column at once.
  const [moves, setMoves] = useState<Map<string, { record: TRecordView; to: string }>>(new Map());
  const [failure, setFailure] = useState<string | null>(null);
  const [dragged, setDragged] = useState<TRecordView | null>(null);
  const toast = useToast();
  // Mouse drags start after a few pixels; on touch a press-and-hold starts the drag, so a swipe still scrolls the board.
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor),
  );

  if (!statusField) return null;

  const move = (record: TRecordView, to: string, options: { undoable: boolean }) => {
    const from = record.data[statusField.key];
    setFailure(null);
    setMoves((current) => new Map(current).set(record.id, { record, to }));
    update.mutate(
      { recordId: record.id, expectedVersion: record.version, data: { [statusField.key]: to }, base: record.data },
      {
        onSuccess: (moved) => {
          if (!options.undoable || typeof from !== 'string') return;
          toast.show({
            message: t('kit.cardMoved', { name: moved.display ?? moved.number, status: choiceLabel(statusField, to, i18n.language) }),
            action: { label: t('kit.undo'), onAction: () => move(moved, from, { undoable: false }) },
          });
        },
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

  const onDragStart = (event: DragStartEvent) => {
    setDragged((event.active.data.current?.record as TRecordView | undefined) ?? null);
  };

  const onDragEnd = (event: DragEndEvent) => {
    setDragged(null);
    const record = event.active.data.current?.record as TRecordView | undefined;
    const to = event.over?.id;
    if (!record || typeof to !== 'string' || record.data[statusField.key] === to) return;
    move(record, to, { undoable: true });
  };

  return (
    <div className="board-wrap">
      {failure ? <ErrorBanner message={failure} /> : null}
      <DndContext
        sensors={sensors}
        collisionDetection={columnUnderPointer}
        // The board scrolls only when the pointer is right at its edge, and slowly: it must never run away under a held card.
        autoScroll={{ threshold: { x: 0.06, y: 0.1 }, acceleration: 3 }}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragged(null)}
      >
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
        {/* The card follows the pointer in an overlay, above every column and outside the board's scroll clipping. */}
        <DragOverlay dropAnimation={null}>{dragged ? <CardBody module={module} record={dragged} overlay /> : null}</DragOverlay>
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
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useDraggable({ id: record.id, data: { record }, disabled: !draggable });
  // The card itself is not a control (it holds the record link): mouse and touch drag it anywhere,
  // the keyboard through its handle button, which carries the drag semantics for assistive tech.
  const { onKeyDown, ...pointerListeners } = listeners ?? {};
  return (
    <article
      ref={setNodeRef}
      className={`board-card${isDragging ? ' dragging' : ''}${draggable ? '' : ' locked'}`}
      data-testid={`card-${record.number}`}
      {...pointerListeners}
    >
      {draggable ? (
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="board-card-handle"
          {...attributes}
          // dnd-kit types its listeners as bare `Function`s; this one is the keyboard sensor's React keydown handler.
          onKeyDown={onKeyDown as KeyboardEventHandler<HTMLButtonElement> | undefined}
          aria-label={t('kit.moveCard', { name: record.display ?? record.number })}
        >
          <svg width="12" height="12" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
            <circle cx="8" cy="5" r="2" />
            <circle cx="16" cy="5" r="2" />
            <circle cx="8" cy="12" r="2" />
            <circle cx="16" cy="12" r="2" />
            <circle cx="8" cy="19" r="2" />
            <circle cx="16" cy="19" r="2" />
          </svg>
        </button>
      ) : null}
      <CardBody module={module} record={record} />
    </article>
  );
}

function CardBody({ module, record, overlay = false }: { module: TModuleConfigView; record: TRecordView; overlay?: boolean }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { tenantId } = useTenantSession();
  const shown = activeFields(module)
    .filter((field) => field.key !== module.status_field && field.key !== module.display_field && field.type !== 'textarea' && field.type !== 'file')
    .filter((field) => record.data[field.key] !== null && record.data[field.key] !== undefined && record.data[field.key] !== '')
    .slice(0, CARD_FIELDS);
  const body = (
    <>
      <div className="board-card-top">
        {overlay ? (
          <span className="record-link small">{record.number}</span>
        ) : (
          <Link to={paths.record(tenantId, module.slug, record.id)} className="record-link small"
            // The number opens the record: a press on it must not start a drag.
            onMouseDown={(event) => event.stopPropagation()}
            onTouchStart={(event) => event.stopPropagation()}
          >
            {record.number}
          </Link>
        )}
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
    </>
  );
  return overlay ? (
    <article className="board-card board-card-overlay" data-testid="drag-overlay" aria-hidden="true">
      {body}
    </article>
  ) : (
    body
  );
}
