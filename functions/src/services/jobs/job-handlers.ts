import type { LazyJobHandler } from './job-handler.js';

/**
 * Every kind of job, loaded lazily. One line per kind; the module named
 * exports the handler.
 */
export const JOB_HANDLERS: readonly LazyJobHandler[] = [
  { kind: 'export', load: () => import('../exports/export-job.js').then((m) => m.exportJobHandler) },
  { kind: 'bulk', load: () => import('../bulk/bulk-job.js').then((m) => m.bulkJobHandler) },
];
