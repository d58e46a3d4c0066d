import type { DocumentStore } from '../../store/document-store.js';
import { log } from '../logging/log.js';
import { recordMigrationError, runMigrationToCompletion } from './migration-runner.js';

/** Who runs a migration's batches after an upgrade is applied. */
export interface MigrationDriver {
  start(job: { tenantId: string; jobId: string }): Promise<void>;
}

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
        log.error('migration stopped; it resumes from its cursor when started again', { tenantId, jobId, error });
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
