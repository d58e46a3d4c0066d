/** Job kinds of imports (services/jobs/job-handlers.ts lists their handlers). */
export const IMPORT_JOB_KIND = 'import';
export const REVERT_JOB_KIND = 'import_revert';
