import { isCrmError, CRM_ERROR_CODES } from '../errors.js';
import type { DocumentStore } from '../../store/document-store.js';
import { zonedDay, dayOfEpochDay, epochDay } from '../../engine/formulas/formula-values.js';
import { instantOfWallTime, isValidTimeZone } from '../../engine/time/zoned-time.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { compileModule } from '../records/computed-fields.js';
import type { JobService } from '../jobs/job-service.js';
import { log } from '../logging/log.js';

/**
 * Starts the daily `formula-due` sweep (sweep-due-formulas.ts) of each tenant
 * once its local day has turned, without reading every tenant at every run.
 *
 * Each tenant with a TODAY()/NOW() formula has one small schedule document,
 * `crm_tenants/{t}/schedules/formula_sweep`, whose `nextSweepAt` is the next
 * local midnight in the tenant's zone. Each run (every 15 minutes) asks one
 * collection-group range query for `nextSweepAt <= now` (single-field index,
 * collection-group scope in firestore.indexes.json), so it reads only the
 * tenants due: at 10,000 tenants spread over the world's zones that is the few
 * hundred whose midnight just passed, not 10,000. Starting a sweep moves `nextSweepAt` to the
 * following midnight; the job id is per tenant-day, so a repeated run (the
 * scheduler is at-least-once) or an overlap starts nothing twice.
 */
export const SCHEDULES_COLLECTION_ID = 'schedules';
export const formulaSweepPath = (tenantId: string): string => `crm_tenants/${tenantId}/${SCHEDULES_COLLECTION_ID}/formula_sweep`;
/** Tenants handled per query page. */
export const SWEEP_SCHEDULE_PAGE = 200;

export interface ScheduleSweepDeps {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly jobs: Pick<JobService, 'start'>;
  readonly now: () => Date;
  /** The instance default zone (CRM_TIME_ZONE) for tenants that set none. */
  readonly defaultTimeZone?: string;
}

/** Whether any active formula of the tenant reads the clock (TODAY, NOW): only those tenants need a daily sweep. */
export function hasClockFormulas(config: TenantConfig): boolean {
  return config.modules.some((entry) => {
    const module = resolveModule(config, entry.slug);
    return module !== null && compileModule(config, module).formulas.some(({ formula }) => formula.usesClock);
  });
}

export function tenantZone(config: TenantConfig, fallback = 'UTC'): string {
  return config.timezone && isValidTimeZone(config.timezone) ? config.timezone : fallback;
}

/** The first instant of the tenant-zone day after the one `now` falls in. */
export function nextLocalMidnight(now: Date, timeZone: string): Date {
  const tomorrow = dayOfEpochDay(epochDay(zonedDay(now.getTime(), timeZone)) + 1);
  const [year, month, day] = tomorrow.split('-').map(Number) as [number, number, number];
  return instantOfWallTime({ year, month, day, hour: 0, minute: 0, second: 0 }, timeZone);
}

/**
 * Puts the tenant on the daily schedule when it has a clock formula (called
 * when formula fields are recomputed after a save, and by every sweep).
 * Idempotent; one read, and one write the first time.
 */
export async function ensureFormulaSweep(deps: Pick<ScheduleSweepDeps, 'store' | 'now' | 'defaultTimeZone'>, tenantId: string, config: TenantConfig): Promise<boolean> {
  if (!hasClockFormulas(config)) return false;
  const path = formulaSweepPath(tenantId);
  if (await deps.store.get(path)) return false;
  const zone = tenantZone(config, deps.defaultTimeZone);
  await deps.store.set(path, { tenantId, nextSweepAt: nextLocalMidnight(deps.now(), zone), timeZone: zone, lastDay: null });
  return true;
}

/**
 * After the tenant's time zone changed: its stored due days were counted in
 * the old zone, so it becomes due at once (the next run sweeps it with
 * "today" in the new zone, then schedules the new zone's midnights). A sweep
 * already run for that local day is not run twice (job id per tenant-day).
 */
export async function rescheduleFormulaSweep(deps: Pick<ScheduleSweepDeps, 'store' | 'now'>, tenantId: string): Promise<void> {
  const path = formulaSweepPath(tenantId);
  if (!(await deps.store.get(path))) return;
  await deps.store.update(path, { nextSweepAt: deps.now() });
}

export interface ScheduleRunResult {
  /** Schedule documents read (tenants due). */
  readonly examined: number;
  readonly started: number;
  /** Left due for the next hour: the tenant had its maximum of jobs running. */
  readonly deferred: number;
  /** Tenants without a CRM or without clock formulas any more: taken off the schedule. */
  readonly removed: number;
}

/** One scheduled run: starts the sweep of every tenant whose local day turned since its last one. */
export async function startDueFormulaSweeps(deps: ScheduleSweepDeps, { deadline }: { deadline: number }): Promise<ScheduleRunResult> {
  const now = deps.now();
  let examined = 0;
  let started = 0;
  let deferred = 0;
  let removed = 0;
  const seen = new Set<string>();
  for (;;) {
    const limit = SWEEP_SCHEDULE_PAGE + deferred;
    const due = await deps.store.query({
      collection: SCHEDULES_COLLECTION_ID,
      collectionGroup: true,
      where: [{ field: 'nextSweepAt', op: '<=', value: now }],
      orderBy: [{ field: 'nextSweepAt', direction: 'asc' }],
      limit,
    });
    // Deferred tenants stay due and come back first: only documents not seen in this run count as progress.
    const fresh = due.filter((doc) => !seen.has(doc.path));
    for (const doc of fresh) {
      seen.add(doc.path);
      examined += 1;
      const tenantId = doc.path.split('/')[1] ?? '';
      const config = await deps.configs.load(tenantId);
      if (!config || !hasClockFormulas(config)) {
        await deps.store.delete(doc.path);
        removed += 1;
        continue;
      }
      const zone = tenantZone(config, deps.defaultTimeZone);
      const day = zonedDay(now.getTime(), zone);
      try {
        await deps.jobs.start({ tenantId, kind: 'formula-due', module: null, createdBy: 'system', params: { day }, jobId: `formula-due-${day}` });
      } catch (error) {
        if (!isCrmError(error) || error.code !== CRM_ERROR_CODES.precondition) throw error;
        log.warn('formula sweep deferred: the tenant has its maximum of jobs running', { tenantId, day });
        deferred += 1;
        continue;
      }
      await deps.store.update(doc.path, { nextSweepAt: nextLocalMidnight(now, zone), timeZone: zone, lastDay: day });
      started += 1;
    }
    if (fresh.length === 0 || due.length < limit || Date.now() >= deadline) {
      return { examined, started, deferred, removed };
    }
  }
}
