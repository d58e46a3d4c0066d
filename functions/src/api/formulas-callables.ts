import { CrmError, CRM_ERROR_CODES } from '../services/errors.js';
import { canManageConfiguration } from '../engine/permissions/evaluate-permission.js';
import { resolveModule } from '../services/config/tenant-config.js';
import { toConfigView } from './core-callables.js';
import { defineTenant } from './define-callable.js';
import { toJobView } from './job-callables.js';
import { ZConfigResponseSchema } from './schemas.js';
import * as schemas from './formulas-schemas.js';

/** Formula fields and validation rules (the fields themselves are saved by crmAddField / crmUpdateField). */
export const FORMULAS_CALLABLES = {
  crmSaveValidationRules: defineTenant({
    request: schemas.ZSaveValidationRulesRequestSchema,
    response: ZConfigResponseSchema,
    handle: async ({ caller, services }, input) => ({
      config: toConfigView(await services.config.saveValidationRules(caller, input.module, input.rules)),
    }),
  }),

  crmRecomputeFormulas: defineTenant({
    request: schemas.ZRecomputeFormulasRequestSchema,
    response: schemas.ZRecomputeFormulasResponseSchema,
    handle: async ({ caller, services }, input) => {
      if (!canManageConfiguration(caller)) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins of this tenant can recompute formulas.');
      }
      const config = await services.configs.require(caller.tenantId);
      if (!resolveModule(config, input.module)) {
        throw new CrmError(CRM_ERROR_CODES.notFound, `There is no module "${input.module}" in this CRM.`, [], {
          messageKey: 'errors.module.notFound',
          params: { module: input.module },
        });
      }
      const job = await services.jobs.start({
        tenantId: caller.tenantId,
        kind: 'formula-recompute',
        module: input.module,
        createdBy: caller.uid,
        params: { module: input.module },
      });
      return { job: toJobView(job) };
    },
  }),
} as const;
