import { log } from '../services/logging/log.js';
import type { Services } from '../services/create-services.js';
import { StoreTaskScheduler } from '../services/workflows/store-task-scheduler.js';

/**
 * The embedded runtime's stand-in for Cloud Tasks dispatch: polls the store's
 * task queue and runs due tasks through the same handler as production.
 * Tasks live in the persisted store, so reminders planned before a restart
 * fire after it (late ones at the first poll). A task enqueued due now (a
 * webhook delivery) starts a pass at once rather than at the next poll.
 * Returns a stop function.
 */
export function startLocalTaskRunner(services: Services, { intervalMs = 5_000 }: { intervalMs?: number } = {}): () => void {
  const scheduler = services.workflows.scheduler;
  if (!(scheduler instanceof StoreTaskScheduler)) {
    throw new Error('startLocalTaskRunner needs the store task scheduler (CRM_STORE=memory); production uses Cloud Tasks.');
  }
  let stopped = false;
  let active = false;
  let again = false;
  let running: Promise<unknown> = Promise.resolve();
  // One pass at a time; a request during a pass (a task due now was enqueued) runs one more pass after it.
  const tick = (): void => {
    if (active) {
      again = true;
      return;
    }
    active = true;
    running = (async () => {
      do {
        again = false;
        await services.workflows.runDueTasks(new Date());
      } while (again && !stopped);
    })()
      .catch((error: unknown) => {
        log.error('local task runner: a poll failed; the next poll retries', { error });
      })
      .finally(() => {
        active = false;
      });
  };
  const timer = setInterval(() => {
    if (!stopped) tick();
  }, intervalMs);
  timer.unref?.();
  const unsubscribe = scheduler.onDueTaskEnqueued(() => {
    if (!stopped) tick();
  });
  tick();
  return () => {
    stopped = true;
    unsubscribe();
    clearInterval(timer);
    void running;
  };
}
