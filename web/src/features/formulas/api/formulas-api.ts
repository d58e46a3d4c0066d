import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as api from '@crm/api';
import * as formulas from '@crm/api/formulas-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { applyConfig } from '../../../lib/tenant/bootstrap-query';

const FORMULA_CALLABLES = {
  crmSaveValidationRules: { request: formulas.ZSaveValidationRulesRequestSchema, response: api.ZConfigResponseSchema },
  crmRecomputeFormulas: { request: formulas.ZRecomputeFormulasRequestSchema, response: formulas.ZRecomputeFormulasResponseSchema },
  crmListRecords: { request: api.ZListRecordsRequestSchema, response: api.ZListRecordsResponseSchema },
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

/** Starts the job that computes a module's formulas on its existing records. */
export function useRecomputeFormulas(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({ mutationFn: (module: string) => call(functions, 'crmRecomputeFormulas', { tenantId, module }) });
}

/** The newest record of a module: the sample the formula preview runs on. */
export function useSampleRecord(tenantId: string, module: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['formulas', 'sample', tenantId, module],
    queryFn: async () => (await call(functions, 'crmListRecords', { tenantId, module, pageSize: 1 })).records[0] ?? null,
    staleTime: 60_000,
  });
}
