import { resolveAccessScope } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import { resolveModule } from '../config/tenant-config.js';
import { CRM_ERROR_CODES, CrmError, invalidInput, isCrmError } from '../errors.js';
import { tenantFiles } from '../files/file-store.js';
import type { JobHandler, JobSliceContext } from '../jobs/job-handler.js';
import { listRecords, MAX_PAGE_SIZE } from '../records/list-records.js';
import { moduleNotFound } from '../records/records-service.js';
import type { RecordView } from '../records/record-model.js';
import { resolveJobCaller } from '../exports/job-caller.js';
import { requireRunnableWorkflow, runWorkflowOnRecord } from '../manual-runs/manual-runs.js';
import type { StoredWorkflow } from '../workflows/workflow-definitions.js';
import {
  BulkCursorSchema,
  BulkParamsSchema,
  MAX_REPORTED_ISSUES,
  SnapshotItemSchema,
  type BulkCursor,
  type BulkOutcome,
  type BulkParams,
  type SnapshotItem,
} from './bulk-params.js';

/** Records per snapshot chunk file: a slice holds one chunk, whatever the selection's size. */
export const SNAPSHOT_CHUNK = 1_000;
/** Records applied at once; the cursor is checkpointed after each batch. */
const APPLY_BATCH = 20;
const SAFETY_MS = 1_000;

export const INITIAL_BULK_CURSOR: BulkCursor = { phase: 'snapshot', listCursor: null, scanned: 0, chunks: 0, selected: 0, chunk: 1, offset: 0, issues: [] };

/**
 * The `bulk` job: one action on many records, each through the records
 * service exactly as by hand (validation, uniqueness, history, workflows),
 * each checked against the caller's rights on that record and against the
 * version the user saw. A view selection ("all N matching") is first
 * snapshotted (ids, versions, owners) into chunk files, so records edited
 * meanwhile are reported as conflicts instead of being overwritten, and the
 * job works on what the user saw, not on what matches later.
 */
export const bulkJobHandler: JobHandler = {
  kind: 'bulk',
  runSlice: runBulkSlice,
};

export async function runBulkSlice(context: JobSliceContext): Promise<{ done: boolean }> {
  const { services, tenantId, job } = context;
  const params = parseParams(job.params);
  let state = parseCursor(job.cursor, params);
  const caller = await resolveJobCaller(services.identity, tenantId, params.actor);
  const config = await services.configs.require(tenantId);
  const module = resolveModule(config, params.module);
  if (!module) throw moduleNotFound(params.module);
  const stopAt = context.deadline - SAFETY_MS;

  if (state.phase === 'snapshot') {
    if (!('view' in params.selection)) throw new Error('explicit selections start in the apply phase');
    const view = params.selection.view;
    let chunk: SnapshotItem[] = [];
    for (;;) {
      const page = await listRecords(services, caller, {
        module: module.slug,
        ...view,
        pageSize: MAX_PAGE_SIZE,
        ...(state.listCursor ? { cursor: state.listCursor } : {}),
        scannedBefore: state.scanned,
      });
      for (const record of page.records) chunk.push({ id: record.id, version: record.version, ownerId: record.ownerId, number: record.number });
      const finished = page.nextCursor === null;
      const timeUp = Date.now() >= stopAt;
      // A chunk is written whole or not at all, and the cursor moves only with it.
      if (finished || timeUp || chunk.length >= SNAPSHOT_CHUNK) {
        let chunks = state.chunks;
        if (chunk.length > 0) {
          chunks += 1;
          await services.files.write(chunkPath(tenantId, job.id, chunks), JSON.stringify(chunk), { contentType: 'application/json' });
        }
        const selected = state.selected + chunk.length;
        state = { ...state, listCursor: page.nextCursor, scanned: page.plan.scanned, chunks, selected, phase: finished ? 'apply' : 'snapshot' };
        await context.checkpoint({ cursor: state, ...(finished ? { total: selected } : {}) });
        chunk = [];
        if (finished) break;
        if (timeUp) return { done: false };
      } else {
        state = { ...state, listCursor: page.nextCursor, scanned: page.plan.scanned };
      }
    }
  }

  const action = await prepareAction(services, caller, module.slug, params, job.id);
  const startedAt = job.startedAt ?? job.createdAt;
  const lastChunk = 'ids' in params.selection ? 1 : state.chunks;
  while (state.chunk <= lastChunk) {
    const items = await loadChunk(context, params, state.chunk);
    while (state.offset < items.length) {
      if (Date.now() >= stopAt) return { done: false };
      const batch = items.slice(state.offset, state.offset + APPLY_BATCH);
      const outcomes = await Promise.all(batch.map((item) => applyOne(services, caller, action, item, startedAt)));
      const counts: Record<string, number> = {};
      const issues = [...state.issues];
      outcomes.forEach((outcome, index) => {
        counts[outcome.outcome] = (counts[outcome.outcome] ?? 0) + 1;
        const item = batch[index] as SnapshotItem;
        if (outcome.outcome !== 'updated' && outcome.outcome !== 'unchanged' && outcome.outcome !== 'ran' && issues.length < MAX_REPORTED_ISSUES) {
          issues.push({ id: item.id, number: outcome.number ?? item.number ?? null, outcome: outcome.outcome, message: outcome.message });
        }
      });
      state = { ...state, offset: state.offset + batch.length, issues };
      await context.checkpoint({ cursor: state, done: batch.length, counts });
    }
    state = { ...state, chunk: state.chunk + 1, offset: 0 };
    await context.checkpoint({ cursor: state });
  }
  await context.checkpoint({ result: { selected: state.selected, issues: state.issues, action: params.action } });
  for (let index = 1; index <= state.chunks; index += 1) await services.files.delete(chunkPath(tenantId, job.id, index));
  return { done: true };
}

type Services = JobSliceContext['services'];

interface PreparedAction {
  readonly params: BulkParams;
  /** update_own / delete_own: records of others are skipped without a read when the snapshot knows their owner. */
  readonly ownOnly: boolean;
  readonly jobId: string;
  /** run_workflow: the manual workflow, checked again at every slice (switched off or edited meanwhile fails the job). */
  readonly workflow?: StoredWorkflow;
}

async function prepareAction(services: Services, caller: Caller, moduleSlug: string, params: BulkParams, jobId: string): Promise<PreparedAction> {
  const config = await services.configs.require(caller.tenantId);
  const right = params.action === 'delete' || params.action === 'restore' ? 'delete' : 'update';
  const scope = resolveAccessScope({ actor: caller, matrix: config.permissions, module: moduleSlug, action: right });
  if (params.action !== 'run_workflow') return { params, ownOnly: scope === 'own', jobId };
  const workflow = await requireRunnableWorkflow(services, caller, params.workflowId ?? '');
  if (workflow.module !== moduleSlug) throw new CrmError(CRM_ERROR_CODES.precondition, 'The workflow of this bulk action now runs on another module; start it again.');
  return { params, ownOnly: scope === 'own', jobId, workflow };
}

interface ItemOutcome {
  readonly outcome: BulkOutcome;
  readonly number?: string | undefined;
  readonly message: string;
}

export async function applyOne(services: Services, caller: Caller, action: PreparedAction, item: SnapshotItem, startedAt: Date): Promise<ItemOutcome> {
  const { params } = action;
  if (action.ownOnly && item.ownerId !== undefined && item.ownerId !== caller.uid) {
    return { outcome: 'forbidden', message: 'not your record: your role may change only records you own' };
  }
  if (action.workflow) return runWorkflowOn(services, caller, action.workflow, action.jobId, item);
  try {
    let after: { version: number; number: string };
    switch (params.action) {
      case 'edit_field':
        after = await services.records.update(caller, item.id, { [params.field as string]: params.value ?? null }, item.version);
        break;
      case 'change_owner':
        after = await services.records.changeOwner(caller, item.id, params.ownerId as string, item.version);
        break;
      case 'delete':
        after = await services.records.delete(caller, item.id, undefined, item.version);
        break;
      case 'restore':
        after = await services.records.restore(caller, item.id, undefined, item.version);
        break;
      case 'run_workflow':
        throw new Error('run_workflow is prepared with its workflow');
    }
    return after.version === item.version
      ? { outcome: 'unchanged', number: after.number, message: 'already had this value' }
      : { outcome: 'updated', number: after.number, message: '' };
  } catch (error) {
    if (!isCrmError(error)) throw error; // transient: the slice is retried from its checkpoint
    if (error.code === CRM_ERROR_CODES.versionConflict) {
      const current = await currentVersionOf(services, caller, item);
      return current && appliedByThisJob(current, caller, action.params, item, startedAt)
        ? { outcome: 'updated', number: current.number, message: '' }
        : { outcome: 'conflict', number: current?.number ?? String(error.params.number ?? ''), message: error.message };
    }
    if (error.code === CRM_ERROR_CODES.alreadyExists) return { outcome: 'invalid', message: error.message };
    // Deleting what is in the trash (or restoring what is not) leaves it as asked.
    if (error.messageKey === 'errors.record.alreadyInTrash' || error.messageKey === 'errors.record.notInTrash') return { outcome: 'unchanged', message: error.message };
    return refusedOutcome(error);
  }
}

/** What a record the action was refused for counts as, for the refusals every bulk action shares. */
function refusedOutcome(error: CrmError): ItemOutcome {
  switch (error.code) {
    case CRM_ERROR_CODES.forbidden:
      return { outcome: 'forbidden', message: error.message };
    case CRM_ERROR_CODES.notFound:
      return { outcome: 'not_found', message: error.message };
    case CRM_ERROR_CODES.invalidInput:
    case CRM_ERROR_CODES.precondition:
      return { outcome: 'invalid', message: error.message };
    default:
      return { outcome: 'failed', message: error.message };
  }
}

/**
 * A slice retried after a crash re-applies the records past its last
 * checkpoint; those it had already changed now fail the version check. The
 * change is this job's when the record is exactly one version past the one
 * selected, was last written by the job's user since the job started, and
 * holds what the job writes.
 */
function appliedByThisJob(record: RecordView, caller: Caller, params: BulkParams, item: SnapshotItem, startedAt: Date): boolean {
  if (record.version !== item.version + 1 || record.updatedBy !== caller.uid || new Date(record.updatedAt) < startedAt) return false;
  switch (params.action) {
    case 'edit_field':
      return JSON.stringify(record.data[params.field as string] ?? null) === JSON.stringify(params.value ?? null);
    case 'change_owner':
      return record.ownerId === params.ownerId;
    case 'delete':
      return record.deleted;
    case 'restore':
      return !record.deleted;
    case 'run_workflow':
      return false; // never compared by version: see runWorkflowOn
  }
}

/**
 * One record of a "Run a workflow" bulk action. Its idempotency key is (job,
 * record): a slice retried after a crash finds the run log of a record it
 * already ran and reports that run's outcome instead of running it again.
 * The record's version is not compared: the action writes nothing the user
 * typed, and the workflow's conditions are judged on the record as it is
 * when it runs (a record no longer matching is skipped, with the reason).
 */
async function runWorkflowOn(services: Services, caller: Caller, workflow: StoredWorkflow, jobId: string, item: SnapshotItem): Promise<ItemOutcome> {
  try {
    const run = await runWorkflowOnRecord(services, caller, workflow, { recordId: item.id, eventId: `bulk-${jobId}-${item.id}`, jobId });
    return run.outcome === 'ran' ? { outcome: 'ran', number: run.number, message: '' } : { outcome: run.outcome, number: run.number, message: run.reason };
  } catch (error) {
    if (!isCrmError(error)) throw error; // transient: the slice is retried from its checkpoint
    return refusedOutcome(error);
  }
}

async function currentVersionOf(services: Services, caller: Caller, item: SnapshotItem): Promise<RecordView | null> {
  try {
    return await services.records.get(caller, item.id);
  } catch (error) {
    if (isCrmError(error)) return null;
    throw error;
  }
}

function chunkPath(tenantId: string, jobId: string, index: number): string {
  return tenantFiles.jobOutput(tenantId, jobId, `selection-${String(index).padStart(5, '0')}.json`);
}

async function loadChunk(context: JobSliceContext, params: BulkParams, index: number): Promise<SnapshotItem[]> {
  if ('ids' in params.selection) return params.selection.ids;
  const stream = await context.services.files.read(chunkPath(context.tenantId, context.job.id, index));
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  const parsed = SnapshotItemSchema.array().safeParse(JSON.parse(Buffer.concat(parts).toString('utf8')));
  if (!parsed.success) throw new CrmError(CRM_ERROR_CODES.precondition, 'This bulk action lost its selection; start it again.');
  return parsed.data;
}

function parseParams(params: unknown): BulkParams {
  const parsed = BulkParamsSchema.safeParse(params);
  if (!parsed.success) throw invalidInput([{ path: 'params', message: 'this bulk job has invalid parameters' }]);
  return parsed.data;
}

function parseCursor(cursor: unknown, params: BulkParams): BulkCursor {
  if (cursor === null || cursor === undefined) {
    return 'ids' in params.selection
      ? { ...INITIAL_BULK_CURSOR, phase: 'apply', selected: params.selection.ids.length }
      : INITIAL_BULK_CURSOR;
  }
  const parsed = BulkCursorSchema.safeParse(cursor);
  if (!parsed.success) throw new CrmError(CRM_ERROR_CODES.precondition, 'This bulk action has a damaged cursor; start it again.');
  return parsed.data;
}
