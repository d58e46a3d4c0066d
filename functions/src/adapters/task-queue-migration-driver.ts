import type { DocumentStore } from '../store/document-store.js';
import type { MigrationDriver } from '../services/template-lifecycle/migration-driver.js';
import { recordMigrationError, runMigrationToCompletion } from '../services/template-lifecycle/migration-runner.js';

/** The task-queue function that runs migration batches (exported from index.ts). */
export const MIGRATION_TASK_FUNCTION = 'crmRunMigrationTask';

/**
 * Production: one Cloud Task per slice of the migration. The task runs batches
 * for a bounded time and enqueues the next slice; a crash makes Cloud Tasks
 * retry the slice, which resumes from the stored cursor. Task ids are derived
 * from the job and its batch count so a duplicate enqueue is refused.
 */
export class TaskQueueMigrationDriver implements MigrationDriver {
  private queue: Promise<{ enqueue(data: unknown, options: { id?: string; scheduleDelaySeconds?: number }): Promise<void> }> | undefined;

  constructor(private readonly options: { region: string }) {}

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
      const region = this.options.region;
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
