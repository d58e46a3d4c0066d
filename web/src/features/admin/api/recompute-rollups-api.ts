import { useMutation } from '@tanstack/react-query';
import * as rollups from '@crm/api/rollups-merge-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

const call = createCaller({
  crmRecomputeRollups: { request: rollups.ZRecomputeRollupsRequestSchema, response: rollups.ZRecomputeRollupsResponseSchema },
} as const);

/**
 * Starts the job that computes a new roll-up on the module's existing
 * records; from then on the record trigger keeps it exact (services/rollups).
 */
export function useRecomputeRollups(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({ mutationFn: ({ module, field }: { module: string; field: string }) => call(functions, 'crmRecomputeRollups', { tenantId, module, field }) });
}
