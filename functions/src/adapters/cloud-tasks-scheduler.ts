import { fieldValue, type DocumentStore } from '../store/document-store.js';
import {
  CLOUD_TASKS_MAX_DELAY_MS,
  planEnqueue,
  type TaskEnvelope,
  type TaskScheduler,
  type WorkflowTaskPayload,
} from '../services/workflows/task-scheduler.js';

/** The task-queue function that runs workflow tasks (exported from index.ts). */
export const WORKFLOW_TASK_FUNCTION = 'crmRunWorkflowTask';

/**
 * Where the ids of every Cloud Task issued for one logical name are kept
 * (`crm_task_names/{name}`): the name itself, its `-r` copies and its `-h`
 * hops. Cloud Tasks cannot list tasks by prefix, so without it a cancel could
 * only delete the plain name. `expireAt` lets a TTL policy drop entries of
 * tasks that ran (firestore.indexes.json).
 */
export const TASK_NAMES_COLLECTION = 'crm_task_names';
const REGISTRY_TTL_MS = 2 * 86_400_000;

/** The part of firebase-admin's TaskQueue this adapter uses (injectable for tests). */
export interface TaskQueueLike {
  enqueue(data: TaskEnvelope, options: { id: string; scheduleTime: Date }): Promise<void>;
  delete(id: string): Promise<void>;
}

/**
 * Cloud Tasks through firebase-admin's `taskQueue()` (loaded lazily: no
 * client at cold start). Task ids are the deterministic names the service
 * computes, so a redelivered trigger enqueues nothing twice.
 *
 * Known edge: Cloud Tasks keeps a deleted or executed name for about an hour.
 * Planning a name within that hour (a record deleted and restored at once,
 * a date moved away and back) hits `task-already-exists`; we then enqueue a
 * copy under a suffixed name. If the original was still live, both fire and
 * the second finds the run already logged (runs are idempotent per planned
 * instant), so a copy is harmless while a lost reminder would not be.
 */
export class CloudTasksScheduler implements TaskScheduler {
  readonly maxAttempts: number;
  private queue: Promise<TaskQueueLike> | undefined;

  constructor(
    private readonly options: {
      functionName?: string;
      region?: string;
      maxAttempts?: number;
      now?: () => Date;
      queue?: TaskQueueLike;
      /** Where issued ids are registered so `cancel` reaches every copy; without it, only the plain name is cancelled. */
      store?: DocumentStore;
    } = {},
  ) {
    // Must match retryConfig.maxAttempts of crmRunWorkflowTask in index.ts.
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  async enqueue(name: string, runAt: Date, payload: WorkflowTaskPayload): Promise<void> {
    const queue = await this.taskQueue();
    const plan = planEnqueue({ name, runAt, now: this.now(), maxDelayMs: CLOUD_TASKS_MAX_DELAY_MS - 3_600_000 });
    const envelope: TaskEnvelope = { name, notBefore: runAt.toISOString(), payload };
    try {
      await this.register(name, plan.name, plan.scheduleAt);
      await queue.enqueue(envelope, { id: plan.name, scheduleTime: plan.scheduleAt });
    } catch (error) {
      if (!isCode(error, 'functions/task-already-exists')) throw error;
      if (plan.hop) return; // the same hop within the same hour: already parked
      const copy = `${plan.name}-r${Math.floor(this.now().getTime() / 3_600_000)}`;
      try {
        await this.register(name, copy, plan.scheduleAt);
        await queue.enqueue(envelope, { id: copy, scheduleTime: plan.scheduleAt });
      } catch (copyError) {
        if (!isCode(copyError, 'functions/task-already-exists')) throw copyError;
      }
    }
  }

  /** Deletes every task issued under `name` (copies and hops included), then forgets them. */
  async cancel(name: string): Promise<void> {
    const queue = await this.taskQueue();
    const registry = this.options.store ? await this.options.store.get(registryPath(name)) : null;
    const registered = Array.isArray(registry?.data.ids) ? registry.data.ids.filter((id): id is string => typeof id === 'string') : [];
    for (const id of new Set([name, ...registered])) {
      try {
        await queue.delete(id);
      } catch (error) {
        // Already ran or never existed: the goal (no pending task) is met.
        if (!isCode(error, 'functions/not-found')) throw error;
      }
    }
    // Only after every delete succeeded: a failed cancel is retried with the ids still known.
    if (registry) await this.options.store?.delete(registryPath(name));
  }

  /** Recorded before the enqueue, so a crash in between leaves an id to cancel rather than a task nobody knows. */
  private async register(name: string, id: string, scheduleAt: Date): Promise<void> {
    if (!this.options.store) return;
    await this.options.store.set(
      registryPath(name),
      { ids: fieldValue.arrayUnion(id), expireAt: new Date(scheduleAt.getTime() + REGISTRY_TTL_MS) },
      { merge: true },
    );
  }

  private taskQueue(): Promise<TaskQueueLike> {
    if (this.options.queue) return Promise.resolve(this.options.queue);
    this.queue ??= (async () => {
      const [{ getApps, initializeApp }, { getFunctions }] = await Promise.all([
        import('firebase-admin/app'),
        import('firebase-admin/functions'),
      ]);
      if (getApps().length === 0) initializeApp();
      // Tests inject a queue; a real one needs the region the functions were deployed to (instance-config).
      const region = this.options.region ?? 'us-central1';
      const fn = this.options.functionName ?? WORKFLOW_TASK_FUNCTION;
      return getFunctions().taskQueue<TaskEnvelope>(`locations/${region}/functions/${fn}`) as unknown as TaskQueueLike;
    })();
    return this.queue;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function registryPath(name: string): string {
  return `${TASK_NAMES_COLLECTION}/${name}`;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
