import { z } from 'zod';

export const TENANT_ROLES = ['owner', 'admin', 'member'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

export const PERMISSION_ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'export',
  '*',
  'read_own',
  'update_own',
  'delete_own',
] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

export const PermissionActionSchema = z.enum(PERMISSION_ACTIONS, {
  error: (iss) =>
    iss.input === undefined
      ? 'is required'
      : `unknown permission action ${JSON.stringify(iss.input)}; expected one of: ${PERMISSION_ACTIONS.join(', ')}`,
});

export const ModulePermissionsSchema = z.array(PermissionActionSchema).superRefine((actions, ctx) => {
  actions.forEach((action, index) => {
    if (actions.indexOf(action) !== index) {
      ctx.addIssue({ code: 'custom', path: [index], message: `duplicate action "${action}"` });
    }
  });
});

/** role → module slug → allowed actions. A missing role or module means no access. */
export const PermissionsMatrixSchema = z.partialRecord(
  z.enum(TENANT_ROLES, {
    error: (iss) => `unknown role ${JSON.stringify(iss.input)}; expected one of: ${TENANT_ROLES.join(', ')}`,
  }),
  z.record(z.string().min(1).max(50), ModulePermissionsSchema),
);
export type PermissionsMatrix = z.infer<typeof PermissionsMatrixSchema>;

/** A field's level for a role: `edit` (the default, never stored), `read` (read-only) or `none` (hidden). */
export const FIELD_LEVELS = ['edit', 'read', 'none'] as const;
export type FieldLevel = (typeof FIELD_LEVELS)[number];

/**
 * Roles whose field levels can be restricted. Owners always see and edit
 * every field (someone must be able to repair a mistaken restriction), as do
 * super admins.
 */
export const FIELD_RESTRICTABLE_ROLES = ['admin', 'member'] as const;
export type FieldRestrictableRole = (typeof FIELD_RESTRICTABLE_ROLES)[number];

/**
 * role → module slug → field key → level. A field absent here is `edit`.
 * Kept beside `permissions_matrix` (template key `field_permissions`) rather
 * than inside it: the matrix is keyed by role everywhere it is read (the SPA,
 * the upgrade merge, the validator), and a key that is not a role there
 * would be read as one.
 */
export const FieldPermissionsSchema = z.partialRecord(
  z.enum(FIELD_RESTRICTABLE_ROLES, {
    error: (iss) => `field levels cannot be set for role ${JSON.stringify(iss.input)}; expected one of: ${FIELD_RESTRICTABLE_ROLES.join(', ')} (owners always edit every field)`,
  }),
  z.record(z.string().min(1).max(50), z.record(z.string().min(1).max(63), z.enum(FIELD_LEVELS))),
);
export type FieldPermissions = z.infer<typeof FieldPermissionsSchema>;
