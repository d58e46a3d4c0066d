import { useMutation, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api';
import * as formulas from '@crm/api/formulas-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { applyConfig } from '../../../lib/tenant/bootstrap-query';

const FORMULA_CALLABLES = {
  crmSaveValidationRules: { request: formulas.ZSaveValidationRulesRequestSchema, response: api.ZConfigResponseSchema },
} as const;

const call = createCaller(FORMULA_CALLABLES);

/** Saves a module's validation rules; the answer is the new configuration, applied at once. */
export function useSaveValidationRules(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: Omit<formulas.TSaveValidationRulesRequest, 'tenantId'>) => call(functions, 'crmSaveValidationRules', { ...request, tenantId }),
    onSuccess: async (response) => applyConfig(client, tenantId, response.config),
  });
}
