import type { DocumentStore } from '../../store/document-store.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { applyComputedFields, compileModule } from '../records/computed-fields.js';
import { recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { asStoredRecord, recordToWriteData } from '../records/record-model.js';
import { facetToken } from '../records/record-tokens.js';

export interface RecomputeDeps {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly now?: () => Date;
}

/** Records recomputed per transaction page: far below Firestore's 500 writes per commit. */
export const RECOMPUTE_PAGE = 100;

/**
 * Recomputes one record's formulas (and its next due day) in a transaction
 * and writes only when something changed. Validation rules are not checked:
 * a recompute is not a user's save, and a rule added after the record was
 * written must not freeze its formulas. The version is left alone, so a form
 * open on the record still saves (and recomputes again then).
 */
export async function recomputeRecordFormulas(deps: RecomputeDeps, tenantId: string, recordId: string, config?: TenantConfig): Promise<boolean> {
  const loaded = config ?? (await deps.configs.load(tenantId));
  if (!loaded) return false;
  const path = crmPaths.record(tenantId, recordId);
  const now = deps.now?.() ?? new Date();
  return deps.store.runTransaction(async (tx) => {
    const doc = await tx.get(path);
    const current = doc ? asStoredRecord(doc.data) : null;
    const module = current ? resolveModule(loaded, current.module) : null;
    if (!current || !module || current.deleted) return false;
    if (compileModule(loaded, module).formulas.length === 0 && (current.formulaDue ?? null) === null) return false;
    const computed = await applyComputedFields({
      reader: tx,
      tenantId,
      config: loaded,
      module,
      data: current.data,
      meta: { id: recordId, number: current.number, ownerId: current.ownerId, createdBy: current.createdBy, updatedBy: current.updatedBy, createdAt: current.createdAt, updatedAt: current.updatedAt },
      now,
      checkRules: false,
    });
    if (JSON.stringify(computed.data) === JSON.stringify(current.data) && computed.formulaDue === (current.formulaDue ?? null)) return false;
    const index = recordIndexFields({ module, data: computed.data, number: current.number, ownerId: current.ownerId, deleted: false });
    tx.set(path, recordToWriteData(withRecordIndex({ ...current, data: computed.data, formulaDue: computed.formulaDue }, index)));
    return true;
  });
}

export interface RecomputeProgress {
  readonly examined: number;
  readonly changed: number;
  /** Where to continue (the last seq seen); null when the module is done. */
  readonly cursor: number | null;
}

/**
 * One bounded slice of a module-wide recompute (after a formula field is
 * added or changed): pages through the module's records by number and
 * recomputes each. Resumable from `cursor`; re-running a slice is harmless
 * (a record whose values are current is not written).
 */
export async function recomputeModuleSlice(
  deps: RecomputeDeps,
  { tenantId, module, cursor, deadline }: { tenantId: string; module: string; cursor: number | null; deadline: number },
): Promise<RecomputeProgress> {
  const config = await deps.configs.load(tenantId);
  if (!config || !resolveModule(config, module)) return { examined: 0, changed: 0, cursor: null };
  let examined = 0;
  let changed = 0;
  let after = cursor;
  for (;;) {
    const page = await deps.store.query({
      collection: crmPaths.records(tenantId),
      where: [{ field: 'tokens', op: 'array-contains', value: module }],
      orderBy: [{ field: 'seq', direction: 'asc' }],
      ...(after !== null ? { startAfter: [after] } : {}),
      limit: RECOMPUTE_PAGE,
    });
    for (const doc of page) {
      if (await recomputeRecordFormulas(deps, tenantId, doc.id, config)) changed += 1;
      examined += 1;
      after = asStoredRecord(doc.data).seq;
    }
    if (page.length < RECOMPUTE_PAGE) return { examined, changed, cursor: null };
    if (Date.now() >= deadline) return { examined, changed, cursor: after };
  }
}

/** Records of `module` whose relationship `field` points at `targetId` (the facet token a relationship value gets). */
export function pointingAtToken(module: string, field: string, targetId: string): string {
  return facetToken(module, field, targetId);
}
