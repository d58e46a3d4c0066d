import type { LazyJobHandler } from './job-handler.js';

/**
 * Every kind of job, loaded lazily. One line per kind; the module named
 * exports the handler.
 */
export const JOB_HANDLERS: readonly LazyJobHandler[] = [
  { kind: 'import', load: () => import('../imports/import-job.js').then((m) => m.importJobHandler) },
  { kind: 'import_revert', load: () => import('../imports/import-job.js').then((m) => m.revertImportJobHandler) },
  { kind: 'formula-recompute', load: () => import('../formulas/formula-jobs.js').then((m) => m.formulaRecomputeJobHandler) },
  { kind: 'formula-dependents', load: () => import('../formulas/formula-jobs.js').then((m) => m.formulaDependentsJobHandler) },
  { kind: 'formula-due', load: () => import('../formulas/sweep-due-formulas.js').then((m) => m.formulaDueJobHandler) },
  { kind: 'merge', load: () => import('../merge/merge-job.js').then((m) => m.mergeJobHandler) },
  { kind: 'rollup-recompute', load: () => import('../rollups/rollup-recompute-job.js').then((m) => m.rollupRecomputeJobHandler) },
  { kind: 'export', load: () => import('../exports/export-job.js').then((m) => m.exportJobHandler) },
  { kind: 'bulk', load: () => import('../bulk/bulk-job.js').then((m) => m.bulkJobHandler) },
];
