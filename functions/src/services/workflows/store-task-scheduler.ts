import type { DocumentStore, StoreValue, WriteData } from '../../store/document-store.js';
import {
  planEnqueue,
  RetryTaskError,
  type TaskEnvelope,
  type TaskHandler,
  type TaskScheduler,
  type WorkflowTaskPayload,
} from './task-scheduler.js';
import { workflowPaths } from './workflow-paths.js';
import { log } from '../logging/log.js';

export interface StoreTaskSchedulerOptions {
  readonly now?: () => Date;
  readonly maxAttempts?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /**
   * Emulates a queue horizon (Cloud Tasks: 30 days) so the hop path runs
   * locally and in tests exactly as in production. Default: no horizon.
   */
  readonly maxDelayMs?: number;
}

export interface DueTasksResult {
  readonly ran: number;
  readonly retried: number;
  readonly failed: number;
}

/**
 * Tasks as documents (`crm_task_queue/{name}`) and a poller: the embedded
 * runtime's Cloud Tasks. Persisted with the store, so planned reminders
 * survive restarts; a task is deleted only after its handler finished (or
 * gave up), so a crash mid-task means it runs again — handlers are idempotent.
 * One poller per store: the embedded runtime is a single process.
 */
export class StoreTaskScheduler implements TaskScheduler {
  readonly maxAttempts: number;
  private polling = false;
  private readonly enqueueListeners = new Set<() => void>();

  constructor(
    private readonly store: DocumentStore,
    private readonly options: StoreTaskSchedulerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  async enqueue(name: string, runAt: Date, payload: WorkflowTaskPayload): Promise<void> {
    const plan = planEnqueue({ name, runAt, now: this.now(), maxDelayMs: this.options.maxDelayMs ?? Number.POSITIVE_INFINITY });
    const envelope: TaskEnvelope = { name, notBefore: runAt.toISOString(), payload };
    await this.store.set(workflowPaths.queuedTask(plan.name), {
      // The logical name, so cancel() finds the hop parked under `${name}-h…` too.
      taskName: name,
      scheduleAt: plan.scheduleAt,
      hop: plan.hop,
      attempts: 0,
      envelope: envelope as unknown as { [key: string]: StoreValue },
      createdAt: this.now(),
    } satisfies WriteData);
    if (plan.scheduleAt.getTime() <= this.now().getTime()) for (const listener of this.enqueueListeners) listener();
  }

  /**
   * Called after a task due now is enqueued: the embedded runtime's runner
   * starts a pass at once instead of waiting for its next poll, so a webhook
   * leaves within milliseconds of the record write rather than up to a poll
   * interval later. Returns an unsubscribe function.
   */
  onDueTaskEnqueued(listener: () => void): () => void {
    this.enqueueListeners.add(listener);
    return () => this.enqueueListeners.delete(listener);
  }

  /** Deletes the task and any hop or copy queued under the same logical name. */
  async cancel(name: string): Promise<void> {
    const copies = await this.store.query({ collection: workflowPaths.taskQueue, where: [{ field: 'taskName', op: '==', value: name }] });
    const batch = this.store.batch();
    for (const path of new Set([workflowPaths.queuedTask(name), ...copies.map((doc) => doc.path)])) batch.delete(path);
    await batch.commit();
  }

  /** Tasks still queued, soonest first (tests and the runtime's status page). */
  async pending(limit = 100): Promise<Array<{ name: string; scheduleAt: Date; hop: boolean; envelope: TaskEnvelope }>> {
    const docs = await this.store.query({ collection: workflowPaths.taskQueue, orderBy: [{ field: 'scheduleAt' }], limit });
    return docs.map((doc) => ({
      name: doc.id,
      scheduleAt: doc.data.scheduleAt as Date,
      hop: doc.data.hop === true,
      envelope: doc.data.envelope as unknown as TaskEnvelope,
    }));
  }

  /**
   * Runs every task due at `now`, one at a time in due order. A handler that
   * throws is retried with exponential backoff up to `maxAttempts`.
   */
  async runDueTasks(now: Date, handler: TaskHandler, { limit = 100 }: { limit?: number } = {}): Promise<DueTasksResult> {
    if (this.polling) return { ran: 0, retried: 0, failed: 0 };
    this.polling = true;
    let ran = 0;
    let retried = 0;
    let failed = 0;
    try {
      // Loop so a task that enqueues an already-due task (a hop landing in the past) runs in the same pass.
      for (let round = 0; round < 10; round += 1) {
        const due = await this.store.query({
          collection: workflowPaths.taskQueue,
          where: [{ field: 'scheduleAt', op: '<=', value: now }],
          orderBy: [{ field: 'scheduleAt' }],
          limit,
        });
        if (due.length === 0) break;
        for (const doc of due) {
          const attempts = typeof doc.data.attempts === 'number' ? doc.data.attempts : 0;
          const envelope = doc.data.envelope as unknown as TaskEnvelope;
          try {
            await handler(envelope, { attempt: attempts, maxAttempts: this.maxAttempts });
            await this.deleteIfUnchanged(doc.path, doc.data.scheduleAt as Date);
            ran += 1;
          } catch (error) {
            if (attempts + 1 >= this.maxAttempts) {
              failed += 1;
              log.error('task failed after its last attempt', { task: doc.id, attempts: attempts + 1, error });
              await this.deleteIfUnchanged(doc.path, doc.data.scheduleAt as Date);
            } else {
              retried += 1;
              if (!(error instanceof RetryTaskError)) log.warn('task failed; retrying with backoff', { task: doc.id, error });
              await this.store.update(doc.path, { attempts: attempts + 1, scheduleAt: new Date(now.getTime() + this.backoffMs(attempts)) });
            }
          }
        }
      }
    } finally {
      this.polling = false;
    }
    return { ran, retried, failed };
  }

  /** Exponential backoff like Cloud Tasks' retryConfig: min × 2^attempt, capped. */
  backoffMs(attempt: number): number {
    const min = this.options.minBackoffMs ?? 10_000;
    return Math.min(this.options.maxBackoffMs ?? 600_000, min * 2 ** attempt);
  }

  /** A handler may have re-enqueued its own name (a hop re-planning itself); keep that newer task. */
  private async deleteIfUnchanged(path: string, scheduleAt: Date): Promise<void> {
    await this.store.runTransaction(async (tx) => {
      const current = await tx.get(path);
      const at = current?.data.scheduleAt;
      if (current && at instanceof Date && at.getTime() === scheduleAt.getTime()) tx.delete(path);
    });
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
