import { onSchedule } from 'firebase-functions/v2/scheduler';
import { loadOnce, warmUpInDeployedInstance } from './load-once.js';

export const loadScheduleHandlers = loadOnce(async () => {
  const [{ startDueFormulaSweeps }, { getInstanceServices }, { instanceConfig }] = await Promise.all([
    import('../services/formulas/schedule-formula-sweeps.js'),
    import('./instance-services.js'),
    import('./instance-config.js'),
  ]);
  return { startDueFormulaSweeps, services: await getInstanceServices(), defaultTimeZone: instanceConfig().timeZone };
});

warmUpInDeployedInstance(loadScheduleHandlers);

/** How long one hourly run may start sweeps before it leaves the rest to the next hour (under the 540 s timeout). */
const RUN_BUDGET_MS = 480_000;

/**
 * Hourly, at minute 0 UTC: starts the daily TODAY()/NOW() formula sweep of
 * each tenant whose local day turned since its last sweep, reading only the
 * tenants due (services/formulas/schedule-formula-sweeps.ts). Zones offset by
 * a half or quarter hour are swept at the first run after their midnight.
 */
export const crmSweepDueFormulas = onSchedule(
  { schedule: '0 * * * *', timeZone: 'UTC', timeoutSeconds: 540, retryCount: 1 },
  async () => {
    const { startDueFormulaSweeps, services, defaultTimeZone } = await loadScheduleHandlers();
    await startDueFormulaSweeps(
      { store: services.store, configs: services.configs, jobs: services.jobs, now: () => new Date(), defaultTimeZone },
      { deadline: Date.now() + RUN_BUDGET_MS },
    );
  },
);
