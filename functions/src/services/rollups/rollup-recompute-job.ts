import { z } from 'zod';
import type { JobHandler } from '../jobs/job-handler.js';
import { RECOMPUTE_START, recomputeRollupPage, type RecomputeCursor } from './recompute-rollups.js';
import { rollupTargetsOfParent } from './rollups-service.js';

export const ROLLUP_RECOMPUTE_JOB_KIND = 'rollup-recompute';

export const RollupRecomputeParamsSchema = z.object({ module: z.string(), field: z.string().optional() });

const CursorSchema = z.object({
  /** Index of the roll-up field (in the module's order) being recomputed. */
  target: z.number().int().min(0),
  phase: z.enum(['children', 'parents', 'trash', 'done']),
  after: z.number().nullable(),
});

/**
 * Recomputes the roll-up fields of a module (or one of them) as a job, one
 * page of records per step, checkpointing after each page. The pages are
 * idempotent (recompute-rollups.ts), so a repeated page after a crash changes
 * nothing, and the record trigger may keep running alongside.
 */
export const rollupRecomputeJobHandler: JobHandler = {
  kind: ROLLUP_RECOMPUTE_JOB_KIND,
  async runSlice({ services, tenantId, job, deadline, checkpoint }) {
    const params = RollupRecomputeParamsSchema.parse(job.params);
    const config = await services.configs.require(tenantId);
    const targets = rollupTargetsOfParent(config, params.module, params.field);
    let cursor = job.cursor ? CursorSchema.parse(job.cursor) : { target: 0, ...RECOMPUTE_START };
    for (;;) {
      const target = targets[cursor.target];
      if (!target) {
        await checkpoint({ cursor, result: { fields: targets.map((candidate) => candidate.definition.key) } });
        return { done: true };
      }
      if (Date.now() >= deadline) return { done: false };
      const page = await recomputeRollupPage(services.store, target, { phase: cursor.phase, after: cursor.after } as RecomputeCursor);
      cursor = page.cursor.phase === 'done' ? { target: cursor.target + 1, ...RECOMPUTE_START } : { target: cursor.target, ...page.cursor };
      await checkpoint({
        cursor,
        done: page.counts.children + page.counts.parents,
        // Records whose roll-up values were rewritten.
        counts: { updated: page.counts.parentWrites },
      });
    }
  },
};
