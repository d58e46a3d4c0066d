import type { DocumentChange } from '../../store/document-store.js';
import type { Services } from '../create-services.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { crmPaths } from '../paths.js';
import { compileModule } from '../records/computed-fields.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import { facetToken } from '../records/record-tokens.js';
import type { PathHop } from '../../engine/paths/resolve-field-path.js';
import { recomputeRecordFormulas } from './recompute-formulas.js';

const RECORD_PATH = /^crm_tenants\/([^/]+)\/records\/([^/]+)$/;

/**
 * Records recomputed inline per record event. A change fanning out further
 * (a doctor with 10,000 appointments through their patients) continues on a
 * `formula-dependents` job, so one event never holds the trigger for long.
 */
export const MAX_INLINE_DEPENDENTS = 50;
/** Referrers read per query while walking a path back. */
const WALK_PAGE = 200;

/** A way back from a changed record to the records whose formulas read it: the hops of a path, up to the changed module. */
export interface DependentRoute {
  readonly module: string;
  readonly hops: readonly PathHop[];
}

/**
 * Which formula paths a change of `after` (in `module`, with `changed` keys)
 * can alter: a path through that module whose next step reads a changed key.
 */
export function routesFor(config: TenantConfig, module: string, changed: ReadonlySet<string>, anyKey: boolean): DependentRoute[] {
  const routes = new Map<string, DependentRoute>();
  for (const candidate of config.modules) {
    const resolved = resolveModule(config, candidate.slug);
    if (!resolved) continue;
    for (const { formula } of compileModule(config, resolved).formulas) {
      for (const ref of formula.references) {
        ref.hops.forEach((hop, index) => {
          if (hop.target !== module) return;
          const next = index === ref.hops.length - 1 ? ref.field : (ref.hops[index + 1] as PathHop).field;
          if (!anyKey && !changed.has(next)) return;
          const hops = ref.hops.slice(0, index + 1);
          routes.set(`${candidate.slug}:${hops.map((step) => `${step.module}.${step.field}`).join('>')}`, { module: candidate.slug, hops });
        });
      }
    }
  }
  return [...routes.values()];
}

function changedKeys(before: StoredRecord, after: StoredRecord): Set<string> {
  const keys = new Set<string>();
  for (const key of new Set([...Object.keys(before.data), ...Object.keys(after.data)])) {
    if (JSON.stringify(before.data[key]) !== JSON.stringify(after.data[key])) keys.add(key);
  }
  if (before.number !== after.number) keys.add('record_number');
  if (before.ownerId !== after.ownerId) keys.add('owner');
  return keys;
}

/**
 * Walks one route back from `ids` (records of the route's last target) to
 * the records of `route.module` that read them, following each hop's
 * relationship facet (`module|f:field=id`, the index every list uses).
 * Stops collecting at `limit`; returns what it found and whether it stopped early.
 */
export async function walkBack(
  services: Pick<Services, 'store'>,
  tenantId: string,
  route: DependentRoute,
  ids: readonly string[],
  limit: number,
): Promise<{ ids: string[]; truncated: boolean }> {
  let current = [...new Set(ids)];
  for (let level = route.hops.length - 1; level >= 0; level -= 1) {
    const hop = route.hops[level] as PathHop;
    const found = new Set<string>();
    const pageSize = Math.min(WALK_PAGE, limit + 1);
    for (const id of current) {
      // Page through every record pointing at `id` (ordered by seq): one page alone would silently drop
      // dependents past WALK_PAGE (a doctor with 2,000 appointments left 1,800 stale; bench-formulas.ts).
      let afterSeq: number | null = null;
      for (;;) {
        const docs = await services.store.query({
          collection: crmPaths.records(tenantId),
          where: [{ field: 'tokens', op: 'array-contains', value: facetToken(hop.module, hop.field, id) }],
          orderBy: [{ field: 'seq', direction: 'asc' }],
          ...(afterSeq !== null ? { startAfter: [afterSeq] } : {}),
          limit: pageSize,
        });
        for (const doc of docs) found.add(doc.id);
        if (found.size > limit) return { ids: [...found].slice(0, limit), truncated: true };
        const last = docs[docs.length - 1];
        if (docs.length < pageSize || !last) break;
        afterSeq = Number(last.data.seq);
      }
    }
    current = [...found];
    if (current.length === 0) break;
  }
  return { ids: current, truncated: false };
}

/**
 * Record handler part: when a record changes, recomputes the formulas of
 * records that read it through a relationship path (any depth up to 5), at
 * most MAX_INLINE_DEPENDENTS inline; the rest continue on a job keyed by the
 * event, so a redelivered event starts nothing twice. A recomputed record
 * whose formula value changed writes, and its own event carries the change
 * further (formulas reading formulas of related records).
 */
export async function refreshFormulaDependents(services: Services, change: DocumentChange): Promise<{ recomputed: number; continued: boolean }> {
  const match = RECORD_PATH.exec(change.path);
  if (!match || (!change.before && !change.after)) return { recomputed: 0, continued: false };
  const [, tenantId = '', recordId = ''] = match;
  const before = change.before ? asStoredRecord(change.before) : null;
  const after = change.after ? asStoredRecord(change.after) : null;
  const record = (after ?? before) as StoredRecord;
  const config = await services.configs.load(tenantId);
  if (!config) return { recomputed: 0, continued: false };
  // Created, deleted or restored: every value it offers appeared or vanished.
  const anyKey = !before || !after || before.deleted !== after.deleted;
  const changed = before && after ? changedKeys(before, after) : new Set<string>();
  if (!anyKey && changed.size === 0) return { recomputed: 0, continued: false };
  const routes = routesFor(config, record.module, changed, anyKey);
  if (routes.length === 0) return { recomputed: 0, continued: false };

  let recomputed = 0;
  let continued = false;
  for (const route of routes) {
    const budget = MAX_INLINE_DEPENDENTS - recomputed;
    const { ids, truncated } = await walkBack(services, tenantId, route, [recordId], Math.max(budget, 0));
    for (const id of ids) if (await recomputeRecordFormulas({ ...services, now: () => new Date() }, tenantId, id, config)) recomputed += 1;
    if (truncated || budget <= 0) {
      continued = true;
      await services.jobs.start({
        tenantId,
        kind: 'formula-dependents',
        module: route.module,
        createdBy: 'system:formulas',
        params: { route, recordId },
        // One job per event and route: a redelivered event finds it already there.
        jobId: `fdep-${hashId(`${change.eventId}|${route.module}|${route.hops.map((hop) => `${hop.module}.${hop.field}`).join('>')}`)}`,
      });
    }
  }
  return { recomputed, continued };
}

function hashId(text: string): string {
  // FNV-1a, twice with different seeds: a short, stable, id-safe name (not a security boundary).
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x85ebca6b) >>> 0;
  }
  return `${a.toString(36)}${b.toString(36)}`;
}
