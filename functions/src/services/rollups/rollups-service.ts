import { canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord } from '../records/record-model.js';
import { moduleNotFound, recordNotFound } from '../records/records-service.js';
import type { RollupTarget } from './apply-rollup.js';
import { rollupDefinitionsOf } from './rollup-definitions.js';
import { recomputeRollupForParent } from './recompute-rollups.js';

type RollupDeps = Pick<Services, 'store' | 'configs'>;

/** The roll-up fields of `module` (or just `field`), located; refuses a field that is not a roll-up. */
export function rollupTargetsOfParent(config: TenantConfig, moduleSlug: string, field?: string): RollupTarget[] {
  const parentModule = resolveModule(config, moduleSlug);
  if (!parentModule) throw moduleNotFound(moduleSlug);
  const targets = rollupDefinitionsOf(config)
    .filter((definition) => definition.parentModule === moduleSlug && (field === undefined || definition.key === field))
    .map((definition) => ({ tenantId: config.tenantId, definition, parentModule, timeZone: config.timezone ?? 'UTC' }));
  if (field !== undefined && targets.length === 0) {
    throw new CrmError(CRM_ERROR_CODES.notFound, `"${field}" is not a roll-up field of ${moduleSlug}.`, [], {
      messageKey: 'rollupsMerge.errors.notRollup',
      params: { field, module: moduleSlug },
    });
  }
  return targets;
}

export function requireRollupAdmin(caller: Caller): void {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins can recompute roll-ups.', [], { messageKey: 'rollupsMerge.errors.recomputeForbidden' });
  }
}

/** Recomputes the roll-ups of one parent record now (bounded by its children; a module goes through a job). */
export async function recomputeRecordRollups(
  services: RollupDeps,
  caller: Caller,
  input: { module: string; field?: string | undefined; recordId: string },
): Promise<Record<string, unknown>> {
  requireRollupAdmin(caller);
  const config = await services.configs.require(caller.tenantId);
  const targets = rollupTargetsOfParent(config, input.module, input.field);
  const path = crmPaths.record(caller.tenantId, input.recordId);
  const existing = await services.store.get(path);
  if (!existing || asStoredRecord(existing.data).module !== input.module) throw recordNotFound();
  for (const target of targets) await recomputeRollupForParent(services.store, target, input.recordId);
  const doc = await services.store.get(path);
  const data = doc ? asStoredRecord(doc.data).data : {};
  return Object.fromEntries(targets.map((target) => [target.definition.key, data[target.definition.key] ?? null]));
}
