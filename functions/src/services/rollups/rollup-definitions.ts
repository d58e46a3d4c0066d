import { RollupOptionsSchema, type RollupDefinition } from '../../engine/rollups/rollup-definition.js';
import type { TenantConfig } from '../config/tenant-config.js';

/** The type name of roll-up fields. */
export const ROLLUP_FIELD_TYPE = 'rollup';

/** Every active roll-up field of the tenant, with its options parsed (a field whose options no longer parse is left out). */
export function rollupDefinitionsOf(config: Pick<TenantConfig, 'modules'>): RollupDefinition[] {
  const definitions: RollupDefinition[] = [];
  for (const module of config.modules) {
    for (const field of module.fields) {
      if ((field.type as string) !== ROLLUP_FIELD_TYPE || field.active === false) continue;
      const parsed = RollupOptionsSchema.safeParse(field.options);
      if (parsed.success) definitions.push({ parentModule: module.slug, key: field.key, options: parsed.data });
    }
  }
  return definitions;
}

/** Roll-ups that a change of a `childModule` record can move. */
export function rollupsOverChildModule(config: Pick<TenantConfig, 'modules'>, childModule: string): RollupDefinition[] {
  return rollupDefinitionsOf(config).filter((definition) => definition.options.relationship.module === childModule);
}
