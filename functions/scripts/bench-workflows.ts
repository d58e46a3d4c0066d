/**
 * Workflow automation figures for `npm run bench` (called from bench.ts) or
 * alone: `npx tsx scripts/bench-workflows.ts`.
 *
 * Firestore reads/writes per processed record event with W matching
 * workflows, on MemoryStore's billing meter, caches warm (definitions and
 * config are cached per instance, so an event reads no definitions), and the
 * events per second one instance processes through the handler.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { DocumentChange, DocumentData, MeterReading } from '../src/store/document-store.js';
import { buildTestEnv } from '../src/test-support/build-test-env.js';
import { buildPatient } from '../src/test-support/record-fixtures.js';
import { createServices, type Services } from '../src/services/create-services.js';
import { onRecordWritten } from '../src/services/records/on-record-written.js';
import { StoreTaskScheduler } from '../src/services/workflows/store-task-scheduler.js';
import { HttpWebhookSender } from '../src/adapters/http-webhook-sender.js';
import { fieldValue } from '../src/store/document-store.js';
import type { Caller } from '../src/services/caller.js';
import type { TRecordResponse } from '../src/api/schemas.js';

const ADMIN: Caller = { uid: 'acme-owner', tenantId: 'acme', tenantName: 'Acme Clinic', role: 'owner', platformRole: null };

type ActionKind = 'send_email' | 'create_task' | 'update_field' | 'webhook';

function actionOf(kind: ActionKind, index: number): Record<string, unknown> {
  switch (kind) {
    case 'send_email':
      return { type: 'send_email', to: '{{data.email}}', subject: 'Update {{record.number}} ({{tenant.name}})', body: 'Hi {{data.full_name}}' };
    case 'create_task':
      return { type: 'create_task', title: 'Call {{data.full_name}}', due_in_days: 1 };
    case 'update_field':
      return { type: 'update_field', field: 'allergies', value: `checked-${index}` };
    case 'webhook':
      return { type: 'webhook', url: 'https://hooks.example.com/crm' };
  }
}

async function setUp(workflows: number, kind: ActionKind) {
  const env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  const now = () => new Date();
  const services = createServices({
    store: env.store,
    workflows: {
      scheduler: new StoreTaskScheduler(env.store, { now }),
      // No DNS in the bench: the save-time SSRF check sees a public address. Deliveries are not run here.
      webhookSender: new HttpWebhookSender({ resolve: async () => ['93.184.216.34'] }),
      timeZone: 'UTC',
    },
  });
  for (const existing of await services.workflows.list(ADMIN)) await services.workflows.remove(ADMIN, existing.id);
  for (let i = 0; i < workflows; i += 1) {
    await services.workflows.save(ADMIN, {
      module: 'patients',
      definition: { name: `W${i}`, trigger_type: 'record_updated', trigger_conditions: { field: 'status', operator: 'in', value: ['New', 'Active'] }, actions: [actionOf(kind, i)] },
    });
  }
  const patient = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient() })).record;
  const doc = await env.store.get(`crm_tenants/acme/records/${patient.id}`);
  return { env, services, path: doc!.path, data: doc!.data };
}

/** An update event of the record (a phone change), with a fresh event id each time. */
function updateEvent(path: string, data: DocumentData, n: number): DocumentChange {
  const record = data as { data: Record<string, unknown> };
  return {
    eventId: `bench-${n}`,
    kind: 'updated',
    path,
    before: data,
    after: { ...data, data: { ...record.data, phone: `+1 555 ${String(1000 + (n % 9000))}` } } as DocumentData,
    time: new Date(),
  };
}

async function costPerEvent(workflows: number, kind: ActionKind): Promise<{ workflowHandler: MeterReading; wholeTrigger: MeterReading }> {
  const { env, services, path, data } = await setUp(workflows, kind);
  // Warm the instance caches (config, definitions, tenant name) with one event.
  await services.workflows.onRecordWritten(updateEvent(path, data, 0));
  // update_field writes only when the value differs: undo the warm-up's write so the measured event really writes.
  const reset = async () => env.store.update(path, { 'data.allergies': fieldValue.delete() });
  await reset();
  env.store.meter.reset();
  await services.workflows.onRecordWritten(updateEvent(path, data, 1));
  const workflowHandler = env.store.meter.read();
  await reset();
  env.store.meter.reset();
  await onRecordWritten(services as Services, updateEvent(path, data, 2));
  const wholeTrigger = env.store.meter.read();
  return { workflowHandler, wholeTrigger };
}

async function throughput(workflows: number, events: number): Promise<{ events: number; ms: number; eventsPerSecond: number }> {
  const { services, path, data } = await setUp(workflows, 'send_email');
  await services.workflows.onRecordWritten(updateEvent(path, data, 0));
  const started = performance.now();
  for (let n = 1; n <= events; n += 1) await onRecordWritten(services, updateEvent(path, data, n));
  const ms = performance.now() - started;
  return { events, ms: Math.round(ms), eventsPerSecond: Math.round(events / (ms / 1000)) };
}

export async function benchWorkflows(): Promise<Record<string, unknown>> {
  const perEvent: Record<string, unknown> = {};
  for (const w of [0, 1, 3, 10]) {
    const { workflowHandler, wholeTrigger } = await costPerEvent(w, 'send_email');
    perEvent[`W=${w}`] = { workflowHandler, wholeTrigger };
  }
  const perAction: Record<string, MeterReading> = {};
  for (const kind of ['send_email', 'create_task', 'update_field', 'webhook'] as const) {
    perAction[kind] = (await costPerEvent(1, kind)).workflowHandler;
  }
  return {
    what: 'Firestore billing per processed record update event with W matching workflows (each: one send_email), instance caches warm',
    readsWritesPerEvent: perEvent,
    model:
      'workflow handler: 0 reads for definitions/config (per-instance cache, invalidated on local writes and config revision, TTL 60 s); ' +
      'per matching workflow: 1 write to claim the run log (idempotency key) + its actions + 1 write to finish the log; ' +
      'related records: 1 read each when a condition or placeholder follows a relationship. wholeTrigger adds the display-value refresh query (1 read).',
    oneWorkflowByAction: perAction,
    actionNotes:
      'send_email: 1 mail doc; create_task: 1 task doc; update_field: 1 read + 1 write in a transaction (and the event it causes); ' +
      'webhook: 1 queue write here (store queue) — with Cloud Tasks that is an API call, not a Firestore write — plus 1 read + 1 write to merge the delivery into the log',
    throughput: {
      'W=1': await throughput(1, 2_000),
      'W=3': await throughput(3, 1_000),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  console.log(JSON.stringify(await benchWorkflows(), null, 2));
  console.error(`bench-workflows: ${Math.round((performance.now() - started) / 1000)} s`);
}
