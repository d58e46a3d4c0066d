import { findDuplicates, getDuplicateRules, saveDuplicateRules } from '../services/duplicates/duplicates-service.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './rollups-merge-schemas.js';

/** Duplicate rules and checks (services/duplicates). Roll-up recompute and merge are added with the jobs they start. */
export const DUPLICATE_CALLABLES = {
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
} as const;
