import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import { log } from '../services/logging/log.js';
import { loadOnce, warmUpInDeployedInstance } from './load-once.js';

export const loadTriggerHandler = loadOnce(async () => {
  const [{ onRecordWritten }, { toDocumentChange }, { getInstanceServices }] = await Promise.all([
    import('../services/records/on-record-written.js'),
    import('../api/workflow-wiring.js'),
    import('./instance-services.js'),
  ]);
  return { onRecordWritten, toDocumentChange, services: await getInstanceServices() };
});

warmUpInDeployedInstance(loadTriggerHandler);

/**
 * Redeliveries of an event older than this are dropped (and logged): with
 * `retry: true` Cloud Functions keeps retrying a failing event for up to a
 * day, and a workflow e-mail about a change hours old is noise, not value.
 */
export const MAX_EVENT_AGE_MS = 60 * 60_000;

/**
 * The record trigger: display-value refresh, history and workflows
 * (services/records/on-record-written.ts). `retry: true` because the handler
 * rethrows transient failures and every side effect is idempotent per event
 * id; without it one transient error loses a workflow run for good.
 */
export const crmOnRecordWritten = onDocumentWritten(
  { document: 'crm_tenants/{tenantId}/records/{recordId}', retry: true },
  async (event) => {
    const age = Date.now() - Date.parse(event.time);
    if (age > MAX_EVENT_AGE_MS) {
      log.error('record trigger: event too old to retry any more; dropped', { eventId: event.id, document: event.document, ageMs: age });
      return;
    }
    const { onRecordWritten, toDocumentChange, services } = await loadTriggerHandler();
    await onRecordWritten(services, toDocumentChange(event));
  },
);
