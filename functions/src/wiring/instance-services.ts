import type { DocumentStore } from '../store/document-store.js';
import type { Services } from '../services/create-services.js';

/**
 * The services of this process, built on first use so that a cold start loads
 * no Firestore client until a request needs one.
 *
 * `CRM_STORE=memory` (set only by the embedded runtime and tests) selects the
 * persisted `MemoryStore` under `CRM_DATA_DIR`; anything else is Firestore.
 */
let instance: Promise<Services> | undefined;

export function getInstanceServices(): Promise<Services> {
  instance ??= buildServices();
  return instance;
}

async function buildServices(): Promise<Services> {
  const [{ createServices }, store] = await Promise.all([import('../services/create-services.js'), buildStore()]);
  return createServices({ store });
}

async function buildStore(): Promise<DocumentStore> {
  if (process.env.CRM_STORE === 'memory') {
    const { openEmbeddedStore } = await import('./embedded-store.js');
    return openEmbeddedStore();
  }
  const [{ getApps, initializeApp }, { getFirestore }, { FirestoreStore }] = await Promise.all([
    import('firebase-admin/app'),
    import('firebase-admin/firestore'),
    import('../store/firestore/firestore-store.js'),
  ]);
  if (getApps().length === 0) initializeApp();
  return new FirestoreStore(getFirestore());
}
