import type { DocumentChange, DocumentData } from '../../store/document-store.js';
import { contributionOf } from '../../engine/rollups/rollup-aggregate.js';
import type { RollupDefinition } from '../../engine/rollups/rollup-definition.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import type { DocumentStore } from '../../store/document-store.js';
import { asStoredRecord } from '../records/record-model.js';
import { applyChildToRollups, type ApplyOutcome, type RollupTarget } from './apply-rollup.js';
import { rollupsOverChildModule } from './rollup-definitions.js';

const RECORD_PATH = /^crm_tenants\/([^/]+)\/records\/([^/]+)$/;

/**
 * The record trigger's roll-up step: for each roll-up over the changed
 * record's module whose contribution this change can move, one transaction
 * (applyChildToRollup). An edit that touches neither the relationship, the
 * aggregated field nor the filter's fields costs nothing: no read, no write.
 */
export async function onRollupChildWritten(
  deps: { readonly store: DocumentStore; readonly configs: ConfigStore },
  change: DocumentChange,
): Promise<ApplyOutcome> {
  const match = RECORD_PATH.exec(change.path);
  if (!match) return { parentWrites: 0, contributionWrites: 0 };
  const [, tenantId = ''] = match;
  const module = moduleOf(change.after) ?? moduleOf(change.before);
  if (!module) return { parentWrites: 0, contributionWrites: 0 };
  const config = await deps.configs.load(tenantId);
  if (!config) return { parentWrites: 0, contributionWrites: 0 };
  return applyRollupTargets(deps.store, rollupTargets(config, module), change);
}

/** The roll-up step for given targets (the handler's, or a bench's and a test's own). */
export async function applyRollupTargets(store: DocumentStore, targets: readonly RollupTarget[], change: DocumentChange): Promise<ApplyOutcome> {
  const childId = RECORD_PATH.exec(change.path)?.[2];
  const moving = targets.filter((candidate) => eventCanMove(candidate, change));
  if (!childId || moving.length === 0) return { parentWrites: 0, contributionWrites: 0 };
  // One transaction for all of them: each parent is written once per child write.
  return applyChildToRollups(store, moving, childId);
}

/** The roll-ups over `childModule`, located in the tenant's configuration. */
export function rollupTargets(config: TenantConfig, childModule: string): RollupTarget[] {
  return rollupsOverChildModule(config, childModule).flatMap((definition) => {
    const parentModule = resolveModule(config, definition.parentModule);
    return parentModule ? [{ tenantId: config.tenantId, definition, parentModule, timeZone: config.timezone ?? 'UTC' }] : [];
  });
}

/**
 * Whether the change's own before and after contribute differently. If they
 * do not, this write did not move the roll-up, and whichever write did has
 * its own event that brings the contribution to the child's current state.
 */
function eventCanMove(target: RollupTarget, change: DocumentChange): boolean {
  const of = (data: DocumentData | null) => contributionOf({ options: target.definition.options, child: data ? asStoredRecord(data) : null, timeZone: target.timeZone });
  const before = of(change.before);
  const after = of(change.after);
  return before.parentId !== after.parentId || before.value !== after.value;
}

function moduleOf(data: DocumentData | null): string | null {
  return data && typeof data.module === 'string' ? data.module : null;
}

export type { RollupDefinition };
