import type { Services } from '../create-services.js';
import { crmPaths } from '../paths.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import type { DocumentChange } from '../../store/document-store.js';
import { asStoredRecord, displayValueOf, type StoredRecord } from './record-model.js';
import { referenceToken } from './record-tokens.js';

const RECORD_PATH = /^crm_tenants\/([^/]+)\/records\/([^/]+)$/;
const PAGE = 200;

/**
 * Keeps the denormalized display values of records that point at the changed
 * one up to date, so lists never need a read per relationship. Idempotent:
 * re-running it on the same change writes nothing new. The event only says
 * whether a displayed value changed; the value written is re-read (below).
 */
export async function refreshReferrers(services: Services, change: DocumentChange): Promise<{ updated: number }> {
  const match = RECORD_PATH.exec(change.path);
  if (!match || !change.before || !change.after) return { updated: 0 };
  const [, tenantId = '', recordId = ''] = match;
  const before = asStoredRecord(change.before);
  const after = asStoredRecord(change.after);
  const config = await services.configs.load(tenantId);
  if (!config) return { updated: 0 };
  // Only a change to a value some relationship field displays can make a referrer stale;
  // anything else (a status, a note) must not cost a query over every referrer.
  const shown = displayedFields(config, after.module);
  if (!shown.some((key) => JSON.stringify(before.data[key]) !== JSON.stringify(after.data[key]))) return { updated: 0 };

  let updated = 0;
  let cursor: string | null = null;
  for (;;) {
    // Triggers arrive out of order and concurrently, so the event's `after` may
    // already be stale: each page re-reads the renamed record in the same
    // transaction that writes its referrers. A newer rename that commits in
    // between aborts and retries the page, so the last writer always shows the
    // current name, whatever order the events came in.
    const page = await services.store.runTransaction(async (tx) => {
      const [current] = await tx.getAll([change.path]);
      const referrers = await tx.query({
        collection: crmPaths.records(tenantId),
        where: [{ field: 'links', op: 'array-contains', value: referenceToken(recordId) }],
        orderBy: [{ field: '__name__' }],
        ...(cursor ? { startAfter: [cursor] } : {}),
        limit: PAGE,
      });
      // Deleted since: the delete's own event decides what referrers show.
      if (!current) return { writes: 0, size: 0, last: null };
      const target = asStoredRecord(current.data);
      let writes = 0;
      for (const doc of referrers) {
        const patch = refreshedRefs(config, asStoredRecord(doc.data), recordId, target);
        if (patch) {
          tx.update(doc.path, patch);
          writes += 1;
        }
      }
      return { writes, size: referrers.length, last: referrers[referrers.length - 1]?.path ?? null };
    });
    updated += page.writes;
    if (page.size < PAGE || page.last === null) return { updated };
    cursor = page.last;
  }
}

/** Keys of `module`'s fields that relationship fields (in any module) show as the related record's name. */
function displayedFields(config: TenantConfig, module: string): string[] {
  const keys = new Set<string>();
  for (const candidate of config.modules) {
    for (const field of candidate.fields) {
      const options = field.type === 'relationship' ? (field.options as { related_module?: string; display_field?: string } | undefined) : undefined;
      if (options?.related_module === module && options.display_field) keys.add(options.display_field);
    }
  }
  return [...keys];
}

function refreshedRefs(
  config: TenantConfig,
  referrer: StoredRecord,
  targetId: string,
  target: StoredRecord,
): Record<string, string | null> | null {
  const module = resolveModule(config, referrer.module);
  if (!module) return null;
  const patch: Record<string, string | null> = {};
  for (const field of module.fields) {
    if (field.type !== 'relationship' || referrer.data[field.key] !== targetId) continue;
    const options = field.options as { display_field?: string } | undefined;
    const display = displayValueOf(target.data[options?.display_field ?? '']) ?? target.number;
    if (referrer.refs[field.key]?.display !== display) patch[`refs.${field.key}.display`] = display;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}
