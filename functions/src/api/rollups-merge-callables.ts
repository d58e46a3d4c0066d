import { recordAudit } from '../services/audit/record-audit.js';
import { findDuplicates, getDuplicateRules, saveDuplicateRules } from '../services/duplicates/duplicates-service.js';
import { MERGE_JOB_KIND } from '../services/merge/merge-job.js';
import { planMerge } from '../services/merge/merge-records.js';
import { ROLLUP_RECOMPUTE_JOB_KIND } from '../services/rollups/rollup-recompute-job.js';
import { recomputeRecordRollups, requireRollupAdmin, rollupTargetsOfParent } from '../services/rollups/rollups-service.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './rollups-merge-schemas.js';

/** Roll-up recompute, duplicate rules and checks, and merge (services/rollups, services/duplicates, services/merge). */
export const ROLLUPS_MERGE_CALLABLES = {
  crmRecomputeRollups: defineTenant({
    request: schemas.ZRecomputeRollupsRequestSchema,
    response: schemas.ZRecomputeRollupsResponseSchema,
    handle: async ({ caller, services }, input) => {
      if (input.recordId) {
        const values = await recomputeRecordRollups(services, caller, { module: input.module, field: input.field, recordId: input.recordId });
        return { jobId: null, values };
      }
      requireRollupAdmin(caller);
      // Refused now (unknown module, not a roll-up field) rather than as a failed job later.
      rollupTargetsOfParent(await services.configs.require(caller.tenantId), input.module, input.field);
      const job = await services.jobs.start({
        tenantId: caller.tenantId,
        kind: ROLLUP_RECOMPUTE_JOB_KIND,
        module: input.module,
        createdBy: caller.uid,
        params: { module: input.module, ...(input.field ? { field: input.field } : {}) },
      });
      return { jobId: job.id, values: null };
    },
  }),
  crmGetDuplicateRules: defineTenant({
    request: schemas.ZGetDuplicateRulesRequestSchema,
    response: schemas.ZDuplicateRulesResponseSchema,
    handle: async ({ caller, services }, input) => getDuplicateRules(services, caller, input.module),
  }),
  crmSaveDuplicateRules: defineTenant({
    request: schemas.ZSaveDuplicateRulesRequestSchema,
    response: schemas.ZDuplicateRulesResponseSchema,
    handle: async ({ caller, services }, input) => saveDuplicateRules(services, caller, input.module, input.rules),
  }),
  crmFindDuplicates: defineTenant({
    request: schemas.ZFindDuplicatesRequestSchema,
    response: schemas.ZFindDuplicatesResponseSchema,
    handle: async ({ caller, services }, input) => findDuplicates(services, caller, { module: input.module, data: input.data, recordId: input.recordId }),
  }),
  crmMergeRecords: defineTenant({
    request: schemas.ZMergeRecordsRequestSchema,
    response: schemas.ZMergeRecordsResponseSchema,
    handle: async ({ caller, services }, input) => {
      const params = await planMerge(services, caller, { module: input.module, winnerId: input.winnerId, recordIds: input.recordIds, fields: input.fields });
      const job = await services.jobs.start({
        tenantId: caller.tenantId,
        kind: MERGE_JOB_KIND,
        module: input.module,
        createdBy: caller.uid,
        params: { ...params },
        onCreate: (tx) =>
          recordAudit(tx, {
            kind: 'merge',
            action: 'merge.started',
            caller,
            target: { module: input.module, id: params.winnerId },
            before: { records: [params.winnerId, ...params.loserIds] },
            after: { winner: params.winnerId, losers: params.loserNumbers, fields: Object.keys(params.values) },
            at: new Date(),
          }),
      });
      return { jobId: job.id };
    },
  }),
} as const;
