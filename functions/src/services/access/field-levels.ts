import type { Actor } from '../../engine/permissions/evaluate-permission.js';
import type { TenantConfig } from '../config/tenant-config.js';
import { fieldAccessFor } from './field-security.js';

/** The caller's restricted fields per module, for the SPA to hide or lock them (the server enforces them anyway). */
export function fieldLevelsFor(actor: Actor, config: TenantConfig): Record<string, Record<string, 'read' | 'none'>> {
  const access = fieldAccessFor(actor, config);
  if (access.unrestricted) return {};
  const out: Record<string, Record<string, 'read' | 'none'>> = {};
  for (const module of config.modules) {
    for (const field of module.fields) {
      const level = access.level(module.slug, field.key);
      if (level !== 'edit') (out[module.slug] ??= {})[field.key] = level;
    }
  }
  return out;
}

/**
 * The configuration without the fields hidden from the caller, so lists,
 * forms, filters and detail pages never offer them. Owners and super admins
 * get it whole; the permission editor reads the whole field list through
 * crmGetAccessSettings.
 */
export function configVisibleTo(actor: Actor, config: TenantConfig): TenantConfig {
  const access = fieldAccessFor(actor, config);
  if (access.unrestricted) return config;
  return {
    ...config,
    modules: config.modules.map((module) => ({ ...module, fields: module.fields.filter((field) => access.canRead(module.slug, field.key)) })),
  };
}
