/**
 * The task-scheduler port: delayed work (scheduled workflows, webhook
 * deliveries with retries). Production: Cloud Tasks through a task-queue
 * function; embedded runtime and tests: documents in the store and a poller.
 */
export type WorkflowTaskPayload =
  | {
      readonly kind: 'scheduled';
      readonly tenantId: string;
      readonly recordId: string;
      readonly workflowId: string;
      /** The planned instant (ISO); the run re-derives it from the record and drops itself if they differ. */
      readonly runAt: string;
    }
  | {
      /** Plans a (newly saved or re-activated) scheduled workflow for the module's existing records, one page per task. */
      readonly kind: 'backfill';
      readonly tenantId: string;
      readonly workflowId: string;
      readonly afterSeq: number | null;
    }
  | {
      readonly kind: 'webhook';
      readonly tenantId: string;
      readonly recordId: string;
      readonly workflowId: string;
      readonly logId: string;
      readonly actionIndex: number;
      readonly url: string;
      readonly secretRef: string;
      readonly eventId: string;
      readonly body: string;
    }
  | {
      /** One delivery of a webhook subscription (services/integrations); its body and log live in the delivery document. */
      readonly kind: 'subscription';
      readonly tenantId: string;
      readonly deliveryId: string;
    };

/** What a queued task carries: its name and the instant it is really due (a hop fires earlier). */
export interface TaskEnvelope {
  readonly name: string;
  readonly notBefore: string;
  readonly payload: WorkflowTaskPayload;
}

export interface TaskAttempt {
  /** 0 for the first delivery. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

export interface TaskScheduler {
  /** Idempotent per name: enqueueing a name that is already queued changes nothing. */
  enqueue(name: string, runAt: Date, payload: WorkflowTaskPayload): Promise<void>;
  /** Best effort; a task that still fires re-checks and drops itself. */
  cancel(name: string): Promise<void>;
  readonly maxAttempts: number;
}

export type TaskHandler = (envelope: TaskEnvelope, attempt: TaskAttempt) => Promise<void>;

/** Cloud Tasks refuses a schedule time more than 30 days ahead. */
export const CLOUD_TASKS_MAX_DELAY_MS = 30 * 86_400_000;
/** A far-future task is parked at this distance and re-planned when it fires (a day of margin). */
export const HOP_DELAY_MS = 29 * 86_400_000;

/**
 * Where a task goes in a queue that cannot look further ahead than
 * `maxDelayMs`: at its due time, or — for far-future work — a "hop" task at
 * now + 29 days whose only job is to enqueue the real one again (possibly
 * hopping again). The hop keeps the real due time in `notBefore`.
 */
export function planEnqueue({
  name,
  runAt,
  now,
  maxDelayMs,
}: {
  name: string;
  runAt: Date;
  now: Date;
  maxDelayMs: number;
}): { name: string; scheduleAt: Date; hop: boolean } {
  if (runAt.getTime() - now.getTime() <= maxDelayMs) return { name, scheduleAt: runAt, hop: false };
  // Rounded down to the hour so a redelivered event plans the same hop name instead of a second hop.
  const hourMs = 3_600_000;
  const scheduleAt = new Date(Math.floor((now.getTime() + Math.min(HOP_DELAY_MS, maxDelayMs)) / hourMs) * hourMs);
  return { name: `${name}-h${Math.floor(scheduleAt.getTime() / 1000)}`, scheduleAt, hop: true };
}

/** Thrown by a task handler to ask for another attempt with backoff. */
export class RetryTaskError extends Error {
  override readonly name = 'RetryTaskError';
}
