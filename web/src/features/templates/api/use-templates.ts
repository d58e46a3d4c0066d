import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callCrm } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';
import { applyConfig } from '../../../lib/tenant/bootstrap-query';

export function useTemplates(tenantId: string) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: ['crm', tenantId, 'templates'],
    queryFn: () => callCrm(functions, 'crmListTemplates', { tenantId }),
  });
}

export function useSelectTemplate(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (templateSlug: string) => callCrm(functions, 'crmSelectTemplate', { tenantId, templateSlug }),
    onSuccess: async ({ config }) => applyConfig(client, tenantId, config),
  });
}
