import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import { buildWorkflowEnv, type WorkflowEnv } from '../workflows/test-support/build-workflow-env.js';
import { startLocalTaskRunner } from '../../adapters/local-task-runner.js';
import type { TDeliveryView, TListWebhookDeliveriesResponse, TWebhookSubscriptionResponse } from '../../api/integrations-schemas.js';
import type { TAccessSettingsResponse } from '../../api/access-schemas.js';

type Hit = { headers: IncomingHttpHeaders; body: string };

let server: Server | undefined;
const stops: Array<() => void> = [];

/** A receiver on 127.0.0.1; the sender reaches it only through its test-only allowlist. */
async function startReceiver(status: () => number = () => 204): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm-events`, hits };
}

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function subscribe(env: WorkflowEnv, subscription: Record<string, unknown>) {
  return (await env.call<TWebhookSubscriptionResponse>(env.users.acmeAdmin, 'crmCreateWebhookSubscription', { tenantId: 'acme', subscription })).subscription;
}

async function deliveries(env: WorkflowEnv, subscriptionId: string): Promise<TDeliveryView[]> {
  return (await env.call<TListWebhookDeliveriesResponse>(env.users.acmeAdmin, 'crmListWebhookDeliveries', { tenantId: 'acme', subscriptionId })).deliveries;
}

const localEnv = () => buildWorkflowEnv({ webhook: { allowAddresses: ['127.0.0.1'], timeoutMs: 2_000 } });

describe('webhook subscriptions', () => {
  it('delivers a record event signed with the subscription\'s secret and logs it', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    const subscription = await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created'] });
    expect(subscription.role).toBe('admin');
    const patient = await env.create('patients', buildPatient());
    expect(receiver.hits).toHaveLength(0); // queued by the trigger, sent by the task queue
    await env.advanceBy(0);
    expect(receiver.hits).toHaveLength(1);
    const hit = receiver.hits[0]!;
    const body = JSON.parse(hit.body) as { event: string; subscriptionId: string; record: { id: string; data: Record<string, unknown> } };
    expect(body).toMatchObject({ event: 'record.created', subscriptionId: subscription.id, record: { id: patient.id, data: { full_name: 'Ada Lovelace' } } });
    const { secret } = await env.call<{ secret: string }>(env.users.acmeAdmin, 'crmRevealWebhookSecret', { tenantId: 'acme', secretRef: subscription.secretRef });
    const signature = String(hit.headers['x-crm-signature']);
    const timestamp = /t=(\d+)/.exec(signature)?.[1];
    expect(signature).toBe(`t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${hit.body}`).digest('hex')}`);
    const [delivery] = await deliveries(env, subscription.id);
    expect(delivery).toMatchObject({ status: 'success', attempts: 1, httpStatus: 204, event: 'created', recordId: patient.id });
  });

  it('sends only the chosen events of the chosen modules', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    const subscription = await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['deleted', 'restored'] });
    const patient = await env.create('patients', buildPatient());
    await env.update(patient.id, { full_name: 'Changed' });
    await env.create('doctors', buildDoctor());
    await env.advanceBy(0);
    expect(receiver.hits).toHaveLength(0);
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: patient.id });
    await env.call(env.users.acmeOwner, 'crmRestoreRecord', { tenantId: 'acme', recordId: patient.id });
    await env.advanceBy(0);
    expect(receiver.hits.map((hit) => (JSON.parse(hit.body) as { event: string }).event).sort()).toEqual(['record.deleted', 'record.restored']);
    expect((await deliveries(env, subscription.id)).map((d) => d.status)).toEqual(['success', 'success']);
  });

  it('filters with a workflow condition', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created', 'updated'], condition: { field: 'status', operator: 'equals', value: 'Active' } });
    await env.create('patients', buildPatient({ patient_id: 'P-1', status: 'New' }));
    const active = await env.create('patients', buildPatient({ patient_id: 'P-2', status: 'Active' }));
    await env.advanceBy(0);
    expect(receiver.hits.map((hit) => (JSON.parse(hit.body) as { record: { id: string } }).record.id)).toEqual([active.id]);
  });

  it('refuses a malformed condition and an unknown module', async () => {
    const env = await localEnv();
    const error = await env.callError(env.users.acmeAdmin, 'crmCreateWebhookSubscription', {
      tenantId: 'acme',
      subscription: { url: 'http://127.0.0.1:9/x', modules: ['spaceships'], events: ['created'], condition: { field: 'status', operator: 'resembles' } },
    });
    expect(error.code).toBe('invalid-argument');
    const paths = (error.details as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path);
    expect(paths).toContain('modules[0]');
    expect(paths.some((path) => path.startsWith('condition'))).toBe(true);
  });

  it('shapes the payload with the subscription\'s role: nothing the role cannot read leaves', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    // Members read medical records only when they own them; a webhook owns none.
    await subscribe(env, { url: receiver.url, modules: ['medical_records', 'patients'], events: ['created'], role: 'member' });
    const patient = await env.create('patients', buildPatient());
    await env.create('medical_records', { title: 'Biopsy', record_type: 'Lab Result', patient: patient.id, visit_date: '2026-02-01', diagnosis: 'Confidential' });
    await env.advanceBy(0);
    expect(receiver.hits.map((hit) => (JSON.parse(hit.body) as { module: string }).module)).toEqual(['patients']);
  });

  it('leaves out fields hidden from the subscription\'s role (field-level security), default admin sees them', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme',
      matrix: settings.matrix,
      fieldPermissions: { member: { patients: { insurance_provider: 'none' } } },
      expectedRevision: settings.revision,
    });
    const asMember = await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created'], role: 'member' });
    const asAdmin = await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created'] });
    await env.create('patients', buildPatient({ insurance_provider: 'Zyxcorp Mutual' }));
    await env.advanceBy(0);
    const bodies = receiver.hits.map((hit) => JSON.parse(hit.body) as { subscriptionId: string; record: { data: Record<string, unknown> } });
    expect(bodies).toHaveLength(2);
    expect(bodies.find((body) => body.subscriptionId === asMember.id)?.record.data.insurance_provider).toBeUndefined();
    expect(JSON.stringify(bodies.find((body) => body.subscriptionId === asMember.id))).not.toContain('Zyxcorp');
    expect(bodies.find((body) => body.subscriptionId === asAdmin.id)?.record.data.insurance_provider).toBe('Zyxcorp Mutual');
  });

  it('creating, changing and deleting a subscription are audited', async () => {
    const env = await localEnv();
    const subscription = await subscribe(env, { url: 'http://127.0.0.1:9/x', modules: ['patients'], events: ['created'] });
    await env.call(env.users.acmeAdmin, 'crmUpdateWebhookSubscription', {
      tenantId: 'acme',
      subscriptionId: subscription.id,
      subscription: { url: 'http://127.0.0.1:9/x', modules: ['patients'], events: ['created'], active: false },
    });
    await env.call(env.users.acmeAdmin, 'crmDeleteWebhookSubscription', { tenantId: 'acme', subscriptionId: subscription.id });
    const actions = (await env.store.query({ collection: 'crm_tenants/acme/audit' }))
      .map((doc) => doc.data)
      .filter((entry) => String(entry.action).startsWith('webhook_subscription.'))
      .map((entry) => entry.action)
      .sort();
    expect(actions).toEqual(['webhook_subscription.created', 'webhook_subscription.deleted', 'webhook_subscription.updated']);
  });

  it('refuses internal addresses (the workflow webhooks\' SSRF guard)', async () => {
    const env = await buildWorkflowEnv();
    for (const url of ['http://127.0.0.1/x', 'http://169.254.169.254/computeMetadata/v1/', 'http://10.0.0.1/hook']) {
      const error = await env.callError(env.users.acmeAdmin, 'crmCreateWebhookSubscription', { tenantId: 'acme', subscription: { url, modules: ['patients'], events: ['created'] } });
      expect(error.code).toBe('invalid-argument');
    }
  });

  it('retries with backoff, logs the failure, and an admin redelivers it', async () => {
    let answer = 500;
    const receiver = await startReceiver(() => answer);
    const env = await localEnv();
    const subscription = await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created'] });
    await env.create('patients', buildPatient());
    await env.advanceBy(0);
    expect((await deliveries(env, subscription.id))[0]).toMatchObject({ status: 'retrying', attempts: 1, httpStatus: 500 });
    const [retry] = await env.scheduler.pending();
    expect(retry!.scheduleAt.getTime() - env.clock.now.getTime()).toBe(1_000);
    for (let i = 0; i < 8; i += 1) await env.advanceBy(60_000);
    expect(receiver.hits).toHaveLength(env.scheduler.maxAttempts);
    const [failed] = await deliveries(env, subscription.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 5, error: 'answered HTTP 500' });
    answer = 200;
    const redelivered = await env.call<{ delivery: TDeliveryView }>(env.users.acmeAdmin, 'crmRedeliverWebhook', { tenantId: 'acme', deliveryId: failed!.id });
    expect(redelivered.delivery.status).toBe('queued');
    await env.advanceBy(0);
    expect(receiver.hits).toHaveLength(6);
    expect(receiver.hits[5]!.body).toBe(receiver.hits[0]!.body);
    expect((await deliveries(env, subscription.id))[0]).toMatchObject({ status: 'success', attempts: 6, httpStatus: 200 });
  });

  it('a redelivered trigger event queues nothing twice', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    const subscription = await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created'] });
    await env.create('patients', buildPatient());
    const change = env.changes.find((c) => c.kind === 'created');
    await env.services.webhookSubscriptions.onRecordWritten(change!);
    await env.advanceBy(0);
    await env.services.webhookSubscriptions.onRecordWritten(change!);
    await env.advanceBy(0);
    expect(receiver.hits).toHaveLength(1);
    expect(await deliveries(env, subscription.id)).toHaveLength(1);
  });

  it('a paused or removed subscription sends nothing more', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    const subscription = await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created'] });
    await env.create('patients', buildPatient({ patient_id: 'P-1' }));
    // Paused after the event was queued: the queued delivery is cancelled, not sent.
    await env.call(env.users.acmeAdmin, 'crmUpdateWebhookSubscription', {
      tenantId: 'acme',
      subscriptionId: subscription.id,
      subscription: { url: receiver.url, modules: ['patients'], events: ['created'], active: false },
    });
    await env.advanceBy(0);
    await env.create('patients', buildPatient({ patient_id: 'P-2' }));
    await env.advanceBy(0);
    expect(receiver.hits).toHaveLength(0);
    expect((await deliveries(env, subscription.id)).map((d) => d.status)).toEqual(['cancelled']);
    await env.call(env.users.acmeAdmin, 'crmDeleteWebhookSubscription', { tenantId: 'acme', subscriptionId: subscription.id });
    expect((await env.call<{ subscriptions: unknown[] }>(env.users.acmeAdmin, 'crmListWebhookSubscriptions', { tenantId: 'acme' })).subscriptions).toEqual([]);
  });

  it('members cannot see or manage subscriptions', async () => {
    const env = await localEnv();
    expect((await env.callError(env.users.acmeMember, 'crmListWebhookSubscriptions', { tenantId: 'acme' })).code).toBe('permission-denied');
  });

  it('on the embedded runtime, a delivery leaves as soon as it is queued, not at the next poll', async () => {
    const receiver = await startReceiver();
    const env = await localEnv();
    await subscribe(env, { url: receiver.url, modules: ['patients'], events: ['created'] });
    // A poll interval far longer than this test may take: only the enqueue signal can deliver in time.
    stops.push(startLocalTaskRunner(env.services, { intervalMs: 3_600_000 }));
    await env.create('patients', buildPatient());
    for (let i = 0; i < 300 && receiver.hits.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.hits).toHaveLength(1);
  });
});
