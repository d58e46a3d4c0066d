import { z } from 'zod';
import {
  FieldDefinitionSchema,
  ModuleDefinitionSchema,
  PermissionsMatrixSchema,
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
  };
}

/** The slot an indexed field of the module occupies, or undefined. */
export function slotOf(module: ResolvedModule, fieldKey: string): IndexSlot | undefined {
  return module.slots.find((slot) => slot.field === fieldKey);
}
