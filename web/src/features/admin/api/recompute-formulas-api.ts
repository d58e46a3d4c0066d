import { useMutation } from '@tanstack/react-query';
import * as formulas from '@crm/api/formulas-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

const call = createCaller({
  crmRecomputeFormulas: { request: formulas.ZRecomputeFormulasRequestSchema, response: formulas.ZRecomputeFormulasResponseSchema },
} as const);

/** Starts the job that computes a module's formulas on its existing records (after a formula field is saved). */
export function useRecomputeFormulas(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({ mutationFn: (module: string) => call(functions, 'crmRecomputeFormulas', { tenantId, module }) });
}
