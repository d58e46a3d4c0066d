import { useQuery } from '@tanstack/react-query';
import { useBackend } from '../firebase/backend-context';

export type PlatformRole = 'super_admin' | 'staff';

/**
 * The signed-in user's platform role, from the ID token's `platform_role`
 * claim. Only decides whether links to platform tools are shown: the server
 * checks the same claim on every console callable.
 */
export function usePlatformRoleQuery() {
  const { user } = useBackend();
  return useQuery({
    queryKey: ['crm', 'platform-role', user.uid],
    queryFn: async (): Promise<PlatformRole | null> => {
      const role = (await user.getIdTokenResult()).claims.platform_role;
      return role === 'super_admin' || role === 'staff' ? role : null;
    },
    staleTime: Infinity,
  });
}

/** The role once known; null while the token is read and for everyone without one. */
export function usePlatformRole(): PlatformRole | null {
  return usePlatformRoleQuery().data ?? null;
}
