import { useQuery } from '@tanstack/react-query';
import { callCrm } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

export function useMyTenants() {
  const { functions, user } = useBackend();
  return useQuery({
    queryKey: ['crm', 'my-tenants', user.uid],
    queryFn: () => callCrm(functions, 'crmListMyTenants', {}),
  });
}
