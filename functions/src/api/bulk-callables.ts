import { startBulkAction } from '../services/bulk/start-bulk.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './bulk-schemas.js';
import { ZStartJobResponseSchema } from './export-schemas.js';

/** Bulk actions on a selection or on every record of a view, run as jobs (services/bulk). */
export const BULK_CALLABLES = {
  crmStartBulkAction: defineTenant({
    request: schemas.ZStartBulkActionRequestSchema,
    response: ZStartJobResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) => ({ jobId: (await startBulkAction(services, caller, input)).id }),
  }),
} as const;
