import type { DocumentData, StoreValue } from '../../store/document-store.js';
import type { ReadScope } from '../access/field-security.js';

/** A related record's id with the value shown for it, denormalized so lists need no extra reads. */
export interface RelatedRef {
  readonly id: string;
  readonly display: string | null;
}

/** The record document as stored at `crm_tenants/{tenantId}/records/{id}`. */
export interface StoredRecord {
  readonly module: string;
  readonly seq: number;
  readonly number: string;
  readonly data: Record<string, unknown>;
  readonly refs: Record<string, RelatedRef>;
  /** This record's own display value (its module's display field). */
  readonly display: string | null;
  readonly tokens: string[];
  /** Search prefixes, date buckets and reference tokens (record-tokens.ts); absent on records written before the split. */
  readonly search?: string[];
  readonly buckets?: string[];
  readonly links?: string[];
  readonly ownerId: string;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deleted: boolean;
  readonly deletedAt: Date | null;
  readonly deletedBy: string | null;
  readonly version: number;
  /**
   * The template version the data was written under. Template upgrades
   * migrate records below the tenant's version (services/template-lifecycle);
   * absent on records written before versions were stamped.
   */
  readonly schemaVersion?: string;
  /**
   * The tenant-zone day on which a TODAY()/NOW() formula of this record next
   * changes value (engine/formulas/next-change.ts); the daily sweep recomputes
   * records whose day has come. Null or absent: nothing to recompute.
   */
  readonly formulaDue?: string | null;
}

/** What callables return for a record. Dates as ISO strings. */
export interface RecordView {
  readonly id: string;
  readonly module: string;
  readonly number: string;
  readonly data: Record<string, unknown>;
  readonly display: string | null;
  readonly related: Record<string, RelatedRef>;
  readonly ownerId: string;
  readonly createdBy: string;
  readonly updatedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deleted: boolean;
  readonly deletedAt: string | null;
  readonly version: number;
}

export function asStoredRecord(data: DocumentData): StoredRecord {
  return data as unknown as StoredRecord;
}

/**
 * The record as `scope`'s caller may see it (field-level security). The scope
 * is required so no read path can return a record unredacted by accident;
 * server-internal readers pass SYSTEM_READ_SCOPE explicitly.
 */
export function toRecordView(id: string, record: StoredRecord, scope: ReadScope): RecordView {
  return scope.redact({
    id,
    module: record.module,
    number: record.number,
    data: record.data,
    display: record.display,
    related: record.refs,
    ownerId: record.ownerId,
    createdBy: record.createdBy,
    updatedBy: record.updatedBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    deleted: record.deleted,
    deletedAt: record.deletedAt ? record.deletedAt.toISOString() : null,
    version: record.version,
  });
}

/** Records are plain data; the store takes them as they are. */
export function recordToWriteData(record: StoredRecord): { [key: string]: StoreValue } {
  return record as unknown as { [key: string]: StoreValue };
}

export function displayValueOf(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/**
 * A template-upgrade migration's rewrite of a record, not a user's edit: the
 * migration runner (services/template-lifecycle) stamps a new `schemaVersion`
 * and a `migration` marker. Trigger handlers (workflows, history) skip it.
 */
export function isMigrationWrite(before: Readonly<Record<string, unknown>> | null, after: Readonly<Record<string, unknown>> | null): boolean {
  if (!before || !after) return false;
  // An index backfill (index-backfill.ts) rewrites only index fields and stamps its job: not an edit either.
  if (typeof after.indexJob === 'string' && after.indexJob !== before.indexJob) return true;
  return typeof after.migration === 'object' && after.migration !== null && after.schemaVersion !== before.schemaVersion;
}

/**
 * A write by an import job whose importer chose not to run workflows
 * (services/imports): the job's marker is new on this change and says so.
 * The record trigger runs no triggered workflows for it (schedules are still
 * planned, as for migrations: they follow the record's dates, not the event).
 */
export function isImportWithoutWorkflows(before: Readonly<Record<string, unknown>> | null, after: Readonly<Record<string, unknown>> | null): boolean {
  const marker = after?.imported as { jobId?: unknown; row?: unknown; workflows?: unknown } | undefined;
  if (!marker || marker.workflows !== false) return false;
  const previous = before?.imported as { jobId?: unknown; row?: unknown } | undefined;
  return !previous || previous.jobId !== marker.jobId || previous.row !== marker.row;
}
