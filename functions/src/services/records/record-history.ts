import { isStoreError, type DocumentChange, type DocumentData, type DocumentStore, type StoreValue, type WriteData } from '../../store/document-store.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord, isMigrationWrite } from './record-model.js';

/**
 * Record history, kept by the record trigger rather than by the callables:
 * the write path stays one write per edit, and history costs one more write
 * per change, after the commit. One entry per change event, at
 * `crm_tenants/{t}/records/{r}/history/{eventId}`: the event id as document id
 * makes a redelivered event (triggers are at-least-once) find its entry and
 * write nothing. Events arrive unordered, so readers order entries by the
 * record `version` they carry, not by arrival.
 */

const RECORD_PATH = /^crm_tenants\/([^/]+)\/records\/([^/]+)$/;

export const HISTORY_KINDS = ['created', 'updated', 'deleted', 'restored'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/**
 * The change of the trash flag, listed among the field changes. Field keys
 * start with a letter, so this name cannot collide with a field.
 */
export const DELETED_CHANGE_FIELD = '_deleted';
/** The change of owner, listed among the field changes (same reasoning as `_deleted`). */
export const OWNER_CHANGE_FIELD = '_owner';

export interface HistoryChange {
  readonly field: string;
  /** null when the field had no value. */
  readonly from: StoreValue;
  readonly to: StoreValue;
}

export interface HistoryEntry {
  /** When the change was committed (the event time). */
  readonly at: Date;
  /** The user (or `automation:{workflowId}`) who made the change. */
  readonly by: string | null;
  readonly kind: HistoryKind;
  readonly changes: readonly HistoryChange[];
  /** The record's version after the change. */
  readonly version: number;
  /** Set when the change was written by an import job ("from import N"). */
  readonly source?: HistorySource;
}

export interface HistorySource {
  readonly kind: 'import';
  readonly jobId: string;
}

export type HistoryWriteResult = 'written' | 'duplicate' | 'skipped';

/**
 * The entry one record change deserves, or null when it is no change a user
 * would call one: display values refreshed on referrers (`refs` only), token or
 * automation bookkeeping, a template-upgrade migration's rewrite, or a purge.
 */
export function historyEntryFor(change: Pick<DocumentChange, 'before' | 'after' | 'time'>): HistoryEntry | null {
  const entry = historyEntryWithoutSource(change);
  const source = importSourceOf(change.before, change.after);
  return entry && source ? { ...entry, source } : entry;
}

/** The import job that wrote this change: its marker (services/imports) is new on `after`. */
function importSourceOf(before: DocumentData | null, after: DocumentData | null): HistorySource | null {
  const marker = after?.imported as { jobId?: unknown } | undefined;
  if (!marker || typeof marker.jobId !== 'string') return null;
  const previous = before?.imported as { jobId?: unknown; row?: unknown } | undefined;
  const current = after?.imported as { row?: unknown };
  if (previous && previous.jobId === marker.jobId && previous.row === current.row) return null;
  return { kind: 'import', jobId: marker.jobId };
}

function historyEntryWithoutSource({ before, after, time }: Pick<DocumentChange, 'before' | 'after' | 'time'>): HistoryEntry | null {
  // A hard delete leaves no record to hang history on; its move to the trash was recorded.
  if (!after) return null;
  const next = asStoredRecord(after);
  if (!before) {
    return { at: time, by: next.createdBy ?? null, kind: 'created', changes: diffData({}, next.data ?? {}), version: next.version };
  }
  // Migrations rewrite thousands of records to a new shape: that is the template's history, not the record's.
  if (isMigrationWrite(before, after)) return null;
  const previous = asStoredRecord(before);
  // A write that keeps the version is bookkeeping, not an edit: roll-up values kept up to date
  // (services/rollups), display values refreshed on referrers. Nobody changed the record.
  if (previous.version === next.version && previous.deleted === next.deleted) return null;
  const changes = diffData(previous.data ?? {}, next.data ?? {});
  // A change of owner (bulk "change owner") is a change a user makes and wants to see.
  if (previous.ownerId !== next.ownerId && previous.ownerId !== undefined && next.ownerId !== undefined) {
    changes.push({ field: OWNER_CHANGE_FIELD, from: previous.ownerId, to: next.ownerId });
  }
  const wasDeleted = previous.deleted === true;
  const isDeleted = next.deleted === true;
  if (wasDeleted !== isDeleted) {
    return {
      at: time,
      by: (isDeleted ? next.deletedBy : null) ?? next.updatedBy ?? null,
      kind: isDeleted ? 'deleted' : 'restored',
      changes: [...changes, { field: DELETED_CHANGE_FIELD, from: wasDeleted, to: isDeleted }],
      version: next.version,
    };
  }
  if (changes.length === 0) return null;
  return { at: time, by: next.updatedBy ?? null, kind: 'updated', changes, version: next.version };
}

/**
 * Writes the history entry of one record change (the trigger's step). `create`
 * makes redelivery harmless: an entry already there means this event was done.
 */
export async function writeRecordHistory(store: DocumentStore, change: DocumentChange): Promise<HistoryWriteResult> {
  const match = RECORD_PATH.exec(change.path);
  if (!match) return 'skipped';
  const [, tenantId = '', recordId = ''] = match;
  const entry = historyEntryFor(change);
  if (!entry) return 'skipped';
  try {
    await store.create(`${crmPaths.recordHistory(tenantId, recordId)}/${historyEntryId(change.eventId)}`, toWriteData(entry));
    return 'written';
  } catch (error) {
    if (isStoreError(error, 'already-exists')) return 'duplicate';
    throw error;
  }
}

/** Event ids become document ids: no slashes, no reserved `__x__` names, bounded length. */
export function historyEntryId(eventId: string): string {
  return `e${eventId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200)}`;
}

/** Data fields whose value changed, by key; a cleared field is `to: null`. */
function diffData(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): HistoryChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: HistoryChange[] = [];
  for (const key of keys) {
    const from = (before[key] ?? null) as StoreValue;
    const to = (after[key] ?? null) as StoreValue;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: key, from, to });
  }
  return changes;
}

function toWriteData(entry: HistoryEntry): WriteData {
  const data: DocumentData = {
    at: entry.at,
    by: entry.by,
    kind: entry.kind,
    changes: entry.changes.map((change) => ({ field: change.field, from: change.from, to: change.to })),
    version: entry.version,
    ...(entry.source ? { source: { kind: entry.source.kind, jobId: entry.source.jobId } } : {}),
  };
  return data;
}
