import type { HttpsError } from 'firebase-functions/v2/https';
import type { DocumentChange } from '../../../store/document-store.js';
import type { MemoryStoreOptions } from '../../../store/memory/memory-store.js';
import { buildTestEnv, type TestUser } from '../../../test-support/build-test-env.js';
import { createServices } from '../../create-services.js';
import { onRecordWritten } from '../../records/on-record-written.js';
import { invokeCallable, type CallableName } from '../../../api/crm-api.js';
import { toHttpsError } from '../../../api/to-https-error.js';
import { StoreTaskScheduler } from '../store-task-scheduler.js';
import { HttpWebhookSender, type HttpWebhookSenderOptions } from '../../../adapters/http-webhook-sender.js';
import type { TRecordResponse } from '../../../api/schemas.js';

export interface WorkflowEnvOptions {
  readonly start?: string;
  readonly timeZone?: string;
  /** Template to select for acme (default hospital); null selects none. */
  readonly template?: string | null;
  /** Emulate Cloud Tasks' 30-day horizon in the store queue (exercises hop tasks). */
  readonly maxDelayMs?: number;
  readonly webhook?: HttpWebhookSenderOptions;
  /** How the record trigger receives changes (default: in order, once; see MemoryStoreOptions). */
  readonly changeFeed?: MemoryStoreOptions['changeFeed'];
}

/**
 * The test env plus workflow wiring as the embedded runtime has it: the
 * store's record change feed drives `onRecordWritten`, a controllable clock
 * drives the store task queue, and webhooks go through the real HTTP sender
 * with an injected resolver (tests never reach outside 127.0.0.1).
 */
export async function buildWorkflowEnv(options: WorkflowEnvOptions = {}) {
  const clock = { now: new Date(options.start ?? '2026-03-01T08:00:00.000Z') };
  const now = () => new Date(clock.now.getTime());
  const base = await buildTestEnv({ now, ...(options.changeFeed ? { changeFeed: options.changeFeed } : {}) });
  const { store, users } = base;
  const scheduler = new StoreTaskScheduler(store, {
    now,
    minBackoffMs: 1_000,
    maxBackoffMs: 60_000,
    ...(options.maxDelayMs ? { maxDelayMs: options.maxDelayMs } : {}),
  });
  const sender = new HttpWebhookSender({
    now,
    timeoutMs: 300,
    resolve: async (host) => {
      throw new Error(`unexpected DNS lookup of ${host} in a test`);
    },
    ...options.webhook,
  });
  const services = createServices({ store, now, workflows: { scheduler, webhookSender: sender, timeZone: options.timeZone ?? 'UTC' } });
  const changes: DocumentChange[] = [];
  const stopFeed = store.onChange('records', async (change) => {
    changes.push(change);
    await onRecordWritten(services, change);
  });
  // Platform profiles, for {{owner.email}}.
  for (const user of Object.values(users)) await store.set(`platform_users/${user.uid}`, { email: `${user.uid}@example.test`, name: user.uid });

  async function call<T = Record<string, unknown>>(user: TestUser | null, name: CallableName, data: unknown): Promise<T> {
    try {
      const result = (await invokeCallable(services, name, { data, auth: user?.claims ?? null })) as T;
      await settle();
      return result;
    } catch (error) {
      throw toHttpsError(error);
    }
  }

  async function callError(user: TestUser | null, name: CallableName, data: unknown): Promise<HttpsError> {
    try {
      await call(user, name, data);
    } catch (error) {
      return error as HttpsError;
    }
    throw new Error(`${name} succeeded but was expected to fail`);
  }

  /** Waits until every change (and every change those caused) went through the workflow handler. */
  async function settle(): Promise<void> {
    await store.whenIdle();
  }

  /** Moves the clock and runs what the task queue has due, as the local runner would. */
  async function advanceTo(instant: Date | string): Promise<void> {
    clock.now = new Date(instant);
    await services.workflows.runDueTasks(now());
    await settle();
  }

  async function advanceBy(ms: number): Promise<void> {
    await advanceTo(new Date(clock.now.getTime() + ms));
  }

  async function create(module: string, data: Record<string, unknown>, user: TestUser = users.acmeOwner) {
    return (await call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module, data })).record;
  }

  async function update(recordId: string, data: Record<string, unknown>, user: TestUser = users.acmeOwner) {
    const current = (await call<TRecordResponse>(user, 'crmGetRecord', { tenantId: 'acme', recordId })).record;
    return (await call<TRecordResponse>(user, 'crmUpdateRecord', { tenantId: 'acme', recordId, expectedVersion: current.version, data })).record;
  }

  async function outbox() {
    const docs = await store.query({ collection: 'mail' });
    return docs.map((doc) => ({ id: doc.id, ...(doc.data as { to: string[]; message: { subject: string; html: string; text: string } }) }));
  }

  async function logs(workflowId?: string) {
    const docs = await store.query({ collection: 'crm_tenants/acme/workflow_logs' });
    const all: Array<Record<string, unknown>> = docs.map((doc) => ({ id: doc.id, ...doc.data }));
    return all.filter((log) => !workflowId || log.workflowId === workflowId);
  }

  if (options.template !== null) await call(users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: options.template ?? 'hospital' });

  return { ...base, services, scheduler, clock, changes, call, callError, settle, advanceTo, advanceBy, create, update, outbox, logs, stopFeed };
}

export type WorkflowEnv = Awaited<ReturnType<typeof buildWorkflowEnv>>;

export function buildDefinition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Test workflow',
    trigger_type: 'record_created',
    actions: [{ type: 'send_email', to: '{{data.email}}', subject: 'Hello {{data.full_name}}', body: 'Hi {{data.full_name}}' }],
    ...overrides,
  };
}
