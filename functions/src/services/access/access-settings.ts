import { canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import { TENANT_ROLES, type FieldPermissions, type PermissionsMatrix } from '../../engine/template/template-schema.js';
import type { Caller } from '../caller.js';
import type { LocalizedText } from '../../engine/template/localized-text.js';
import type { ConfigService } from '../config/config-service.js';
import type { ConfigStore } from '../config/config-store.js';
import type { TenantConfig } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES, invalidInput, type FieldIssue } from '../errors.js';

export interface AccessSettings {
  readonly matrix: PermissionsMatrix;
  readonly fieldPermissions: FieldPermissions;
  /** The configuration revision these settings were read at; pass it back to save. */
  readonly revision: number;
  /** Every module and field, hidden ones included (the editor sets their levels). */
  readonly modules: Array<{ slug: string; label: LocalizedText; fields: Array<{ key: string; label: LocalizedText; type: string; active: boolean }> }>;
}

export async function getAccessSettings(configs: ConfigStore, caller: Caller): Promise<AccessSettings> {
  requireAccessManager(caller);
  const config = await configs.require(caller.tenantId);
  return toAccessSettings(config);
}

/**
 * Saves the role × module matrix and the field levels together, as one
 * configuration change (validated like a template, audited, and stamped so
 * every instance applies it on the next call: config-store.ts refreshAccess).
 * Refused when the configuration changed since `expectedRevision`, and when
 * it would lock every admin out of a module (see lockoutIssues).
 */
export async function saveAccessSettings(
  config: ConfigService,
  caller: Caller,
  input: { matrix: PermissionsMatrix; fieldPermissions: FieldPermissions; expectedRevision: number },
): Promise<AccessSettings> {
  requireAccessManager(caller);
  const saved = await config.mutate(caller, { kind: 'permissions', action: 'permissions.updated', module: null, id: null }, (current) => {
    if (current.revision !== input.expectedRevision) {
      throw new CrmError(CRM_ERROR_CODES.versionConflict, 'The permissions were changed by someone else since you opened them. Reload and apply your changes again.', [], {
        messageKey: 'access.errors.changedElsewhere',
      });
    }
    const issues = lockoutIssues(current, input.matrix);
    if (issues.length > 0) throw invalidInput(issues, undefined, { messageKey: 'access.errors.lockout' });
    return { ...current, permissions: input.matrix, fieldPermissions: withoutEditLevels(input.fieldPermissions) };
  });
  return toAccessSettings(saved);
}

/**
 * Owners and admins must keep every right on every module between them:
 * they repair mistakes, and a matrix that shuts both out of a module would
 * leave its records unmanageable from the CRM.
 */
export function lockoutIssues(config: TenantConfig, matrix: PermissionsMatrix): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const module of config.modules) {
    const full = (['owner', 'admin'] as const).some((role) => matrix[role]?.[module.slug]?.includes('*'));
    if (!full) {
      issues.push({
        path: `matrix.owner.${module.slug}`,
        message: `owners or admins must keep every right ("*") on ${module.slug}`,
        messageKey: 'access.errors.lockoutModule',
        params: { module: module.slug },
      });
    }
  }
  for (const role of Object.keys(matrix)) {
    if (!(TENANT_ROLES as readonly string[]).includes(role)) issues.push({ path: `matrix.${role}`, message: 'is not a role' });
  }
  return issues;
}

function withoutEditLevels(levels: FieldPermissions): FieldPermissions {
  const out: Record<string, Record<string, Record<string, 'read' | 'none'>>> = {};
  for (const [role, byModule] of Object.entries(levels)) {
    for (const [module, byField] of Object.entries(byModule ?? {})) {
      for (const [field, level] of Object.entries(byField)) {
        if (level !== 'edit') ((out[role] ??= {})[module] ??= {})[field] = level;
      }
    }
  }
  return out as FieldPermissions;
}

function toAccessSettings(config: TenantConfig): AccessSettings {
  return {
    matrix: config.permissions,
    fieldPermissions: config.fieldPermissions ?? {},
    revision: config.revision,
    modules: config.modules.map((module) => ({
      slug: module.slug,
      label: module.label,
      fields: module.fields.map((field) => ({ key: field.key, label: field.label, type: field.type, active: field.active })),
    })),
  };
}

function requireAccessManager(caller: Caller): void {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins of this tenant can change who may see and do what.');
  }
}
