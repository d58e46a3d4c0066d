import type { DocumentStore } from '../../store/document-store.js';
import { recordMigrationError, runMigrationToCompletion } from './migration-runner.js';

/** Who runs a migration's batches after an upgrade is applied. */
export interface MigrationDriver {
  start(job: { tenantId: string; jobId: string }): Promise<void>;
}

/** The task-queue function that runs migration batches (exported from index.ts). */
export const MIGRATION_TASK_FUNCTION = 'crmRunMigrationTask';

/**
 * In-process: runs the whole migration in the background of this process.
 * Used by the embedded runtime (one long-lived process). If the process dies
 * the job stays `running` at its cursor and `resume` (or the console) picks
 * it up; nothing is lost because the cursor only moves with committed batches.
 */
export class InlineMigrationDriver implements MigrationDriver {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly store: DocumentStore, private readonly options: { batchSize?: number; settleMs?: number } = {}) {}

  async start({ tenantId, jobId }: { tenantId: string; jobId: string }): Promise<void> {
    const key = `${tenantId}/${jobId}`;
    if (this.running.has(key)) return;
    const deps = { store: this.store, ...(this.options.settleMs !== undefined ? { settleMs: this.options.settleMs } : {}) };
    const run = runMigrationToCompletion(deps, { tenantId, jobId, ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}) })
      .then(() => undefined)
      .catch(async (error: unknown) => {
        console.error(`migration ${key} stopped; it resumes from its cursor when started again:`, error);
        await recordMigrationError(this.store, tenantId, jobId, error);
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  /** Resolves when every migration started here has stopped (tests, shutdown). */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }
}

/** Does nothing: the caller drives batches itself (tests). */
export class ManualMigrationDriver implements MigrationDriver {
  readonly started: Array<{ tenantId: string; jobId: string }> = [];

  async start(job: { tenantId: string; jobId: string }): Promise<void> {
    this.started.push(job);
  }
}

/**
 * Production: one Cloud Task per slice of the migration. The task runs batches
 * for a bounded time and enqueues the next slice; a crash makes Cloud Tasks
 * retry the slice, which resumes from the stored cursor. Task ids are derived
 * from the job and its batch count so a duplicate enqueue is refused.
 */
export class TaskQueueMigrationDriver implements MigrationDriver {
  private queue: Promise<{ enqueue(data: unknown, options: { id?: string; scheduleDelaySeconds?: number }): Promise<void> }> | undefined;

  constructor(private readonly options: { region?: string } = {}) {}

  /** `slice` names the task; the default (the current minute) lets a stalled job be restarted while refusing duplicates. */
  async start(job: { tenantId: string; jobId: string }, slice: number | string = `m${Math.floor(Date.now() / 60_000)}`): Promise<void> {
    const queue = await this.taskQueue();
    try {
      await queue.enqueue({ tenantId: job.tenantId, jobId: job.jobId }, { id: `migration-${job.tenantId}-${job.jobId}-${slice}` });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'functions/task-already-exists') throw error;
    }
  }

  private taskQueue() {
    this.queue ??= (async () => {
      const [{ getApps, initializeApp }, { getFunctions }] = await Promise.all([
        import('firebase-admin/app'),
        import('firebase-admin/functions'),
      ]);
      if (getApps().length === 0) initializeApp();
      const region = this.options.region ?? process.env.CRM_REGION ?? 'us-central1';
      return getFunctions().taskQueue(`locations/${region}/functions/${MIGRATION_TASK_FUNCTION}`);
    })();
    return this.queue;
  }
}

/** How long one task slice may run before handing over (task functions time out at 10 minutes by default). */
export const MIGRATION_SLICE_MS = 240_000;

/**
 * The body of `crmRunMigrationTask`: run batches until done or the slice's
 * time is up, then enqueue the next slice. Throwing makes Cloud Tasks retry.
 */
export async function runMigrationSlice(
  store: DocumentStore,
  driver: TaskQueueMigrationDriver,
  payload: { tenantId: string; jobId: string },
): Promise<void> {
  try {
    const outcome = await runMigrationToCompletion({ store }, { ...payload, deadline: Date.now() + MIGRATION_SLICE_MS });
    if (!outcome.done) await driver.start(payload, Date.now());
  } catch (error) {
    await recordMigrationError(store, payload.tenantId, payload.jobId, error);
    throw error;
  }
}
