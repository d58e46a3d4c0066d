import { z } from 'zod';
import type { JobHandler } from '../jobs/job-handler.js';
import { walkBack, type DependentRoute } from './formula-dependents.js';
import { recomputeModuleSlice, recomputeRecordFormulas } from './recompute-formulas.js';
import { ensureFormulaSweep } from './schedule-formula-sweeps.js';

/** Dependents one job walks at most (beyond that a change is a bulk update: recompute the module). */
export const MAX_JOB_DEPENDENTS = 100_000;

const RecomputeParamsSchema = z.object({ module: z.string().min(1) });
const DependentsParamsSchema = z.object({
  recordId: z.string().min(1),
  route: z.object({
    module: z.string().min(1),
    hops: z.array(z.object({ module: z.string(), field: z.string(), target: z.string() })).min(1).max(5),
  }),
});

/** Recomputes every record of a module (after a formula field is added or changed); cursor = last record number seen. */
export const formulaRecomputeJobHandler: JobHandler = {
  kind: 'formula-recompute',
  async runSlice({ services, tenantId, job, deadline, checkpoint }) {
    const { module } = RecomputeParamsSchema.parse(job.params);
    const cursor = typeof job.cursor === 'number' ? job.cursor : null;
    if (cursor === null) {
      // A formula field was just saved: a tenant whose formulas now read TODAY()/NOW() joins the daily sweep schedule.
      const config = await services.configs.load(tenantId);
      if (config) await ensureFormulaSweep({ store: services.store, now: services.now }, tenantId, config);
    }
    const progress = await recomputeModuleSlice({ store: services.store, configs: services.configs, now: services.now }, { tenantId, module, cursor, deadline: deadline - 500 });
    await checkpoint({ cursor: progress.cursor, done: progress.examined, counts: { updated: progress.changed } });
    return { done: progress.cursor === null };
  },
};

/** The part of a related-record change that did not fit in the record handler's inline budget; cursor = dependents done. */
export const formulaDependentsJobHandler: JobHandler = {
  kind: 'formula-dependents',
  async runSlice({ services, tenantId, job, deadline, checkpoint }) {
    const { recordId, route } = DependentsParamsSchema.parse(job.params);
    const { ids } = await walkBack(services, tenantId, route as DependentRoute, [recordId], MAX_JOB_DEPENDENTS);
    let offset = typeof job.cursor === 'number' ? job.cursor : 0;
    let updated = 0;
    const start = offset;
    const config = await services.configs.load(tenantId);
    while (offset < ids.length && Date.now() < deadline - 500) {
      if (await recomputeRecordFormulas({ store: services.store, configs: services.configs, now: services.now }, tenantId, ids[offset] as string, config ?? undefined)) updated += 1;
      offset += 1;
    }
    await checkpoint({ cursor: offset, done: offset - start, total: ids.length, counts: { updated } });
    return { done: offset >= ids.length };
  },
};
