import type { JobHandler } from '../jobs/job-handler.js';
import { zonedDay } from '../../engine/formulas/formula-values.js';
import { crmPaths } from '../paths.js';
import { recomputeRecordFormulas, RECOMPUTE_PAGE, type RecomputeDeps } from './recompute-formulas.js';
import { ensureFormulaSweep } from './schedule-formula-sweeps.js';

/**
 * The daily part of TODAY()-based formulas: recomputes only the records whose
 * stored `formulaDue` day (the tenant-zone day their value next changes,
 * engine/formulas/next-change.ts) has come — one single-field range query,
 * never a scan of every record. Recomputing a record stores its next due day,
 * so a record leaves the query once done; re-running is harmless.
 */
export async function sweepDueFormulas(
  deps: RecomputeDeps,
  { tenantId, deadline }: { tenantId: string; deadline: number },
): Promise<{ examined: number; changed: number; done: boolean }> {
  const config = await deps.configs.load(tenantId);
  if (!config) return { examined: 0, changed: 0, done: true };
  const now = deps.now?.() ?? new Date();
  const today = zonedDay(now.getTime(), config.timezone ?? 'UTC');
  let examined = 0;
  let changed = 0;
  for (;;) {
    const due = await deps.store.query({
      collection: crmPaths.records(tenantId),
      where: [{ field: 'formulaDue', op: '<=', value: today }],
      orderBy: [{ field: 'formulaDue', direction: 'asc' }],
      limit: RECOMPUTE_PAGE,
    });
    let progressed = 0;
    for (const doc of due) {
      if (await recomputeRecordFormulas(deps, tenantId, doc.id, config)) {
        changed += 1;
        progressed += 1;
      }
      examined += 1;
    }
    // Nothing left, or nothing the recompute could move forward (a deleted module's records): stop.
    if (due.length < RECOMPUTE_PAGE || progressed === 0) return { examined, changed, done: true };
    if (Date.now() >= deadline) return { examined, changed, done: false };
  }
}

/** One tenant's daily sweep as a job (started once a day per tenant; see README of services/formulas). */
export const formulaDueJobHandler: JobHandler = {
  kind: 'formula-due',
  async runSlice({ services, tenantId, deadline, checkpoint }) {
    const deps = { store: services.store, configs: services.configs, now: services.now };
    const config = await services.configs.load(tenantId);
    // A tenant that gained a clock formula some other way (a template upgrade) is put on the daily schedule here too.
    if (config) await ensureFormulaSweep(deps, tenantId, config);
    const result = await sweepDueFormulas(deps, { tenantId, deadline: deadline - 500 });
    await checkpoint({ done: result.examined, counts: { updated: result.changed } });
    return { done: result.done };
  },
};
