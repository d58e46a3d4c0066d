import type { LazyJobHandler } from './job-handler.js';

/**
 * Every kind of job, loaded lazily. One line per kind; the module named
 * exports the handler.
 */
export const JOB_HANDLERS: readonly LazyJobHandler[] = [
  { kind: 'merge', load: () => import('../merge/merge-job.js').then((m) => m.mergeJobHandler) },
  { kind: 'rollup-recompute', load: () => import('../rollups/rollup-recompute-job.js').then((m) => m.rollupRecomputeJobHandler) },
];
