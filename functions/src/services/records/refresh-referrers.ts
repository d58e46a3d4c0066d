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
 * re-running it on the same change writes nothing new.
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
    const referrers = await services.store.query({
      collection: crmPaths.records(tenantId),
      where: [{ field: 'links', op: 'array-contains', value: referenceToken(recordId) }],
      orderBy: [{ field: '__name__' }],
      ...(cursor ? { startAfter: [cursor] } : {}),
      limit: PAGE,
    });
    const batch = services.store.batch();
    let writes = 0;
    for (const doc of referrers) {
      const referrer = asStoredRecord(doc.data);
      const patch = refreshedRefs(config, referrer, recordId, after);
      if (patch) {
        batch.update(doc.path, patch);
        writes += 1;
      }
    }
    if (writes > 0) await batch.commit();
    updated += writes;
    if (referrers.length < PAGE) return { updated };
    cursor = referrers[referrers.length - 1]?.path ?? null;
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
