import type { DocumentStore } from '../store/document-store.js';
import type { Services } from '../services/create-services.js';
import type { TaskScheduler } from '../services/workflows/task-scheduler.js';
import type { FileStore } from '../services/files/file-store.js';
import type { JobDriver } from '../services/jobs/job-service.js';
import { instanceConfig, type InstanceConfig } from './instance-config.js';

/**
 * The services of this process, built on first use so that a cold start loads
 * no Firestore client until a request needs one. This is where adapters are
 * chosen (from `instance-config.ts`, the one reader of the environment) and
 * handed to the services as ports.
 *
 * `CRM_STORE=memory` (set only by the embedded runtime and tests) selects the
 * persisted `MemoryStore` under `CRM_DATA_DIR`; anything else is Firestore.
 */
let instance: Promise<Services> | undefined;

export function getInstanceServices(): Promise<Services> {
  instance ??= buildServices(instanceConfig()).catch((error: unknown) => {
    // A failed start (bad configuration, unreachable store) is retried by the next request.
    instance = undefined;
    throw error;
  });
  return instance;
}

async function buildServices(config: InstanceConfig): Promise<Services> {
  const [{ createServices }, { HttpWebhookSender }, store] = await Promise.all([
    import('../services/create-services.js'),
    import('../adapters/http-webhook-sender.js'),
    buildStore(config),
  ]);
  const [scheduler, migrationDriver, files, jobDriver] = await Promise.all([
    buildScheduler(config, store),
    buildMigrationDriver(config),
    buildFileStore(config),
    buildJobDriver(config),
  ]);
  return createServices({
    store,
    files,
    // The embedded runtime holds its data folder's lock: no other process runs its jobs.
    jobs: jobDriver ? { driver: jobDriver } : { exclusive: config.store === 'memory' },
    workflows: { timeZone: config.timeZone, webhookSender: new HttpWebhookSender(), ...(scheduler ? { scheduler } : {}) },
    ...(migrationDriver ? { migrationDriver } : {}),
  });
}

/** Cloud Tasks when deployed against Firestore; otherwise the services' store-backed queue. */
async function buildScheduler(config: InstanceConfig, store: DocumentStore): Promise<TaskScheduler | null> {
  if (config.tasks !== 'cloud') return null;
  const { CloudTasksScheduler } = await import('../adapters/cloud-tasks-scheduler.js');
  return new CloudTasksScheduler({ store, region: config.region });
}

async function buildMigrationDriver(config: InstanceConfig): Promise<Services['ports']['migrationDriver'] | null> {
  if (config.migrations === 'task-queue') {
    const { TaskQueueMigrationDriver } = await import('../adapters/task-queue-migration-driver.js');
    return () => new TaskQueueMigrationDriver({ region: config.region });
  }
  if (config.store === 'memory') {
    // One process owns the embedded store: no other instance can race a migration, so no settle delay.
    const { InlineMigrationDriver } = await import('../services/template-lifecycle/migration-driver.js');
    return (store) => new InlineMigrationDriver(store, { settleMs: 0 });
  }
  return null;
}

async function buildFileStore(config: InstanceConfig): Promise<FileStore> {
  if (config.files === 'local') {
    const [{ LocalFileStore }, { defaultDataDir }, { join }] = await Promise.all([
      import('../adapters/local-file-store.js'),
      import('../runtime/runtime-constants.js'),
      import('node:path'),
    ]);
    return LocalFileStore.open(join(defaultDataDir(), 'files'));
  }
  const { CloudStorageFileStore } = await import('../adapters/cloud-storage-file-store.js');
  return new CloudStorageFileStore();
}

async function buildJobDriver(config: InstanceConfig): Promise<JobDriver | null> {
  if (config.jobs !== 'task-queue') return null;
  const { TaskQueueJobDriver } = await import('../adapters/task-queue-job-driver.js');
  return new TaskQueueJobDriver({ region: config.region });
}

async function buildStore(config: InstanceConfig): Promise<DocumentStore> {
  if (config.store === 'memory') {
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
