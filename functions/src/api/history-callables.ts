import { listRecordHistory } from '../services/records/list-record-history.js';
import { define, requireCaller } from './define-callable.js';
import * as schemas from './history-schemas.js';

/** Record history (written by the record trigger, services/records/record-history.ts). */
export const HISTORY_CALLABLES = {
  crmListRecordHistory: define({
    request: schemas.ZListRecordHistoryRequestSchema,
    response: schemas.ZListRecordHistoryResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) =>
      listRecordHistory(services, requireCaller(caller), input),
  }),
} as const;
