import type { LazyJobHandler } from './job-handler.js';

/**
 * Every kind of job, loaded lazily. One line per kind; the module named
 * exports the handler.
 */
export const JOB_HANDLERS: readonly LazyJobHandler[] = [];
