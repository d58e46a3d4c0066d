import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callCrm, type CrmRequest } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { applyConfig } from '../../../lib/tenant/bootstrap-query';

type ConfigCallable = 'crmAddField' | 'crmUpdateField' | 'crmReorderFields' | 'crmDeactivateField' | 'crmCreateModule' | 'crmUpdateTenantSettings';

/** Every configuration callable answers with the new config: apply it so the sidebar and forms follow at once. */
export function useConfigMutation<N extends ConfigCallable>(tenantId: string, name: N) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: Omit<CrmRequest<N>, 'tenantId'>) => callCrm(functions, name, { ...request, tenantId } as CrmRequest<N>),
    onSuccess: async (response) => applyConfig(client, tenantId, response.config),
  });
}
