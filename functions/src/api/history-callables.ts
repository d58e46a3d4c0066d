import { listRecordHistory } from '../services/records/list-record-history.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './history-schemas.js';

/** Record history (written by the record trigger, services/records/record-history.ts). */
export const HISTORY_CALLABLES = {
  crmListRecordHistory: defineTenant({
    request: schemas.ZListRecordHistoryRequestSchema,
    response: schemas.ZListRecordHistoryResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) =>
      listRecordHistory(services, caller, input),
  }),
} as const;
