import type { JobHandler } from '../jobs/job-handler.js';
import { runImportSlice } from './import-slice.js';
import { runRevertSlice } from './revert-slice.js';
import { IMPORT_JOB_KIND, REVERT_JOB_KIND } from './import-kinds.js';

/** The import job (services/jobs): one slice = rows from the cursor until the deadline (import-slice.ts). */
export const importJobHandler: JobHandler = {
  kind: IMPORT_JOB_KIND,
  runSlice: (context) => runImportSlice(context),
};

/** Undoing an import (revert-slice.ts). */
export const revertImportJobHandler: JobHandler = {
  kind: REVERT_JOB_KIND,
  runSlice: (context) => runRevertSlice(context),
};
