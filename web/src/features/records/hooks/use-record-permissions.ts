import { useBackend } from '../../../lib/firebase/backend-context';
import { permissionsFor, useTenantSession, type ModulePermissions } from '../../../lib/tenant/tenant-session';

type Action = keyof ModulePermissions;

/**
 * What the UI offers, from the server's own permission summary: `all`, or
 * `own` when the user owns the record. The server still checks every call.
 */
export function useRecordPermissions(module: string) {
  const session = useTenantSession();
  const { user } = useBackend();
  const scopes = permissionsFor(session, module);
  const can = (action: Action, ownerId?: string | null): boolean => {
    const scope = scopes[action];
    if (scope === 'all') return true;
    if (scope === 'own') return ownerId === undefined || ownerId === null ? action === 'create' || action === 'read' : ownerId === user.uid;
    return false;
  };
  return { scopes, can };
}
