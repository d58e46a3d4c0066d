import { z } from 'zod';
import {
  FieldDefinitionSchema,
  ModuleDefinitionSchema,
  PermissionsMatrixSchema,
  FieldPermissionsSchema,
  displayFieldFor,
  recordPrefixFor,
  statusFieldFor,
  type FieldDefinition,
  type ModuleDefinition,
} from '../../engine/template/template-schema.js';
import { IndexSlotSchema, type IndexSlot } from '../../engine/template/index-slots.js';

/**
 * A module as the tenant has it: the template's definition plus the tenant's
 * changes, with its fields inline. The whole effective configuration is one
 * document (`crm_tenants/{tenantId}`), so bootstrap is one read and the cache
 * has one thing to invalidate.
 */
export const ModuleConfigSchema = ModuleDefinitionSchema.extend({
  // Stored before icons were checked against the set: still read (the SPA draws a letter tile).
  icon: z.string().min(1).max(64).optional(),
  fields: z.array(FieldDefinitionSchema),
  source: z.enum(['template', 'custom']),
  /** Which index slot holds which indexed field (engine/template/index-slots.ts); assigned by the server. */
  index_slots: z.array(IndexSlotSchema).optional(),
});
export type ModuleConfig = z.infer<typeof ModuleConfigSchema>;

export const TenantConfigSchema = z.object({
  tenantId: z.string(),
  template: z
    .object({ slug: z.string(), version: z.string(), name: z.string() })
    .nullable(),
  selectedAt: z.date().nullable(),
  selectedBy: z.string().nullable(),
  modules: z.array(ModuleConfigSchema),
  permissions: PermissionsMatrixSchema,
  /** Field-level security (engine/permissions/field-access.ts): seeded from the template, edited by admins. */
  fieldPermissions: FieldPermissionsSchema.optional(),
  /** Bumped by every change to `permissions` or `fieldPermissions`; the access version doc mirrors it (config-store.ts). */
  accessRevision: z.number().int().optional(),
  /** IANA zone for "today", "this week"... in dashboards; absent means UTC. */
  timezone: z.string().min(1).max(64).optional(),
  /** The SPA's language for users who have not picked one; absent means English. */
  defaultLanguage: z.enum(['en', 'es']).optional(),
  revision: z.number().int(),
  updatedAt: z.date(),
});
export type TenantConfig = z.infer<typeof TenantConfigSchema>;

/** Derived facts about a module that services need on every record operation. */
export interface ResolvedModule {
  readonly config: ModuleConfig;
  readonly slug: string;
  readonly prefix: string;
  readonly displayField: string | null;
  readonly statusField: string | null;
  readonly fields: readonly FieldDefinition[];
  readonly activeFields: readonly FieldDefinition[];
  readonly slots: readonly IndexSlot[];
  /**
   * Fields hidden from some role, with the roles that may read them: their
   * words go into role-scoped search tokens only (record-tokens.ts), so a
   * search by a role that may not read the field cannot match them.
   */
  readonly searchReaders: ReadonlyMap<string, readonly SearchRole[]>;
}

/** Roles search tokens are scoped to; super admins search as owners. */
export const SEARCH_ROLES = ['owner', 'admin', 'member'] as const;
export type SearchRole = (typeof SEARCH_ROLES)[number];

function searchReadersOf(config: TenantConfig, slug: string): Map<string, SearchRole[]> {
  const readers = new Map<string, SearchRole[]>();
  const levels = config.fieldPermissions ?? {};
  const hiddenFrom = (role: SearchRole, key: string) => role !== 'owner' && levels[role]?.[slug]?.[key] === 'none';
  const keys = new Set(Object.values(levels).flatMap((byModule) => Object.keys(byModule?.[slug] ?? {})));
  for (const key of keys) {
    if (SEARCH_ROLES.some((role) => hiddenFrom(role, key))) readers.set(key, SEARCH_ROLES.filter((role) => !hiddenFrom(role, key)));
  }
  return readers;
}

export function resolveModule(config: TenantConfig, slug: string): ResolvedModule | null {
  const module = config.modules.find((candidate) => candidate.slug === slug);
  if (!module) return null;
  const definition: ModuleDefinition = module;
  return {
    config: module,
    slug,
    prefix: recordPrefixFor(definition),
    displayField: displayFieldFor(definition, module.fields) ?? null,
    statusField: statusFieldFor(definition, module.fields) ?? null,
    fields: module.fields,
    activeFields: module.fields.filter((field) => field.active),
    slots: module.index_slots ?? [],
    searchReaders: searchReadersOf(config, slug),
  };
}

/** The slot an indexed field of the module occupies, or undefined. */
export function slotOf(module: ResolvedModule, fieldKey: string): IndexSlot | undefined {
  return module.slots.find((slot) => slot.field === fieldKey);
}
