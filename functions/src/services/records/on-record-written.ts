import type { DocumentChange } from '../../store/document-store.js';
import type { Services } from '../create-services.js';
import { isTransientError } from '../logging/is-transient-error.js';
import { log } from '../logging/log.js';
import { writeRecordHistory } from './record-history.js';
import { refreshReferrers } from './refresh-referrers.js';
import { refreshFormulaDependents } from '../formulas/formula-dependents.js';
import { onRollupChildWritten } from '../rollups/on-rollup-child-written.js';

/**
 * Reacts to one committed record change (Firestore trigger in production, the
 * store's change feed in the embedded runtime): refreshes denormalized display
 * values, keeps the record's history, runs the tenant's workflows, queues its
 * webhook-subscription deliveries, recomputes formulas that read it and keeps
 * the roll-ups over its module exact (services/rollups).
 *
 * The trigger is deployed with `retry: true`, so a throw here means "deliver
 * this event again". Every part is idempotent per event id (history entries,
 * workflow runs and subscription deliveries are keyed by it; the display
 * refresh re-reads the record), so all of them always run, and then the first
 * transient failure (contention, an unavailable backend) is rethrown for a retry. A permanent failure (a
 * definition that no longer validates, a bug) would fail the same way for the
 * days Cloud Functions retries, so it is logged and the event is done.
 */
export async function onRecordWritten(services: Services, change: DocumentChange): Promise<{ updated: number }> {
  const [refs, history, workflows, subscriptions, formulas, rollups] = await Promise.allSettled([
    refreshReferrers(services, change),
    writeRecordHistory(services.store, change),
    services.workflows.onRecordWritten(change),
    services.webhookSubscriptions.onRecordWritten(change),
    refreshFormulaDependents(services, change),
    onRollupChildWritten(services, change),
  ]);
  const failures = (
    [
      ['display refresh', refs],
      ['history', history],
      ['workflows', workflows],
      ['webhook subscriptions', subscriptions],
      ['formula dependents', formulas],
      ['roll-ups', rollups],
    ] as const
  ).flatMap(([part, outcome]) => (outcome.status === 'rejected' ? [{ part, error: outcome.reason as unknown }] : []));
  const transient = failures.filter((failure) => isTransientError(failure.error));
  for (const failure of failures) {
    const retried = transient.includes(failure);
    log[retried ? 'warn' : 'error'](`record trigger: ${failure.part} failed${retried ? '; the event will be retried' : ''}`, {
      eventId: change.eventId,
      kind: change.kind,
      path: change.path,
      error: failure.error,
    });
  }
  if (transient[0]) throw transient[0].error;
  return refs.status === 'fulfilled' ? refs.value : { updated: 0 };
}
