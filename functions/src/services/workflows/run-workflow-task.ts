import type { TaskAttempt, TaskEnvelope, TaskScheduler } from './task-scheduler.js';
import type { RunSummary, WorkflowRunner } from './workflow-runner.js';

/** A task that arrives this early is a hop (or a clock skew beyond tolerance): re-plan it. */
const EARLY_TOLERANCE_MS = 60_000;

export type TaskResult = { readonly kind: 'rescheduled' } | { readonly kind: 'ran'; readonly run: RunSummary } | { readonly kind: 'delivered' };

/**
 * The one task handler, shared by the Cloud Tasks function and the embedded
 * poller. A hop task (parked up to 29 days ahead because Cloud Tasks cannot
 * look further) lands here early and simply enqueues the real task again.
 */
export async function handleWorkflowTask(
  deps: {
    runner: WorkflowRunner;
    scheduler: TaskScheduler;
    now: () => Date;
    deliverSubscription?: ((payload: { tenantId: string; deliveryId: string }, attempt: number) => Promise<void>) | undefined;
  },
  envelope: TaskEnvelope,
  attempt: TaskAttempt,
): Promise<TaskResult> {
  const due = new Date(envelope.notBefore);
  if (due.getTime() - deps.now().getTime() > EARLY_TOLERANCE_MS) {
    await deps.scheduler.enqueue(envelope.name, due, envelope.payload);
    return { kind: 'rescheduled' };
  }
  const { payload } = envelope;
  switch (payload.kind) {
    case 'scheduled':
      return { kind: 'ran', run: await deps.runner.runScheduled(payload) };
    case 'backfill':
      await deps.runner.backfillSchedules(payload);
      return { kind: 'delivered' };
    case 'webhook':
      await deps.runner.deliverWebhook(payload, attempt.attempt);
      return { kind: 'delivered' };
    case 'subscription':
      if (!deps.deliverSubscription) throw new Error('a webhook subscription delivery reached a process without the subscriptions service');
      await deps.deliverSubscription(payload, attempt.attempt);
      return { kind: 'delivered' };
  }
}
