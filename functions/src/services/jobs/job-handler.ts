import type { Transaction } from '../../store/document-store.js';
import type { Services } from '../create-services.js';
import type { JobDoc } from './job-model.js';

/** What a slice saves. `done` and `counts` are added to the totals; the rest replaces. */
export interface CheckpointUpdate {
  readonly cursor?: unknown;
  readonly done?: number;
  readonly counts?: Readonly<Record<string, number>>;
  readonly total?: number | null;
  readonly result?: Record<string, unknown>;
}

export interface JobSliceContext {
  readonly services: Services;
  readonly tenantId: string;
  /** The job as it was when the slice started (cursor included). */
  readonly job: JobDoc;
  /** Epoch ms: return `{ done: false }` before this; the next slice continues from the last checkpoint. */
  readonly deadline: number;
  /**
   * Saves cursor and progress. Pass the transaction that makes the slice's own
   * writes: then the work and the cursor commit together, which is what makes
   * a crash re-run nothing twice. Without one it is a write of its own.
   */
  checkpoint(update: CheckpointUpdate, tx?: Transaction): Promise<void>;
}

/**
 * One kind of job. `runSlice` does a bounded amount of work from `job.cursor`
 * and checkpoints it; it may be run again from the last checkpoint after a
 * crash or a retry, so work past the checkpoint must be idempotent.
 * Throwing a `CrmError` fails the job with that message (a user's mistake,
 * not worth retrying); any other error is retried.
 */
export interface JobHandler {
  readonly kind: string;
  runSlice(context: JobSliceContext): Promise<{ done: boolean }>;
}

/** A handler loaded on first use, so a cold start pays only for the kinds it runs. */
export interface LazyJobHandler {
  readonly kind: string;
  load(): Promise<JobHandler>;
}
