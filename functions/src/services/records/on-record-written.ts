import type { DocumentChange } from '../../store/document-store.js';
import type { Services } from '../create-services.js';
import { writeRecordHistory } from './record-history.js';
import { refreshReferrers } from './refresh-referrers.js';
import type { RecordChangeResult } from '../workflows/workflow-runner.js';

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
