import type { DocumentStore, StoredDocument, Transaction } from '../../store/document-store.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type ResolvedModule } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { crmPaths } from '../paths.js';
import { recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { asStoredRecord, displayValueOf, recordToWriteData, type StoredRecord } from '../records/record-model.js';
import { uniqueClaimsFor } from '../records/records-service.js';
import { importPaths } from './import-paths.js';
import { RevertJobParamsSchema } from './import-params.js';

export interface RevertSliceContext {
  readonly services: { readonly store: DocumentStore; readonly configs: ConfigStore };
  readonly tenantId: string;
  readonly job: { readonly id: string; readonly params: Record<string, unknown>; readonly cursor: unknown };
  readonly deadline: number;
  checkpoint(
    update: { cursor?: unknown; done?: number; total?: number | null; counts?: Record<string, number>; result?: Record<string, unknown> },
    tx?: Transaction,
  ): Promise<void>;
}

export interface RevertCounts {
  /** Created by the import, now in the trash. */
  deleted: number;
  /** Created by the import and already in the trash (or purged): nothing to do. */
  skipped: number;
  /** Updated by the import, back to their previous values. */
  restored: number;
  /** Updated by the import and changed since (or their old unique value is taken): left as they are, reported. */
  conflicts: number;
}

interface RevertCursor {
  readonly phase: 'created' | 'updated' | 'done';
  /** Path of the last bookkeeping document handled in this phase. */
  readonly after: string | null;
  readonly done: number;
  readonly counts: RevertCounts;
  /** The first conflicting records, for the result (numbers a person can open). */
  readonly conflictNumbers: string[];
}

const UNDO_PAGE = 100;
const MAX_REPORTED = 200;

/**
 * Undoes an import, one bookkeeping page per transaction (with the
 * checkpoint, so a crash repeats nothing): records it created go to the
 * trash (soft delete, as a user's delete: restorable); records it updated get
 * their previous values back only if they are still at the version the
 * import wrote. Anything edited since is left alone and reported.
 */
export async function runRevertSlice(ctx: RevertSliceContext): Promise<{ done: boolean }> {
  const params = RevertJobParamsSchema.parse(ctx.job.params);
  let cursor: RevertCursor = (ctx.job.cursor as RevertCursor | null) ?? {
    phase: 'created',
    after: null,
    done: 0,
    counts: { deleted: 0, skipped: 0, restored: 0, conflicts: 0 },
    conflictNumbers: [],
  };
  const config = await ctx.services.configs.require(ctx.tenantId);
  const module = resolveModule(config, params.module);
  if (!module) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no module "${params.module}" in this CRM.`, [], { messageKey: 'errors.module.notFound', params: { module: params.module } });
  const { store } = ctx.services;
  if (cursor.done === 0 && cursor.after === null && cursor.phase === 'created') await ctx.checkpoint({ cursor, total: params.total });

  while (cursor.phase !== 'done') {
    if (Date.now() >= ctx.deadline) return { done: false };
    const collection = cursor.phase === 'created' ? importPaths.createdLogs(ctx.tenantId, params.importJobId) : importPaths.undoEntries(ctx.tenantId, params.importJobId);
    const docs = await store.query({
      collection,
      orderBy: [{ field: '__name__' }],
      ...(cursor.after ? { startAfter: [cursor.after] } : {}),
      limit: cursor.phase === 'created' ? 1 : UNDO_PAGE,
    });
    if (docs.length === 0) {
      cursor = { ...cursor, phase: cursor.phase === 'created' ? 'updated' : 'done', after: null };
      if (cursor.phase === 'done') break;
      continue;
    }
    const current = cursor;
    cursor = await store.runTransaction((tx) =>
      current.phase === 'created' ? deleteCreated(ctx, tx, module, params.actor.uid, current, docs) : restoreUpdated(ctx, tx, module, params.actor.uid, current, docs),
    );
  }
  await ctx.checkpoint({
    cursor,
    result: { importJobId: params.importJobId, module: params.module, ...cursor.counts, conflictNumbers: cursor.conflictNumbers },
  });
  return { done: true };
}

async function deleteCreated(ctx: RevertSliceContext, tx: Transaction, module: ResolvedModule, uid: string, cursor: RevertCursor, docs: readonly StoredDocument[]): Promise<RevertCursor> {
  const log = docs[0] as StoredDocument;
  const ids = Array.isArray(log.data.created) ? log.data.created.filter((id): id is string => typeof id === 'string') : [];
  const records = await tx.getAll(ids.map((id) => crmPaths.record(ctx.tenantId, id)));
  const counts = { ...cursor.counts };
  const writes: Array<() => void> = [];
  const now = new Date();
  ids.forEach((id, index) => {
    const doc = records[index];
    const record = doc ? asStoredRecord(doc.data) : null;
    if (!record || record.deleted) {
      counts.skipped += 1;
      return;
    }
    const next = withRecordIndex(
      { ...record, deleted: true, deletedAt: now, deletedBy: uid, updatedBy: uid, updatedAt: now, version: record.version + 1 },
      recordIndexFields({ module, data: record.data, number: record.number, ownerId: record.ownerId, deleted: true }),
    );
    writes.push(() => tx.set(crmPaths.record(ctx.tenantId, id), recordToWriteData(next)));
    counts.deleted += 1;
  });
  const next: RevertCursor = { ...cursor, after: log.path, done: cursor.done + ids.length, counts };
  await ctx.checkpoint({ cursor: next, done: ids.length, counts: difference(counts, cursor.counts) }, tx);
  for (const write of writes) write();
  return next;
}

async function restoreUpdated(ctx: RevertSliceContext, tx: Transaction, module: ResolvedModule, uid: string, cursor: RevertCursor, docs: readonly StoredDocument[]): Promise<RevertCursor> {
  const recordPaths = docs.map((doc) => crmPaths.record(ctx.tenantId, doc.id));
  const records = await tx.getAll(recordPaths);
  // Unique values go back too: read the claims of the old values (all reads before any write).
  const plans = docs.map((doc, index) => {
    const record = records[index] ? asStoredRecord((records[index] as StoredDocument).data) : null;
    const before = doc.data.before as unknown as StoredRecord;
    const version = Number(doc.data.version);
    if (!record || record.deleted || record.version !== version) return { doc, record, before, restorable: false, claims: [] as ReturnType<typeof uniqueClaimsFor>, released: [] as ReturnType<typeof uniqueClaimsFor> };
    const changed = module.fields.filter((field) => field.unique && JSON.stringify(record.data[field.key]) !== JSON.stringify(before.data[field.key])).map((field) => field.key);
    const claims = uniqueClaimsFor(ctx.tenantId, module, before.data).filter((claim) => changed.includes(claim.field.key));
    const released = uniqueClaimsFor(ctx.tenantId, module, record.data).filter((claim) => changed.includes(claim.field.key));
    return { doc, record, before, restorable: true, claims, released };
  });
  const claimPaths = plans.flatMap((plan) => plan.claims.map((claim) => claim.path));
  const claimDocs = claimPaths.length > 0 ? await tx.getAll(claimPaths) : [];
  const holders = new Map(claimPaths.map((path, index) => [path, claimDocs[index] ?? null]));

  const counts = { ...cursor.counts };
  const conflictNumbers = [...cursor.conflictNumbers];
  const writes: Array<() => void> = [];
  const now = new Date();
  for (const plan of plans) {
    const { doc, record, before } = plan;
    const taken = plan.claims.some((claim) => {
      const holder = holders.get(claim.path);
      return holder !== null && holder !== undefined && holder.data.recordId !== doc.id;
    });
    if (!plan.restorable || !record || taken) {
      counts.conflicts += 1;
      if (conflictNumbers.length < MAX_REPORTED) conflictNumbers.push(record?.number ?? before.number);
      continue;
    }
    const { imported: _imported, ...rest } = record as StoredRecord & { imported?: unknown };
    const beforeMarker = (before as StoredRecord & { imported?: unknown }).imported;
    const restored = withRecordIndex(
      {
        ...rest,
        data: before.data,
        refs: before.refs,
        display: module.displayField ? displayValueOf(before.data[module.displayField]) : null,
        updatedBy: uid,
        updatedAt: now,
        version: record.version + 1,
        ...(beforeMarker ? { imported: beforeMarker } : {}),
      },
      recordIndexFields({ module, data: before.data, number: record.number, ownerId: record.ownerId, deleted: false }),
    );
    const path = crmPaths.record(ctx.tenantId, doc.id);
    writes.push(() => {
      tx.set(path, recordToWriteData(restored as StoredRecord));
      for (const claim of plan.released) tx.delete(claim.path);
      for (const claim of plan.claims) tx.set(claim.path, { module: module.slug, field: claim.field.key, recordId: doc.id, number: record.number });
    });
    counts.restored += 1;
  }
  const next: RevertCursor = { ...cursor, after: docs[docs.length - 1]?.path ?? cursor.after, done: cursor.done + docs.length, counts, conflictNumbers };
  await ctx.checkpoint({ cursor: next, done: docs.length, counts: difference(counts, cursor.counts) }, tx);
  for (const write of writes) write();
  return next;
}

/** The runner adds counts to the job's totals: a checkpoint passes what this page changed. */
function difference(after: RevertCounts, before: RevertCounts): Record<string, number> {
  return {
    deleted: after.deleted - before.deleted,
    skipped: after.skipped - before.skipped,
    restored: after.restored - before.restored,
    conflicts: after.conflicts - before.conflicts,
  };
}
