import type { Services } from '../services/create-services.js';
import { startDueFormulaSweeps } from '../services/formulas/schedule-formula-sweeps.js';
import { log } from '../services/logging/log.js';

/** Every 15 minutes, like the deployed `crmSweepDueFormulas` schedule. */
export const FORMULA_SWEEP_INTERVAL_MS = 15 * 60_000;

/**
 * The embedded runtime's stand-in for the `crmSweepDueFormulas`
 * schedule: the same service function on a timer. It runs once at start, so
 * days that turned while the runtime was stopped are caught up at once, then
 * every interval; one run at a time. Returns a stop function.
 */
export function startFormulaSweepTimer(
  services: Services,
  { intervalMs = FORMULA_SWEEP_INTERVAL_MS, defaultTimeZone = 'UTC' }: { intervalMs?: number; defaultTimeZone?: string } = {},
): () => void {
  let stopped = false;
  let running: Promise<unknown> | null = null;
  const tick = (): void => {
    if (stopped || running) return;
    running = startDueFormulaSweeps(
      { store: services.store, configs: services.configs, jobs: services.jobs, now: services.now, defaultTimeZone },
      { deadline: Date.now() + Math.min(intervalMs, 5 * 60_000) },
    )
      .catch((error: unknown) => log.error('formula sweep schedule: a run failed; the next one retries', { error }))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref?.();
  tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
