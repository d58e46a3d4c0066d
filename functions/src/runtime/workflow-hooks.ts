import type { DocumentChange, DocumentStore } from '../store/document-store.js';
import type { Services } from '../services/create-services.js';
import { importOptional } from './optional-module.js';

/** The change-feed subscription that stands in for the deployed `crmOnRecordWritten` trigger. */
export const RECORD_TRIGGER_SUBSCRIPTION = 'crmOnRecordWritten';

type RecordWrittenHandler = (services: Services, change: DocumentChange) => Promise<unknown>;
type LocalTaskRunner = (services: Services) => () => void;

export interface WorkflowHooks {
  /** Record changes reach the workflow handler. */
  readonly triggers: boolean;
  /** Delayed and scheduled workflow tasks run on a local timer. */
  readonly tasks: boolean;
  disconnect(): void;
}

/**
 * Where production has a Firestore trigger on `crm_tenants/{t}/records/{r}`
 * and Cloud Tasks dispatch, the embedded runtime feeds the store's change feed
 * to the same handler and polls the store's task queue with the services' own
 * runner. Both modules belong to the services and are loaded as optional, so
 * the runtime still starts (and says so) while one of them does not exist.
 */
export async function connectWorkflowHooks(services: Services, store: DocumentStore): Promise<WorkflowHooks> {
  const [handler, startTaskRunner] = await Promise.all([
    importOptional('../services/records/on-record-written.js', 'onRecordWritten') as Promise<RecordWrittenHandler | null>,
    importOptional('../adapters/local-task-runner.js', 'startLocalTaskRunner') as Promise<LocalTaskRunner | null>,
  ]);
  if (!handler) console.log('  (workflows: services/records/on-record-written.ts not found; record changes run no workflows)');
  if (!startTaskRunner) console.log('  (workflows: adapters/local-task-runner.ts not found; scheduled actions do not run)');

  const unsubscribe = handler
    ? store.onChange(
        'records',
        async (change) => {
          // Only tenant records: another collection named `records` elsewhere is not a CRM record.
          if (!/^crm_tenants\/[^/]+\/records\/[^/]+$/.test(change.path)) return;
          await handler(services, change);
        },
        // Durable: a change whose handling a crash interrupted is handled again after the restart.
        { subscription: RECORD_TRIGGER_SUBSCRIPTION },
      )
    : () => {};
  const stopTasks = startTaskRunner ? startTaskRunner(services) : () => {};
  return {
    triggers: handler !== null,
    tasks: startTaskRunner !== null,
    disconnect: () => {
      stopTasks();
      unsubscribe();
    },
  };
}
