import type { StoreValue } from '../../store/document-store.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import type { HistoryKind } from './record-history.js';
import { fieldAccessFor } from '../access/field-security.js';

export const DEFAULT_HISTORY_PAGE = 20;

export interface HistoryEntryView {
  readonly id: string;
  /** ISO instant of the change. */
  readonly at: string;
  readonly by: string | null;
  readonly kind: HistoryKind;
  readonly changes: Array<{ field: string; from: unknown; to: unknown }>;
  readonly version: number;
  readonly source?: { readonly kind: 'import'; readonly jobId: string };
}

export interface ListRecordHistoryInput {
  readonly recordId: string;
  readonly pageSize?: number | undefined;
  readonly cursor?: string | undefined;
}

/**
 * A record's history, newest first, one page per call. Whoever may read the
 * record may read its history, and nobody else: the record is fetched through
 * RecordsService.get first, so "missing", "another tenant's" and "not yours to
 * read" all answer not-found exactly as the record itself does.
 *
 * Ordered by the record's `version`, newest first: every change the history
 * keeps bumps it inside the writing transaction, so it is the commit order
 * itself, where `at` could tie within a millisecond or skew between servers.
 * `__name__` only breaks ties, in the same direction, so Firestore's built-in
 * single-field index serves the query and no composite index is needed.
 */
export async function listRecordHistory(
  services: Services,
  caller: Caller,
  input: ListRecordHistoryInput,
): Promise<{ entries: HistoryEntryView[]; nextCursor: string | null }> {
  const record = await services.records.get(caller, input.recordId);
  // Field-level security: a hidden field's before/after is dropped. An entry whose every change was
  // hidden stays, without changes: the member sees that the record changed (its version did), not what.
  const access = fieldAccessFor(caller, await services.configs.require(caller.tenantId));
  const collection = crmPaths.recordHistory(caller.tenantId, input.recordId);
  const pageSize = input.pageSize ?? DEFAULT_HISTORY_PAGE;
  const after = input.cursor ? decodeCursor(input.cursor, collection) : null;
  // One extra entry tells whether another page exists, so the last page never hands out a cursor to nothing.
  const docs = await services.store.query({
    collection,
    orderBy: [
      { field: 'version', direction: 'desc' },
      { field: '__name__', direction: 'desc' },
    ],
    ...(after ? { startAfter: after } : {}),
    limit: pageSize + 1,
  });
  const page = docs.slice(0, pageSize);
  const last = page[page.length - 1];
  const entries = page.map((doc): HistoryEntryView => {
    const data = doc.data;
    return {
      id: doc.id,
      at: data.at instanceof Date ? data.at.toISOString() : String(data.at),
      by: typeof data.by === 'string' ? data.by : null,
      kind: data.kind as HistoryKind,
      changes: Array.isArray(data.changes) ? data.changes.map(toChangeView).filter((change) => access.canRead(record.module, change.field)) : [],
      version: typeof data.version === 'number' ? data.version : 0,
      ...(isImportSource(data.source) ? { source: { kind: 'import' as const, jobId: data.source.jobId } } : {}),
    };
  });
  const nextCursor = docs.length > pageSize && last && typeof last.data.version === 'number' ? encodeCursor(last.data.version, last.path) : null;
  return { entries, nextCursor };
}

function toChangeView(value: StoreValue): HistoryEntryView['changes'][number] {
  const change = typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) ? value : {};
  return { field: String(change.field ?? ''), from: change.from ?? null, to: change.to ?? null };
}

/** Opaque to clients; bound to one record's history by its path. */
function encodeCursor(version: number, path: string): string {
  return Buffer.from(JSON.stringify({ v: version, p: path })).toString('base64url');
}

function decodeCursor(cursor: string, collection: string): StoreValue[] {
  const invalid = () => invalidInput([{ path: 'cursor', message: "is not a cursor of this record's history; start again from the first page" }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, p } = parsed as { v?: unknown; p?: unknown };
  if (typeof v !== 'number' || !Number.isInteger(v) || typeof p !== 'string') throw invalid();
  // The path must be an entry of this very record: a cursor cannot point the query anywhere else.
  if (!p.startsWith(`${collection}/`) || p.slice(collection.length + 1).includes('/')) throw invalid();
  return [v, p];
}

function isImportSource(value: StoreValue | undefined): value is { kind: 'import'; jobId: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && value.kind === 'import' && typeof value.jobId === 'string';
}
