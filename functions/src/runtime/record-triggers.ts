import type { DocumentChange, DocumentStore } from '../store/document-store.js';
import type { Services } from '../services/create-services.js';

type RecordWrittenHandler = (services: Services, change: DocumentChange) => Promise<unknown>;

/**
 * Where production has a Firestore trigger on `crm_tenants/{t}/records/{r}`,
 * the embedded runtime feeds the store's change feed to the same handler. The
 * handler module is the services' (the trigger in index.ts calls it too); it
 * is loaded by a computed specifier so the runtime still starts while that
 * module does not exist yet, and says so.
 */
export async function connectRecordTriggers(
  services: Services,
  store: DocumentStore,
): Promise<{ connected: boolean; disconnect: () => void }> {
  const handler = await loadRecordWrittenHandler();
  if (!handler) {
    console.log('  (workflows: services/records/on-record-written.ts not found; record changes run no workflows)');
    return { connected: false, disconnect: () => {} };
  }
  const disconnect = store.onChange('records', async (change) => {
    // Only tenant records: another collection named `records` elsewhere is not a CRM record.
    if (!/^crm_tenants\/[^/]+\/records\/[^/]+$/.test(change.path)) return;
    await handler(services, change);
  });
  return { connected: true, disconnect };
}

async function loadRecordWrittenHandler(): Promise<RecordWrittenHandler | null> {
  const specifier = '../services/records/on-record-written.js';
  let module: unknown;
  try {
    module = await import(specifier);
  } catch (error) {
    if (isModuleNotFound(error)) return null;
    throw error;
  }
  const candidate = (module as { onRecordWritten?: unknown }).onRecordWritten;
  if (typeof candidate !== 'function') {
    throw new Error('services/records/on-record-written.ts does not export a function onRecordWritten(services, change).');
  }
  return candidate as RecordWrittenHandler;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(message)) && message.includes('on-record-written');
}
