import { fieldValue, type DocumentStore, type StoredDocument, type Transaction } from '../../store/document-store.js';
import { applyMigrations, stepsForRecord } from '../../engine/template-lifecycle/apply-migrations.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { crmPaths } from '../paths.js';
import { configToWriteData, parseTenantConfig } from '../config/config-store.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { asStoredRecord, displayValueOf, recordToWriteData, type StoredRecord } from '../records/record-model.js';
import { hasRecordIndex, recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { lifecyclePaths } from './lifecycle-paths.js';
import { parseMigrationJob, type MigrationJob } from './migration-job.js';

/** Below Firestore's 500 writes per commit with room for the job document. */
export const DEFAULT_MIGRATION_BATCH = 200;
export const MAX_MIGRATION_BATCH = 450;

export interface MigrationRunnerDeps {
  readonly store: DocumentStore;
  readonly now?: () => Date;
  /**
   * How long after the upgrade stale-config creates are looked for (default
   * SETTLE_MS). Zero only where one process owns the store (the embedded
   * MemoryStore), so no other instance can hold the old configuration.
   */
  readonly settleMs?: number;
  /** Test hook: runs inside the batch transaction just before it commits (throw to simulate a crash). */
  readonly beforeCommit?: (batch: { tenantId: string; jobId: string; batchNumber: number }) => void;
}

export interface BatchOutcome {
  readonly done: boolean;
  readonly examined: number;
  readonly migrated: number;
  /** Another runner advanced the job first; this batch wrote nothing. */
  readonly raced: boolean;
  /** Nothing to do until then (settling); the caller should wait this long before the next batch. */
  readonly waitMs?: number;
}

/**
 * How long after the upgrade other instances may still create records with
 * the configuration they cached before it (ConfigStore's TTL is 60 s), plus
 * margin. Such records carry the old `schemaVersion`; the settle phase finds
 * them. Updates from such instances are refused by the records service as
 * soon as they touch a migrated record, so only creates need this.
 */
export const SETTLE_MS = 90_000;
/** Records are stamped with their instance's clock; look this far before the upgrade for late creates. */
const CREATE_SKEW_MS = 5 * 60_000;

/** Record bookkeeping that lets trigger handlers recognise a migration write (and not treat it as a user edit). */
export interface MigrationMarker {
  readonly jobId: string;
  readonly version: string;
}

/**
 * Migrates the next batch of a tenant's records and advances the job's cursor
 * in the same transaction.
 *
 * - The page of record paths is found outside the transaction (a query in it
 *   would make every concurrent record create in that key range a conflict);
 *   the transaction re-reads each record by path, so a user's write that lands
 *   between the query and the commit makes the transaction retry on fresh
 *   data instead of being overwritten (optimistic concurrency: nothing lost).
 * - A record is rewritten only if it still needs steps: its `schemaVersion`
 *   is below the target and applying the steps changes its data. Records
 *   created after the upgrade carry the new version and are left alone.
 * - The job read in the transaction must still be at the cursor this batch
 *   started from; two runners on one job (a task redelivered while the first
 *   is alive) can therefore never both commit the same batch.
 */
export async function runMigrationBatch(
  deps: MigrationRunnerDeps,
  { tenantId, jobId, batchSize = DEFAULT_MIGRATION_BATCH }: { tenantId: string; jobId: string; batchSize?: number },
): Promise<BatchOutcome> {
  const { store } = deps;
  const size = Math.max(1, Math.min(MAX_MIGRATION_BATCH, batchSize));
  const jobPath = lifecyclePaths.migration(tenantId, jobId);
  const jobDoc = await store.get(jobPath);
  if (!jobDoc) throw new CrmError(CRM_ERROR_CODES.notFound, 'There is no such migration.');
  const job = parseMigrationJob(jobDoc.data);
  if (job.status === 'done') return { done: true, examined: 0, migrated: 0, raced: false };
  if (job.phase === 'settle') return runSettleBatch(deps, { tenantId, jobId, job, size });
  if (job.kind === 'reindex' && job.batches === 0) {
    // Other instances write records with the configuration they cached (ConfigStore's TTL) until it
    // expires: walking only after that means every record written without the new slot is walked.
    const startAt = job.createdAt.getTime() + (deps.settleMs ?? SETTLE_MS);
    const now = (deps.now?.() ?? new Date()).getTime();
    if (now < startAt) return { done: false, examined: 0, migrated: 0, raced: false, waitMs: startAt - now };
  }

  const [page, configDoc] = await Promise.all([
    store.query({
      collection: crmPaths.records(tenantId),
      ...(job.modules ? { where: [{ field: 'module', op: 'in' as const, value: job.modules }] } : {}),
      orderBy: [{ field: '__name__' }],
      ...(job.cursor ? { startAfter: [job.cursor] } : {}),
      limit: size,
    }),
    store.get(crmPaths.tenant(tenantId)),
  ]);
  const config = configDoc ? parseTenantConfig(configDoc.data) : null;
  // A short page ends the walk; a reindex is then done (nothing to settle: see above).
  const walked = page.length < size;
  const finishing = walked && job.kind === 'reindex';

  return store.runTransaction(async (tx) => {
    const [fresh, freshConfig, ...docs] = await tx.getAll([jobPath, crmPaths.tenant(tenantId), ...page.map((doc) => doc.path)]);
    const current = fresh ? parseMigrationJob(fresh.data) : null;
    if (!current || current.status !== 'running' || current.cursor !== job.cursor) {
      return { done: current?.status === 'done', examined: 0, migrated: 0, raced: true };
    }
    const now = deps.now?.() ?? new Date();
    let migrated = 0;
    docs.forEach((doc) => {
      if (!doc) return; // deleted since the query: nothing to migrate
      const next = migrateRecord(asStoredRecord(doc.data), current, jobId, config);
      if (!next) return;
      tx.set(doc.path, recordToWriteData(next));
      migrated += 1;
    });
    // Records created from here on are written under the new version, except by instances
    // still holding the old configuration, which an upgrade's settle phase covers.
    deps.beforeCommit?.({ tenantId, jobId, batchNumber: current.batches + 1 });
    if (finishing) markSlotsReady(tx, freshConfig ?? null, current, now);
    tx.update(jobPath, {
      cursor: page.length > 0 ? (page[page.length - 1]?.path ?? current.cursor) : current.cursor,
      processed: fieldValue.increment(page.length),
      migrated: fieldValue.increment(migrated),
      batches: fieldValue.increment(1),
      updatedAt: now,
      lastError: null,
      ...(finishing
        ? { status: 'done', finishedAt: now }
        : walked
          ? { phase: 'settle', settleAfter: new Date(current.createdAt.getTime() + (deps.settleMs ?? SETTLE_MS)) }
          : {}),
    });
    return { done: finishing, examined: page.length, migrated, raced: false };
  });
}

/**
 * Settle phase: records created since shortly before the upgrade that still
 * carry the old schema version (created by an instance with a stale
 * configuration cache). Each is migrated, or only re-stamped when its data
 * needs nothing, so it leaves the query. The job is done once a sweep finds
 * none after `settleAfter`. Uses the composite index (schemaVersion, createdAt).
 */
async function runSettleBatch(
  deps: MigrationRunnerDeps,
  { tenantId, jobId, job, size }: { tenantId: string; jobId: string; job: MigrationJob; size: number },
): Promise<BatchOutcome> {
  const { store } = deps;
  const jobPath = lifecyclePaths.migration(tenantId, jobId);
  const [page, configDoc] = await Promise.all([
    store.query({
      collection: crmPaths.records(tenantId),
      where: [
        { field: 'schemaVersion', op: '==', value: job.fromVersion },
        { field: 'createdAt', op: '>=', value: new Date(job.createdAt.getTime() - CREATE_SKEW_MS) },
      ],
      limit: size,
    }),
    store.get(crmPaths.tenant(tenantId)),
  ]);
  const config = configDoc ? parseTenantConfig(configDoc.data) : null;
  return store.runTransaction(async (tx) => {
    const [fresh, freshConfig, ...docs] = await tx.getAll([jobPath, crmPaths.tenant(tenantId), ...page.map((doc) => doc.path)]);
    const current = fresh ? parseMigrationJob(fresh.data) : null;
    if (!current || current.status !== 'running') return { done: current?.status === 'done', examined: 0, migrated: 0, raced: true };
    const now = deps.now?.() ?? new Date();
    let migrated = 0;
    docs.forEach((doc) => {
      if (!doc) return;
      const record = asStoredRecord(doc.data);
      if (record.schemaVersion !== current.fromVersion) return; // migrated meanwhile
      const next = migrateRecord(record, current, jobId, config) ?? { ...record, schemaVersion: current.toVersion };
      tx.set(doc.path, recordToWriteData(next));
      migrated += 1;
    });
    const settleAfter = current.settleAfter ?? current.createdAt;
    const done = page.length === 0 && now.getTime() >= settleAfter.getTime();
    if (page.length === 0 && !done) return { done: false, examined: 0, migrated: 0, raced: false, waitMs: settleAfter.getTime() - now.getTime() };
    if (done) markSlotsReady(tx, freshConfig ?? null, current, now);
    tx.update(jobPath, {
      processed: fieldValue.increment(page.length),
      migrated: fieldValue.increment(migrated),
      batches: fieldValue.increment(1),
      updatedAt: now,
      lastError: null,
      ...(done ? { status: 'done', finishedAt: now } : {}),
    });
    return { done, examined: page.length, migrated, raced: false };
  });
}

/**
 * The record after the job's steps and with its index fields brought up to
 * date, or null when it needs no write. A data change is stamped as a
 * migration (new schemaVersion, `migration` marker); an index-only rewrite
 * with `indexJob`, which trigger handlers also skip (record-model.ts).
 */
export function migrateRecord(
  record: StoredRecord & { migration?: MigrationMarker },
  job: Pick<MigrationJob, 'steps' | 'fromVersion' | 'toVersion'> & Partial<Pick<MigrationJob, 'kind' | 'modules'>>,
  jobId: string,
  config: TenantConfig | null,
): (StoredRecord & { migration?: MigrationMarker; indexJob?: string }) | null {
  if (job.modules && !job.modules.includes(record.module)) return null;
  const module = config ? resolveModule(config, record.module) : null;
  const steps =
    job.kind === 'reindex'
      ? []
      : stepsForRecord({ steps: job.steps, module: record.module, schemaVersion: record.schemaVersion, fromVersion: job.fromVersion, toVersion: job.toVersion });
  const result = steps.length > 0 ? applyMigrations(record.data, steps) : null;
  if (result?.changed) {
    const refs = { ...record.refs };
    for (const { from, to } of result.moved) {
      if (refs[from]) refs[to] = refs[from];
    }
    for (const key of Object.keys(refs)) if (!(key in result.data)) delete refs[key];
    const migrated = {
      ...record,
      data: result.data,
      refs,
      display: module?.displayField ? displayValueOf(result.data[module.displayField]) : record.display,
      // A new version makes a form opened before the migration reload instead of saving over it.
      version: record.version + 1,
      schemaVersion: job.toVersion,
      migration: { jobId, version: job.toVersion },
    };
    return module
      ? withRecordIndex(migrated, recordIndexFields({ module, data: result.data, number: record.number, ownerId: record.ownerId, deleted: record.deleted }))
      : migrated;
  }
  if (!module) return null;
  const index = recordIndexFields({ module, data: record.data, number: record.number, ownerId: record.ownerId, deleted: record.deleted });
  if (hasRecordIndex(record as unknown as Record<string, unknown>, index)) return null;
  // Index fields only: data and version stay, so a form open on the record still saves.
  return { ...withRecordIndex(record, index), indexJob: jobId };
}

export interface CompletionOutcome {
  readonly done: boolean;
  readonly batches: number;
  readonly examined: number;
  readonly migrated: number;
}

/**
 * Runs batches until the job is done (or `maxBatches` / `deadline` stops it,
 * leaving the job resumable). The embedded runtime and tests drive migrations
 * with this; in production the task-queue function calls it with a deadline
 * and re-enqueues itself.
 */
export async function runMigrationToCompletion(
  deps: MigrationRunnerDeps,
  options: { tenantId: string; jobId: string; batchSize?: number; maxBatches?: number; deadline?: number },
): Promise<CompletionOutcome> {
  let batches = 0;
  let examined = 0;
  let migrated = 0;
  for (;;) {
    if (options.maxBatches !== undefined && batches >= options.maxBatches) return { done: false, batches, examined, migrated };
    if (options.deadline !== undefined && Date.now() >= options.deadline) return { done: false, batches, examined, migrated };
    const outcome = await runMigrationBatch(deps, options);
    if (outcome.waitMs !== undefined) {
      const wait = options.deadline === undefined ? outcome.waitMs : Math.min(outcome.waitMs, options.deadline - Date.now());
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(wait, 10_000))));
    } else {
      // Let the process serve requests between batches: an in-process store answers without I/O,
      // so without this a long migration would hold the embedded runtime's event loop.
      await new Promise((resolve) => setImmediate(resolve));
    }
    batches += 1;
    examined += outcome.examined;
    migrated += outcome.migrated;
    if (outcome.done) return { done: true, batches, examined, migrated };
  }
}

/**
 * The job's index slots become `ready` (dashboards and sorts may use them),
 * each only if the module still gives that field that slot: a later change
 * that moved it started its own job, which will mark it.
 */
function markSlotsReady(tx: Transaction, configDoc: StoredDocument | null, job: MigrationJob, now: Date): void {
  if (!configDoc || job.indexSlots.length === 0) return;
  const config = parseTenantConfig(configDoc.data);
  let changed = false;
  const modules = config.modules.map((module) => {
    const slots = (module.index_slots ?? []).map((slot) => {
      const covered = job.indexSlots.some((done) => done.module === module.slug && done.field === slot.field && done.slot === slot.slot);
      if (!covered || slot.state === 'ready') return slot;
      changed = true;
      return { ...slot, state: 'ready' as const };
    });
    return { ...module, index_slots: slots };
  });
  if (!changed) return;
  tx.set(configDoc.path, configToWriteData({ ...config, modules, revision: config.revision + 1, updatedAt: now }));
}

/** Best effort: tells the console why a run stopped; the next run clears it. */
export async function recordMigrationError(store: DocumentStore, tenantId: string, jobId: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    await store.update(lifecyclePaths.migration(tenantId, jobId), { lastError: message.slice(0, 500) });
  } catch {
    // The job may be gone; the original error is what matters.
  }
}
