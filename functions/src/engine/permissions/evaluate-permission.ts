/**
 * Permission decisions from the role × module matrix. Pure: the SPA uses the
 * same functions to decide what to offer, the server to decide what to allow.
 */
export type TenantRole = 'owner' | 'admin' | 'member';
export type PlatformRole = 'super_admin' | 'staff';
export type RecordAction = 'create' | 'read' | 'update' | 'delete' | 'export';
/** `all`: any record of the module; `own`: records the user owns; `none`: refused. */
export type AccessScope = 'all' | 'own' | 'none';

export type PermissionMatrix = Partial<Record<string, Partial<Record<string, readonly string[]>>>>;

export interface Actor {
  readonly uid: string;
  /** Null for a platform user acting on a tenant they are not a member of. */
  readonly role: TenantRole | null;
  readonly platformRole: PlatformRole | null;
}

const OWN_VARIANT: Partial<Record<RecordAction, string>> = {
  read: 'read_own',
  update: 'update_own',
  delete: 'delete_own',
};

export function resolveAccessScope({
  actor,
  matrix,
  module,
  action,
}: {
  actor: Actor;
  matrix: PermissionMatrix;
  module: string;
  action: RecordAction;
}): AccessScope {
  if (actor.platformRole === 'super_admin') return 'all';
  if (actor.role === null) return 'none';
  const granted = matrix[actor.role]?.[module] ?? [];
  if (granted.includes('*') || granted.includes(action)) return 'all';
  const ownVariant = OWN_VARIANT[action];
  if (ownVariant !== undefined && granted.includes(ownVariant)) return 'own';
  return 'none';
}

export function canActOnRecord({
  actor,
  matrix,
  module,
  action,
  ownerId,
}: {
  actor: Actor;
  matrix: PermissionMatrix;
  module: string;
  action: RecordAction;
  ownerId: string | null;
}): boolean {
  const scope = resolveAccessScope({ actor, matrix, module, action });
  return scope === 'all' || (scope === 'own' && ownerId === actor.uid);
}

/** Configuration (fields, modules, template) is for tenant owners and admins, and super admins. */
export function canManageConfiguration(actor: Actor): boolean {
  return actor.platformRole === 'super_admin' || actor.role === 'owner' || actor.role === 'admin';
}

export type ModulePermissions = Record<RecordAction, AccessScope>;

const RECORD_ACTIONS: readonly RecordAction[] = ['create', 'read', 'update', 'delete', 'export'];

/** What the actor may do in each module: the SPA hides what this says `none`. */
export function summarizePermissions({
  actor,
  matrix,
  modules,
}: {
  actor: Actor;
  matrix: PermissionMatrix;
  modules: readonly string[];
}): Record<string, ModulePermissions> {
  const summary: Record<string, ModulePermissions> = {};
  for (const module of modules) {
    const entry = {} as ModulePermissions;
    for (const action of RECORD_ACTIONS) entry[action] = resolveAccessScope({ actor, matrix, module, action });
    summary[module] = entry;
  }
  return summary;
}
