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
