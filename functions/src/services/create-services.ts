import type { DocumentStore } from '../store/document-store.js';
import { ConfigService } from './config/config-service.js';
import { ConfigStore } from './config/config-store.js';
import type { FileStore } from './files/file-store.js';
import { MemoryFileStore } from './files/memory-file-store.js';
import { JobService, type JobServiceOptions } from './jobs/job-service.js';
import { DashboardsService } from './dashboards/dashboards-service.js';
import type { IdentityPort } from './identity/identity-port.js';
import type { MigrationDriver } from './template-lifecycle/migration-driver.js';
import { OsFirestoreIdentity } from './identity/os-firestore-identity.js';
import { NumberAllocator } from './records/number-allocator.js';
import { RecordsService } from './records/records-service.js';
import { TemplateCatalog } from './templates/template-catalog.js';
import { WorkflowService, type WorkflowServiceOptions } from './workflows/workflow-service.js';
import { ApiKeysService } from './integrations/api-keys.js';
import { WebhookSubscriptionsService } from './integrations/webhook-subscriptions.js';

export interface ServiceOptions {
  readonly store: DocumentStore;
  readonly identity?: IdentityPort;
  readonly now?: () => Date;
  readonly configCacheMs?: number;
  /** Workflow ports (task scheduler, mailer, webhook sender) and time zone; defaults suit production and the embedded runtime. */
  readonly workflows?: Partial<Omit<WorkflowServiceOptions, 'store' | 'configs' | 'records' | 'now' | 'deliverSubscription'>>;
  /** Who runs template migrations (the wiring passes the Cloud Tasks driver when deployed); default: in-process. */
  readonly migrationDriver?: (store: DocumentStore) => MigrationDriver;
  /** Where files live (Cloud Storage, the data folder); default: memory (tests). */
  readonly files?: FileStore;
  /** Who runs job slices (Cloud Tasks when deployed; default: this process) and how. */
  readonly jobs?: Omit<JobServiceOptions, 'store' | 'now'>;
}

/** The services of one instance, sharing its caches. Built lazily by the wiring, never at module scope. */
export function createServices(options: ServiceOptions) {
  const { store } = options;
  const nowMs = options.now ? () => options.now!().getTime() : Date.now;
  const configs = new ConfigStore(store, { ttlMs: options.configCacheMs ?? 60_000, now: nowMs });
  const catalog = new TemplateCatalog(store);
  const numbers = new NumberAllocator(store, { now: nowMs });
  const records = new RecordsService({ store, configs, numbers, ...(options.now ? { now: options.now } : {}) });
  // Reindex jobs run on the template lifecycle's migration driver, loaded only when one starts.
  const startReindex = async (job: { tenantId: string; jobId: string }): Promise<void> => {
    const { templateLifecycleFor } = await import('./template-lifecycle/template-lifecycle.js');
    await templateLifecycleFor(services).driver.start(job);
  };
  const jobs = new JobService({ store, ...options.jobs, ...(options.now ? { now: options.now } : {}) });
  const workflows = new WorkflowService({
    store,
    configs,
    records,
    ...options.workflows,
    ...(options.now ? { now: options.now } : {}),
    // Bound late: the subscriptions service needs the workflow service's scheduler, sender and secrets.
    deliverSubscription: (payload, attempt) => webhookSubscriptions.deliver(payload, attempt),
  });
  const webhookSubscriptions: WebhookSubscriptionsService = new WebhookSubscriptionsService({
    store,
    configs,
    records,
    scheduler: workflows.scheduler,
    sender: workflows.sender,
    secrets: workflows.secrets,
    ...(options.now ? { now: options.now } : {}),
  });
  const services = {
    store,
    files: options.files ?? new MemoryFileStore(),
    jobs,
    identity: options.identity ?? new OsFirestoreIdentity(store),
    configs,
    catalog,
    numbers,
    config: new ConfigService({ store, configs, catalog, startReindex, ...(options.now ? { now: options.now } : {}) }),
    records,
    dashboards: new DashboardsService({ store, configs, ...(options.now ? { now: options.now } : {}) }),
    workflows,
    apiKeys: new ApiKeysService({ store, ...(options.now ? { now: options.now } : {}) }),
    webhookSubscriptions,
    /** Adapters chosen by the wiring that features build lazily (template lifecycle). */
    ports: { ...(options.migrationDriver ? { migrationDriver: options.migrationDriver } : {}) } as {
      readonly migrationDriver?: (store: DocumentStore) => MigrationDriver;
    },
    /** The services' clock (a test's fake clock), for jobs that decide by date (the daily formula sweep). */
    now: options.now ?? (() => new Date()),
  };
  jobs.bind(services);
  return services;
}

export type Services = ReturnType<typeof createServices>;
