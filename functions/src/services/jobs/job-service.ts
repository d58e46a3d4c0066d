import { randomBytes } from 'node:crypto';
import { fieldValue, type DocumentStore, type Transaction, type UpdateData } from '../../store/document-store.js';
import { CrmError, CRM_ERROR_CODES, isCrmError } from '../errors.js';
import { log } from '../logging/log.js';
import { crmPaths } from '../paths.js';
import type { Services } from '../create-services.js';
import type { CheckpointUpdate, JobHandler, JobSliceContext, LazyJobHandler } from './job-handler.js';
import { JOB_HANDLERS } from './job-handlers.js';
import { ACTIVE_JOB_STATUSES, isFinished, MAX_SLICE_ATTEMPTS, parseJob, type JobDoc } from './job-model.js';

export interface JobRef {
  readonly tenantId: string;
  readonly jobId: string;
}

/**
 * Who runs a job's slices. Deployed: one Cloud Task per slice
 * (adapters/task-queue-job-driver.ts). Otherwise (embedded runtime, tests)
 * the job service runs them itself in the background of this process.
 */
export interface JobDriver {
  dispatch(ref: JobRef): Promise<void>;
}

export interface StartJobInput {
  readonly tenantId: string;
  readonly kind: string;
  readonly module: string | null;
  readonly createdBy: string;
  readonly params: Record<string, unknown>;
  /** A caller-chosen id makes starting idempotent (a second start of the same id returns the first job). */
  readonly jobId?: string;
  /** Rows, records… when known up front. */
  readonly total?: number | null;
  /**
   * Written in the transaction that creates the job (not on a repeated start of the same id):
   * the audit entry of an import, export or merge costs one write and cannot be lost or doubled.
   */
  readonly onCreate?: (tx: Transaction) => void;
}

export interface JobServiceOptions {
  readonly store: DocumentStore;
  readonly now?: () => Date;
  readonly driver?: JobDriver;
  /** Extra handlers (tests); the built-in ones come from job-handlers.ts. */
  readonly handlers?: ReadonlyArray<JobHandler | LazyJobHandler>;
  /** Length of one in-process slice. Short slices keep cancel and progress prompt. */
  readonly sliceMs?: number;
  /** Delay before retrying a failed slice in-process (attempt 1, 2, …). */
  readonly retryDelayMs?: (attempt: number) => number;
  /**
   * This process alone runs jobs on this store (the embedded runtime holds the
   * data folder's lock): a lease left by an earlier process is dead, so a job
   * resumed after a crash starts at once instead of waiting for it to expire.
   */
  readonly exclusive?: boolean;
}

/**
 * Jobs one tenant may have queued or running at once. Deployed, every job
 * holds one dispatch of the shared task queue while a slice runs; the cap
 * keeps one tenant's burst of exports from filling the queue others need.
 */
export const MAX_ACTIVE_JOBS_PER_TENANT = 5;

const COUNT_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** How long past its deadline a slice keeps its lease, so a slow last write is not raced by a retry. */
const LEASE_GRACE_MS = 60_000;

/**
 * Starts, runs, watches and cancels jobs. Permission checks are the
 * callers' (api/job-callables.ts): this service trusts its input.
 */
export class JobService {
  private services: Services | undefined;
  private readonly handlers = new Map<string, LazyJobHandler>();
  private readonly loaded = new Map<string, Promise<JobHandler>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private readonly sliceMs: number;
  private readonly retryDelayMs: (attempt: number) => number;
  /** Identifies this process's slices in job leases. */
  private readonly runnerId = randomBytes(8).toString('hex');

  constructor(private readonly options: JobServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.sliceMs = options.sliceMs ?? 5_000;
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => Math.min(30_000, 500 * 2 ** attempt));
    for (const handler of [...JOB_HANDLERS, ...(options.handlers ?? [])]) this.register(handler);
  }

  /** Called once by createServices: handlers get the services they run with. */
  bind(services: Services): void {
    this.services = services;
  }

  register(handler: JobHandler | LazyJobHandler): void {
    const lazy: LazyJobHandler = 'load' in handler ? handler : { kind: handler.kind, load: async () => handler };
    this.handlers.set(lazy.kind, lazy);
    this.loaded.delete(lazy.kind);
  }

  async start(input: StartJobInput): Promise<JobDoc> {
    if (!this.handlers.has(input.kind)) throw new Error(`No job handler for kind ${input.kind}`);
    const jobId = input.jobId ?? randomJobId();
    const path = crmPaths.job(input.tenantId, jobId);
    const active = await this.options.store.query({
      collection: crmPaths.jobs(input.tenantId),
      where: [{ field: 'status', op: 'in', value: [...ACTIVE_JOB_STATUSES] }],
      limit: MAX_ACTIVE_JOBS_PER_TENANT,
    });
    if (active.length >= MAX_ACTIVE_JOBS_PER_TENANT && !active.some((doc) => doc.id === jobId)) {
      throw new CrmError(CRM_ERROR_CODES.precondition, `This organisation already has ${MAX_ACTIVE_JOBS_PER_TENANT} jobs running; start this one when one of them ends.`, [], {
        messageKey: 'errors.job.tooMany',
        params: { max: MAX_ACTIVE_JOBS_PER_TENANT },
      });
    }
    const now = this.now();
    const doc: JobDoc = {
      id: jobId,
      kind: input.kind,
      module: input.module,
      status: 'queued',
      createdBy: input.createdBy,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      params: input.params,
      progress: { total: input.total ?? null, done: 0, counts: {} },
      cursor: null,
      cancelRequested: false,
      attempts: 0,
      error: null,
      result: null,
    };
    const stored = await this.options.store.runTransaction(async (tx) => {
      const existing = await tx.get(path);
      if (existing) return parseJob(existing.data);
      tx.create(path, { ...doc, lease: null } as never);
      input.onCreate?.(tx);
      return doc;
    });
    await this.dispatch({ tenantId: input.tenantId, jobId });
    return stored;
  }

  async get(tenantId: string, jobId: string): Promise<JobDoc | null> {
    const stored = await this.options.store.get(crmPaths.job(tenantId, jobId));
    return stored ? parseJob(stored.data) : null;
  }

  /** Newest first, optionally of one module and/or kind. */
  async list(tenantId: string, filter: { module?: string; kind?: string; limit?: number } = {}): Promise<JobDoc[]> {
    const where = [
      ...(filter.module !== undefined ? [{ field: 'module', op: '==' as const, value: filter.module }] : []),
      ...(filter.kind !== undefined ? [{ field: 'kind', op: '==' as const, value: filter.kind }] : []),
    ];
    const docs = await this.options.store.query({
      collection: crmPaths.jobs(tenantId),
      where,
      orderBy: [{ field: 'createdAt', direction: 'desc' }],
      limit: filter.limit ?? 20,
    });
    return docs.map((doc) => parseJob(doc.data));
  }

  /** Asks a job to stop: the runner stops before its next slice. A finished job is returned as it is. */
  async requestCancel(tenantId: string, jobId: string): Promise<JobDoc> {
    const path = crmPaths.job(tenantId, jobId);
    return this.options.store.runTransaction(async (tx) => {
      const stored = await tx.get(path);
      if (!stored) throw new CrmError(CRM_ERROR_CODES.notFound, 'This job does not exist.', [], { messageKey: 'errors.job.notFound' });
      const job = parseJob(stored.data);
      if (isFinished(job.status)) return job;
      const now = this.now();
      // A job no slice has started yet stops at once; a running one at its next slice.
      const update: Partial<JobDoc> =
        job.status === 'queued' ? { cancelRequested: true, status: 'cancelled', finishedAt: now, updatedAt: now } : { cancelRequested: true, updatedAt: now };
      tx.update(path, update as UpdateData);
      return { ...job, ...update };
    });
  }

  /**
   * Runs one slice of a job until `deadline`. Returns `done` when nothing is
   * left to run (finished, failed, cancelled, missing) and `retryAfterMs`
   * when the slice failed or another runner holds the job. Throws only when
   * the store itself fails (the driver retries).
   */
  async runSlice(ref: JobRef, deadline: number): Promise<{ done: boolean; retryAfterMs?: number }> {
    const services = this.services;
    if (!services) throw new Error('JobService.bind(services) was not called');
    const path = crmPaths.job(ref.tenantId, ref.jobId);
    const claim = await this.claim(path, deadline);
    if (claim.kind === 'finished') return { done: true };
    if (claim.kind === 'busy') return { done: false, retryAfterMs: claim.retryAfterMs };
    const job = claim.job;

    const checkpoint = async (update: CheckpointUpdate, tx?: Transaction): Promise<void> => {
      const data = checkpointData(update, this.now());
      if (tx) tx.update(path, data);
      else await this.options.store.update(path, data);
    };
    const context: JobSliceContext = { services, tenantId: ref.tenantId, job, deadline, checkpoint };
    try {
      const handler = await this.handlerFor(job.kind);
      const outcome = await handler.runSlice(context);
      const now = this.now();
      await this.options.store.update(path, {
        attempts: 0,
        lease: null,
        updatedAt: now,
        ...(outcome.done ? { status: 'done', finishedAt: now } : {}),
      });
      return { done: outcome.done };
    } catch (error) {
      return this.recordFailure(path, job, error);
    }
  }

  /** Resolves when every job this process runs in the background has stopped (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /**
   * Dispatches every queued or running job of every tenant again: the
   * embedded runtime calls this at start-up, so a job cut off by a crash or a
   * restart goes on from its last checkpoint. (Deployed, Cloud Tasks retries
   * the slice that was cut off.)
   */
  async resumeActive(): Promise<number> {
    const docs = await this.options.store.query({
      collection: 'jobs',
      collectionGroup: true,
      where: [{ field: 'status', op: 'in', value: [...ACTIVE_JOB_STATUSES] }],
    });
    for (const doc of docs) {
      const tenantId = doc.path.split('/')[1]!;
      await this.dispatch({ tenantId, jobId: doc.id });
    }
    return docs.length;
  }

  private async dispatch(ref: JobRef): Promise<void> {
    if (this.options.driver) {
      await this.options.driver.dispatch(ref);
      return;
    }
    const key = `${ref.tenantId}/${ref.jobId}`;
    if (this.running.has(key)) return;
    const run = this.runInProcess(ref).finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  private async runInProcess(ref: JobRef): Promise<void> {
    let storeFailures = 0;
    for (;;) {
      // Let the request that started the job answer first, and other work interleave between slices.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        const outcome = await this.runSlice(ref, Date.now() + this.sliceMs);
        storeFailures = 0;
        if (outcome.done) return;
        if (outcome.retryAfterMs) await sleep(outcome.retryAfterMs);
      } catch (error) {
        storeFailures += 1;
        if (storeFailures >= MAX_SLICE_ATTEMPTS) {
          log.error('job runner: the store keeps failing; the job resumes at the next start', { ...ref, error });
          return;
        }
        await sleep(this.retryDelayMs(storeFailures));
      }
    }
  }

  /** Takes the job's lease for one slice, or says why not. */
  private async claim(path: string, deadline: number): Promise<{ kind: 'run'; job: JobDoc } | { kind: 'finished' } | { kind: 'busy'; retryAfterMs: number }> {
    return this.options.store.runTransaction(async (tx) => {
      const stored = await tx.get(path);
      if (!stored) return { kind: 'finished' as const };
      const job = parseJob(stored.data);
      if (isFinished(job.status)) return { kind: 'finished' as const };
      const now = this.now();
      if (job.cancelRequested) {
        tx.update(path, { status: 'cancelled', finishedAt: now, updatedAt: now, lease: null });
        return { kind: 'finished' as const };
      }
      const lease = stored.data.lease as { owner: string; until: Date } | null | undefined;
      if (lease && !this.options.exclusive && lease.owner !== this.runnerId && lease.until.getTime() > now.getTime()) {
        return { kind: 'busy' as const, retryAfterMs: Math.max(1_000, lease.until.getTime() - now.getTime()) };
      }
      const started = job.startedAt ?? now;
      tx.update(path, { status: 'running', startedAt: started, updatedAt: now, lease: { owner: this.runnerId, until: new Date(deadline + LEASE_GRACE_MS) } });
      return { kind: 'run' as const, job: { ...job, status: 'running' as const, startedAt: started } };
    });
  }

  private async recordFailure(path: string, job: JobDoc, error: unknown): Promise<{ done: boolean; retryAfterMs?: number }> {
    const now = this.now();
    const attempts = job.attempts + 1;
    const userMistake = isCrmError(error);
    const final = userMistake || attempts >= MAX_SLICE_ATTEMPTS;
    const jobError = isCrmError(error)
      ? { code: error.code, message: error.message, messageKey: error.messageKey }
      : { code: 'job-failed', message: error instanceof Error ? error.message : String(error), messageKey: 'errors.job.failed' };
    if (!userMistake) log.error('job slice failed', { path, kind: job.kind, attempts, error });
    await this.options.store.update(path, {
      attempts,
      lease: null,
      updatedAt: now,
      error: jobError,
      ...(final ? { status: 'failed', finishedAt: now } : {}),
    });
    return final ? { done: true } : { done: false, retryAfterMs: this.retryDelayMs(attempts) };
  }

  private handlerFor(kind: string): Promise<JobHandler> {
    const lazy = this.handlers.get(kind);
    if (!lazy) return Promise.reject(new CrmError(CRM_ERROR_CODES.precondition, `This kind of job (${kind}) is not known to this version of the CRM.`));
    let handler = this.loaded.get(kind);
    if (!handler) {
      handler = lazy.load();
      this.loaded.set(kind, handler);
    }
    return handler;
  }
}

function checkpointData(update: CheckpointUpdate, now: Date): UpdateData {
  const data: UpdateData = { updatedAt: now, attempts: 0, error: null };
  if ('cursor' in update) data.cursor = (update.cursor ?? null) as never;
  if (update.total !== undefined) data['progress.total'] = update.total;
  if (update.done) data['progress.done'] = fieldValue.increment(update.done);
  for (const [key, value] of Object.entries(update.counts ?? {})) {
    if (!COUNT_KEY.test(key)) throw new Error(`Not a progress count name: ${key}`);
    if (value !== 0) data[`progress.counts.${key}`] = fieldValue.increment(value);
  }
  if (update.result !== undefined) data.result = update.result as never;
  return data;
}

function randomJobId(): string {
  return randomBytes(10).toString('base64url').replace(/[-_]/g, 'x');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
