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

/** How long one run may start sweeps before it leaves the rest to the next run (under the 540 s timeout and the 15-minute interval). */
const RUN_BUDGET_MS = 480_000;

/**
 * Every 15 minutes: starts the daily TODAY()/NOW() formula sweep of each
 * tenant whose local day turned since its last sweep, reading only the
 * tenants due (services/formulas/schedule-formula-sweeps.ts). Every zone in
 * use is offset from UTC by a multiple of 15 minutes, so each local midnight
 * falls on a run: no zone is swept late. A run that finds nobody due costs
 * one read (96 a day).
 */
export const crmSweepDueFormulas = onSchedule(
  { schedule: '*/15 * * * *', timeZone: 'UTC', timeoutSeconds: 540, retryCount: 1 },
  async () => {
    const { startDueFormulaSweeps, services, defaultTimeZone } = await loadScheduleHandlers();
    await startDueFormulaSweeps(
      { store: services.store, configs: services.configs, jobs: services.jobs, now: () => new Date(), defaultTimeZone },
      { deadline: Date.now() + RUN_BUDGET_MS },
    );
  },
);
