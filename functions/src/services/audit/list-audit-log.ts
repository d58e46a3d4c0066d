import { canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import type { DocumentStore, QueryFilter, StoredDocument } from '../../store/document-store.js';
import type { Caller } from '../caller.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { auditPaths, type AuditKind } from './record-audit.js';

export interface AuditFilters {
  readonly actorUid?: string | undefined;
  readonly kind?: AuditKind | undefined;
  /** ISO instants, inclusive from, exclusive to. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export interface AuditEntryView {
  readonly id: string;
  readonly at: string;
  readonly kind: string;
  readonly action: string;
  readonly actor: { uid: string; email: string | null; role: string | null; platformRole: string | null };
  readonly via: { kind: string; name?: string; keyId?: string };
  readonly target: { module: string | null; id: string | null; label: string | null };
  readonly changes: Array<{ path: string; before: string | null; after: string | null }>;
  readonly truncated: boolean;
}

/**
 * Newest first, by `at` then id. Every filter combination is served by an
 * index of `firestore.indexes.json` (kind+at, actorUid+at, actorUid+kind+at);
 * the date range is on `at`, the ordered field, so it needs no other.
 */
export async function listAuditLog(
  store: DocumentStore,
  caller: Caller,
  input: AuditFilters & { pageSize?: number | undefined; cursor?: string | undefined },
): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
  requireAuditReader(caller);
  const pageSize = input.pageSize ?? 50;
  const docs = await store.query({
    collection: auditPaths.entries(caller.tenantId),
    where: auditWhere(input),
    orderBy: [{ field: 'at', direction: 'desc' }, { field: '__name__', direction: 'desc' }],
    ...(input.cursor ? { startAfter: decodeCursor(caller.tenantId, input.cursor) } : {}),
    limit: pageSize + 1,
  });
  const page = docs.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    entries: page.map(toAuditView),
    nextCursor: docs.length > pageSize && last ? encodeCursor(last) : null,
  };
}

/** Owners, admins and super admins read the log; it shows who changed what, members never see it. */
export function requireAuditReader(caller: Caller): void {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins of this tenant can read its audit log.');
  }
}

function auditWhere(filters: AuditFilters): QueryFilter[] {
  const where: QueryFilter[] = [];
  if (filters.actorUid) where.push({ field: 'actorUid', op: '==', value: filters.actorUid });
  if (filters.kind) where.push({ field: 'kind', op: '==', value: filters.kind });
  if (filters.from) where.push({ field: 'at', op: '>=', value: parseInstant(filters.from, 'from') });
  if (filters.to) where.push({ field: 'at', op: '<', value: parseInstant(filters.to, 'to') });
  return where;
}

function parseInstant(value: string, path: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw invalidInput([{ path, message: 'must be an ISO date or instant', messageKey: 'validation.date', params: { field: path } }]);
  }
  return date;
}

function encodeCursor(doc: StoredDocument): string {
  const at = doc.data.at instanceof Date ? doc.data.at.toISOString() : String(doc.data.at);
  return Buffer.from(JSON.stringify([at, doc.id])).toString('base64url');
}

function decodeCursor(tenantId: string, cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && typeof id === 'string' && /^[a-z0-9]+$/.test(id) && !Number.isNaN(new Date(at).getTime())) {
      return [new Date(at), auditPaths.entry(tenantId, id)];
    }
  } catch {
    // fall through: a cursor we did not issue
  }
  throw invalidInput([{ path: 'cursor', message: 'is not a cursor this list returned' }]);
}

export function toAuditView(doc: StoredDocument): AuditEntryView {
  const data = doc.data as Record<string, unknown>;
  const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const via = (data.via ?? {}) as Record<string, unknown>;
  const target = (data.target ?? {}) as Record<string, unknown>;
  const changes = Array.isArray(data.changes) ? (data.changes as Array<Record<string, unknown>>) : [];
  return {
    id: doc.id,
    at: data.at instanceof Date ? data.at.toISOString() : String(data.at),
    kind: String(data.kind),
    action: String(data.action),
    actor: { uid: String(data.actorUid), email: str(data.actorEmail), role: str(data.actorRole), platformRole: str(data.actorPlatformRole) },
    via: {
      kind: String(via.kind ?? 'system'),
      ...(typeof via.name === 'string' ? { name: via.name } : {}),
      ...(typeof via.keyId === 'string' ? { keyId: via.keyId } : {}),
    },
    target: { module: str(target.module), id: str(target.id), label: str(target.label) },
    changes: changes.map((change) => ({ path: String(change.path), before: str(change.before), after: str(change.after) })),
    truncated: data.truncated === true,
  };
}

/** Upper bound of an export: 10 pages of the largest page, read in pages. */
export const AUDIT_EXPORT_MAX_ROWS = 5_000;

/**
 * The filtered log as CSV (RFC 4180, one row per changed path). Bounded at
 * AUDIT_EXPORT_MAX_ROWS entries so one call's cost is bounded; the answer
 * says when it stopped early.
 */
export async function exportAuditLogCsv(
  store: DocumentStore,
  caller: Caller,
  filters: AuditFilters,
): Promise<{ csv: string; entries: number; complete: boolean }> {
  requireAuditReader(caller);
  const rows: string[][] = [['at', 'kind', 'action', 'actor_uid', 'actor_email', 'actor_role', 'via', 'module', 'target_id', 'target_label', 'path', 'before', 'after']];
  let cursor: string | undefined;
  let entries = 0;
  for (;;) {
    const page = await listAuditLog(store, caller, { ...filters, pageSize: 500, cursor });
    for (const entry of page.entries) {
      entries += 1;
      const via = entry.via.kind === 'api_key' ? `api_key:${entry.via.keyId ?? ''}` : `${entry.via.kind}:${entry.via.name ?? ''}`;
      const base = [entry.at, entry.kind, entry.action, entry.actor.uid, entry.actor.email ?? '', entry.actor.role ?? entry.actor.platformRole ?? '', via, entry.target.module ?? '', entry.target.id ?? '', entry.target.label ?? ''];
      if (entry.changes.length === 0) rows.push([...base, '', '', '']);
      for (const change of entry.changes) rows.push([...base, change.path, change.before ?? '', change.after ?? '']);
    }
    if (!page.nextCursor) return { csv: toCsv(rows), entries, complete: true };
    if (entries >= AUDIT_EXPORT_MAX_ROWS) return { csv: toCsv(rows), entries, complete: false };
    cursor = page.nextCursor;
  }
}

function toCsv(rows: readonly string[][]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Quotes every cell that needs it; a leading =, +, -, @ is prefixed so a spreadsheet does not run it as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
