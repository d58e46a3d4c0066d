import type { JobHandler } from '../jobs/job-handler.js';
import { MERGE_START, MergeCursorSchema, MergeParamsSchema, runMergeStep } from './merge-records.js';

export const MERGE_JOB_KIND = 'merge';

/**
 * Runs a merge as a job: steps until the slice's deadline, checkpointing the
 * cursor after each. Every step is idempotent (merge-records.ts), so a slice
 * cut off between a step's writes and its checkpoint repeats that step
 * harmlessly; counts are committed with the writes they count, so they stay
 * exact too.
 */
export const mergeJobHandler: JobHandler = {
  kind: MERGE_JOB_KIND,
  async runSlice({ services, tenantId, job, deadline, checkpoint }) {
    const params = MergeParamsSchema.parse(job.params);
    let cursor = job.cursor === null || job.cursor === undefined ? MERGE_START : MergeCursorSchema.parse(job.cursor);
    while (cursor.step !== 'done') {
      if (Date.now() >= deadline) return { done: false };
      // Counts (records re-pointed: updated; losers moved to the trash: deleted) are saved inside the
      // transaction of each record they count; the cursor after the step.
      const step = await runMergeStep(services, tenantId, job.id, params, cursor, new Date(), (tx, counted) =>
        checkpoint({ done: (counted.repointed ?? 0) + (counted.losers ?? 0), counts: { updated: counted.repointed ?? 0, deleted: counted.losers ?? 0 } }, tx),
      );
      cursor = step.cursor;
      await checkpoint({ cursor, ...(cursor.step === 'done' ? { result: { winnerId: params.winnerId, merged: params.loserNumbers } } : {}) });
    }
    return { done: true };
  },
};
