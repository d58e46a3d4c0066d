import { log } from '../services/logging/log.js';
import type { Services } from '../services/create-services.js';
import { StoreTaskScheduler } from '../services/workflows/store-task-scheduler.js';

/**
 * The embedded runtime's stand-in for Cloud Tasks dispatch: polls the store's
 * task queue and runs due tasks through the same handler as production.
 * Tasks live in the persisted store, so reminders planned before a restart
 * fire after it (late ones at the first poll). Returns a stop function.
 */
export function startLocalTaskRunner(services: Services, { intervalMs = 5_000 }: { intervalMs?: number } = {}): () => void {
  const scheduler = services.workflows.scheduler;
  if (!(scheduler instanceof StoreTaskScheduler)) {
    throw new Error('startLocalTaskRunner needs the store task scheduler (CRM_STORE=memory); production uses Cloud Tasks.');
  }
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    running = services.workflows.runDueTasks(new Date()).catch((error: unknown) => {
      log.error('local task runner: a poll failed; the next poll retries', { error });
    });
  };
  const timer = setInterval(() => {
    if (!stopped) tick();
  }, intervalMs);
  timer.unref?.();
  tick();
  return () => {
    stopped = true;
    clearInterval(timer);
    void running;
  };
}
