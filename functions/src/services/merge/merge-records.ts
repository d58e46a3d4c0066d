import { assertWritable, fieldAccessFor } from '../access/field-security.js';
import { z } from 'zod';
import type { DocumentStore, StoreValue, Transaction, WriteData } from '../../store/document-store.js';
import { MAX_MERGE_RECORDS } from '../../engine/duplicates/duplicate-rules.js';
import { canActOnRecord } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { resolveModule, type ResolvedModule, type TenantConfig } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { historyEntryId } from '../records/record-history.js';
import { recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { asStoredRecord, displayValueOf, recordToWriteData, type RelatedRef, type StoredRecord } from '../records/record-model.js';
import { moduleNotFound, recordNotFound, uniqueClaimsFor } from '../records/records-service.js';
import { referenceToken } from '../records/record-tokens.js';

export { MAX_MERGE_RECORDS };
/** The change listed in the winner's history: which records were merged into it. */
export const MERGED_FROM_CHANGE_FIELD = '_merged_from';

export const MergeParamsSchema = z.object({
  module: z.string(),
  winnerId: z.string(),
  loserIds: z.array(z.string()).min(1).max(MAX_MERGE_RECORDS - 1),
  loserNumbers: z.array(z.string()),
  /** The winning values, snapshotted when the merge was asked for (null: cleared). */
  values: z.record(z.string(), z.unknown()),
  /** Display values of relationship fields taken from a loser. */
  refs: z.record(z.string(), z.object({ id: z.string(), display: z.string().nullable() })),
  by: z.string(),
});
export type MergeParams = z.infer<typeof MergeParamsSchema>;

export const MergeCursorSchema = z.object({
  step: z.enum(['winner', 'referrers', 'losers', 'sweep', 'done']),
  loser: z.number().int().min(0),
  /** Last referrer path handled on this loser's current pass (records whose reference could not be moved are passed over). */
  after: z.string().nullable(),
});
export type MergeCursor = z.infer<typeof MergeCursorSchema>;
export const MERGE_START: MergeCursor = { step: 'winner', loser: 0, after: null };

export interface MergeRequest {
  readonly module: string;
  readonly winnerId: string;
  readonly recordIds: readonly string[];
  /** Field key → id of the record whose value wins; unlisted fields keep the winner's value. */
  readonly fields: Readonly<Record<string, string>>;
}

type MergeDeps = Pick<Services, 'store' | 'configs'>;

/**
 * Checks a merge request against the records as they are and the caller's
 * rights (update on the winner, delete on every loser), and snapshots the
 * winning values, so the job applies exactly what the user saw and chose.
 */
export async function planMerge(services: MergeDeps, caller: Caller, request: MergeRequest): Promise<MergeParams> {
  const config = await services.configs.require(caller.tenantId);
  const module = resolveModule(config, request.module);
  if (!module) throw moduleNotFound(request.module);
  // Like every record callable: an unreadable or missing record is not-found first, then each record's own right decides.
  const ids = [...new Set(request.recordIds)];
  if (!ids.includes(request.winnerId)) ids.unshift(request.winnerId);
  if (ids.length < 2 || ids.length > MAX_MERGE_RECORDS) {
    throw invalidInput([{ path: 'recordIds', message: `a merge takes 2 to ${MAX_MERGE_RECORDS} different records`, messageKey: 'rollupsMerge.errors.mergeCount', params: { max: MAX_MERGE_RECORDS } }]);
  }
  const docs = await services.store.getAll(ids.map((id) => crmPaths.record(caller.tenantId, id)));
  const records = new Map<string, StoredRecord>();
  ids.forEach((id, index) => {
    const doc = docs[index];
    const record = doc ? asStoredRecord(doc.data) : null;
    if (!record || !canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'read', ownerId: record.ownerId })) throw recordNotFound();
    if (record.module !== module.slug) {
      throw invalidInput([{ path: 'recordIds', message: `${record.number} is not a ${module.slug} record`, messageKey: 'rollupsMerge.errors.mergeOtherModule', params: { number: record.number } }]);
    }
    if (record.deleted) {
      throw new CrmError(CRM_ERROR_CODES.precondition, `${record.number} is in the trash; restore it before merging.`, [], { messageKey: 'errors.record.inTrash', params: { number: record.number } });
    }
    const action = id === request.winnerId ? 'update' : 'delete';
    if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: module.slug, action, ownerId: record.ownerId })) {
      throw new CrmError(CRM_ERROR_CODES.forbidden, `Your role may not ${action} ${record.number}.`, [], { messageKey: `rollupsMerge.errors.mergeForbidden.${action}`, params: { number: record.number } });
    }
    records.set(id, record);
  });
  const values: Record<string, unknown> = {};
  const refs: Record<string, RelatedRef> = {};
  const issues = [];
  for (const [key, sourceId] of Object.entries(request.fields)) {
    const field = module.fields.find((candidate) => candidate.key === key);
    const source = records.get(sourceId);
    if (!field || !field.active || !source) {
      issues.push({ path: `fields.${key}`, message: !source ? 'must name one of the merged records' : `there is no active field "${key}"` });
      continue;
    }
    if (sourceId === request.winnerId) continue;
    values[key] = source.data[key] ?? null;
    const ref = source.refs?.[key];
    if (field.type === 'relationship' && ref) refs[key] = ref;
  }
  if (issues.length > 0) throw invalidInput(issues);
  // Field-level security: a merge may only change the winner's fields the caller may edit (a hidden or
  // read-only value taken from a loser would be a write the caller could not make by hand).
  const winner = records.get(request.winnerId) as StoredRecord;
  const changed = Object.fromEntries(Object.entries(values).filter(([key, value]) => JSON.stringify(value ?? null) !== JSON.stringify(winner.data[key] ?? null)));
  assertWritable(config, module.slug, changed, fieldAccessFor(caller, config), winner.data);
  const losers = ids.filter((id) => id !== request.winnerId);
  return {
    module: module.slug,
    winnerId: request.winnerId,
    loserIds: losers,
    loserNumbers: losers.map((id) => (records.get(id) as StoredRecord).number),
    values,
    refs,
    by: caller.uid,
  };
}

export interface MergeStepCounts {
  winner: number;
  repointed: number;
  losers: number;
}

/**
 * Called inside each transaction that changes a record, with that
 * transaction: the job records its progress there, so counts stay exact
 * whatever crashes (a step repeated after a crash finds nothing left to count).
 */
export type MergeProgressHook = (tx: Transaction, counted: Partial<MergeStepCounts>) => Promise<void>;

/**
 * One idempotent step of a merge; the job runner checkpoints the returned
 * cursor after each. The order is what keeps a crash harmless: the winner
 * takes its values first (guarded by the job id, so a rerun writes nothing),
 * then every record pointing at a loser is re-pointed to the winner (each in
 * its own transaction; a re-pointed record no longer matches the query, so a
 * rerun finds only what is left), then the losers go to the trash (a loser
 * already there is passed), then a last sweep re-points anything that
 * pointed at a loser in between. At no point does a record point at a loser
 * that is gone, and nothing of a loser is deleted: it stays in the trash with
 * its history and `mergedInto`.
 */
export async function runMergeStep(
  services: MergeDeps,
  tenantId: string,
  jobId: string,
  params: MergeParams,
  cursor: MergeCursor,
  now: Date = new Date(),
  progress?: MergeProgressHook,
): Promise<{ cursor: MergeCursor; counts: MergeStepCounts }> {
  const counts: MergeStepCounts = { winner: 0, repointed: 0, losers: 0 };
  const config = await services.configs.require(tenantId);
  const module = resolveModule(config, params.module);
  if (!module) throw moduleNotFound(params.module);
  const { store } = services;
  switch (cursor.step) {
    case 'winner': {
      counts.winner = await applyWinner(store, tenantId, jobId, module, params, now, progress);
      return { cursor: { step: 'referrers', loser: 0, after: null }, counts };
    }
    case 'referrers':
    case 'sweep': {
      const loserId = params.loserIds[cursor.loser];
      if (loserId === undefined) {
        return { cursor: cursor.step === 'referrers' ? { step: 'losers', loser: 0, after: null } : { step: 'done', loser: 0, after: null }, counts };
      }
      const page = await repointPage(store, config, tenantId, jobId, params, loserId, cursor.after, now, progress);
      counts.repointed = page.repointed;
      if (page.done) return { cursor: { step: cursor.step, loser: cursor.loser + 1, after: null }, counts };
      return { cursor: { step: cursor.step, loser: cursor.loser, after: page.after }, counts };
    }
    case 'losers': {
      const loserId = params.loserIds[cursor.loser];
      if (loserId === undefined) return { cursor: { step: 'sweep', loser: 0, after: null }, counts };
      counts.losers = await trashLoser(store, tenantId, jobId, module, params, loserId, now, progress);
      return { cursor: { step: 'losers', loser: cursor.loser + 1, after: null }, counts };
    }
    case 'done':
      return { cursor, counts };
  }
}

async function applyWinner(store: DocumentStore, tenantId: string, jobId: string, module: ResolvedModule, params: MergeParams, now: Date, progress?: MergeProgressHook): Promise<number> {
  const path = crmPaths.record(tenantId, params.winnerId);
  return store.runTransaction(async (tx) => {
    const doc = await tx.get(path);
    const current = doc ? asStoredRecord(doc.data) : null;
    if (!current) throw recordNotFound();
    if ((doc?.data.merge as { jobId?: string } | undefined)?.jobId === jobId) return 0;
    const data: Record<string, unknown> = { ...current.data };
    const refs: Record<string, RelatedRef> = { ...current.refs };
    for (const [key, value] of Object.entries(params.values)) {
      if (value === null || value === undefined) {
        delete data[key];
        delete refs[key];
      } else data[key] = value;
      const ref = params.refs[key];
      if (ref) refs[key] = ref;
    }
    const changed = Object.keys(params.values).filter((key) => JSON.stringify(current.data[key] ?? null) !== JSON.stringify(data[key] ?? null));
    // A unique value taken from a loser moves its claim to the winner (the loser keeps no claim it could block with).
    const oldClaims = uniqueClaimsFor(tenantId, module, current.data).filter((claim) => changed.includes(claim.field.key));
    const newClaims = uniqueClaimsFor(tenantId, module, data).filter((claim) => changed.includes(claim.field.key));
    const version = current.version + 1;
    const next = withRecordIndex(
      {
        ...current,
        data,
        refs,
        display: module.displayField ? displayValueOf(data[module.displayField]) : null,
        updatedBy: params.by,
        updatedAt: now,
        version,
        merge: { jobId, from: params.loserIds, numbers: params.loserNumbers },
      },
      recordIndexFields({ module, data, number: current.number, ownerId: current.ownerId, deleted: false }),
    );
    tx.set(path, recordToWriteData(next as StoredRecord));
    for (const claim of oldClaims) tx.delete(claim.path);
    for (const claim of newClaims) tx.set(claim.path, { module: module.slug, field: claim.field.key, recordId: params.winnerId, number: current.number });
    // The winner's history says where it came from; the losers keep theirs (they stay, in the trash).
    const entry: WriteData = {
      at: now,
      by: params.by,
      kind: 'updated',
      changes: [{ field: MERGED_FROM_CHANGE_FIELD, from: null, to: params.loserNumbers as StoreValue }],
      version,
    };
    tx.set(`${crmPaths.recordHistory(tenantId, params.winnerId)}/${historyEntryId(`merge-${jobId}`)}`, entry);
    await progress?.(tx, { winner: 1 });
    return 1;
  });
}

const REFERRER_PAGE = 50;

async function repointPage(
  store: DocumentStore,
  config: TenantConfig,
  tenantId: string,
  jobId: string,
  params: MergeParams,
  loserId: string,
  after: string | null,
  now: Date,
  progress?: MergeProgressHook,
): Promise<{ repointed: number; done: boolean; after: string | null }> {
  const referrers = await store.query({
    collection: crmPaths.records(tenantId),
    where: [{ field: 'links', op: 'array-contains', value: referenceToken(loserId) }],
    orderBy: [{ field: '__name__' }],
    ...(after ? { startAfter: [after] } : {}),
    limit: REFERRER_PAGE,
  });
  if (referrers.length === 0) return { repointed: 0, done: true, after };
  let repointed = 0;
  let stuck: string | null = null;
  for (const referrer of referrers) {
    const moved = await store.runTransaction(async (tx) => {
      const [doc, winnerDoc] = await tx.getAll([referrer.path, crmPaths.record(tenantId, params.winnerId)]);
      if (!doc) return 'gone' as const;
      const record = asStoredRecord(doc.data);
      const module = resolveModule(config, record.module);
      if (!module) return 'stuck' as const;
      const winner = winnerDoc ? asStoredRecord(winnerDoc.data) : null;
      const data = { ...record.data };
      const refs = { ...record.refs };
      let touched = false;
      for (const field of module.fields) {
        if (field.type !== 'relationship' || data[field.key] !== loserId) continue;
        const options = field.options as { display_field?: string } | undefined;
        data[field.key] = params.winnerId;
        refs[field.key] = { id: params.winnerId, display: (winner ? displayValueOf(winner.data[options?.display_field ?? '']) : null) ?? winner?.number ?? null };
        touched = true;
      }
      const index = recordIndexFields({ module, data, number: record.number, ownerId: record.ownerId, deleted: record.deleted });
      // Nothing to move and the link would stay: a stale token this pass cannot clear; passed over by the cursor.
      if (!touched && index.links.includes(referenceToken(loserId))) return 'stuck' as const;
      tx.set(
        referrer.path,
        recordToWriteData(
          withRecordIndex(
            { ...record, data, refs, updatedBy: params.by, updatedAt: now, version: record.version + (touched ? 1 : 0), merge: { jobId, repointed: loserId } },
            index,
          ) as StoredRecord,
        ),
      );
      if (touched) await progress?.(tx, { repointed: 1 });
      return 'moved' as const;
    });
    if (moved === 'moved') repointed += 1;
    if (moved === 'stuck') stuck = referrer.path;
  }
  // Moved records left the query; only passed-over ones need the cursor to step past them.
  return { repointed, done: referrers.length < REFERRER_PAGE, after: stuck ?? after };
}

async function trashLoser(
  store: DocumentStore,
  tenantId: string,
  jobId: string,
  module: ResolvedModule,
  params: MergeParams,
  loserId: string,
  now: Date,
  progress?: MergeProgressHook,
): Promise<number> {
  const path = crmPaths.record(tenantId, loserId);
  return store.runTransaction(async (tx) => {
    const doc = await tx.get(path);
    const current = doc ? asStoredRecord(doc.data) : null;
    if (!current || current.deleted) return 0;
    const next = withRecordIndex(
      {
        ...current,
        deleted: true,
        deletedAt: now,
        deletedBy: params.by,
        updatedBy: params.by,
        updatedAt: now,
        version: current.version + 1,
        mergedInto: { recordId: params.winnerId, jobId },
      },
      recordIndexFields({ module, data: current.data, number: current.number, ownerId: current.ownerId, deleted: true }),
    );
    tx.set(path, recordToWriteData(next as StoredRecord));
    await progress?.(tx, { losers: 1 });
    return 1;
  });
}
