import type { DocumentChange } from '../../store/document-store.js';
import type { Services } from '../create-services.js';
import { crmPaths } from '../paths.js';
import { resolveModule } from '../config/tenant-config.js';
import { asStoredRecord, displayValueOf, type StoredRecord } from './record-model.js';
import { writeRecordHistory } from './record-history.js';
import { referenceToken } from './record-tokens.js';
import type { RecordChangeResult } from '../workflows/workflow-runner.js';

const RECORD_PATH = /^crm_tenants\/([^/]+)\/records\/([^/]+)$/;
const PAGE = 200;

/**
 * Reacts to one committed record change (Firestore trigger in production, the
 * store's change feed in the embedded runtime): refreshes denormalized display
 * values, keeps the record's history and runs the tenant's workflows. All are
 * idempotent per change, and none can affect the write that caused it or each
 * other: a history or workflow failure is logged here (workflows also in their
 * run log), never thrown at the refresh.
 */
export async function onRecordWritten(
  services: Services,
  change: DocumentChange,
): Promise<{ updated: number }> {
  const [refs] = await Promise.all([
    refreshReferrers(services, change),
    writeRecordHistory(services.store, change).catch((error: unknown): null => {
      console.error(`history failed for ${change.kind} ${change.path} (event ${change.eventId}):`, error);
      return null;
    }),
    services.workflows.onRecordWritten(change).catch((error: unknown): RecordChangeResult | null => {
      console.error(`workflows failed for ${change.kind} ${change.path} (event ${change.eventId}):`, error);
      return null;
    }),
  ]);
  return refs;
}

/**
 * Keeps the denormalized display values of records that point at the changed
 * one up to date, so lists never need a read per relationship. Idempotent:
 * re-running it on the same change writes nothing new.
 */
async function refreshReferrers(services: Services, change: DocumentChange): Promise<{ updated: number }> {
  const match = RECORD_PATH.exec(change.path);
  if (!match || !change.before || !change.after) return { updated: 0 };
  const [, tenantId = '', recordId = ''] = match;
  const before = asStoredRecord(change.before);
  const after = asStoredRecord(change.after);
  if (JSON.stringify(before.data) === JSON.stringify(after.data) && before.deleted === after.deleted) return { updated: 0 };
  const config = await services.configs.load(tenantId);
  if (!config) return { updated: 0 };

  let updated = 0;
  let cursor: string | null = null;
  for (;;) {
    const referrers = await services.store.query({
      collection: crmPaths.records(tenantId),
      where: [{ field: 'tokens', op: 'array-contains', value: referenceToken(recordId) }],
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

function refreshedRefs(
  config: NonNullable<Awaited<ReturnType<Services['configs']['load']>>>,
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
