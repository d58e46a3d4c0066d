import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPatient } from '../../test-support/record-fixtures.js';
import type { TWorkflowResponse } from '../../api/workflow-schemas.js';
import { buildWorkflowEnv, type WorkflowEnv } from './test-support/build-workflow-env.js';
import { HttpWebhookSender } from '../../adapters/http-webhook-sender.js';

type Hit = { headers: IncomingHttpHeaders; body: string };
type Behaviour = 'ok' | 'fail' | 'hang';

let server: Server | undefined;

/** A receiver on 127.0.0.1 only; tests reach it through the sender's explicit test-only allowlist. */
async function startReceiver(behaviour: () => Behaviour): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      const mode = behaviour();
      if (mode === 'hang') return;
      res.statusCode = mode === 'ok' ? 204 : 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/crm`, hits };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const publicResolver = (table: Record<string, string[]>) => async (host: string) => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses;
};

async function saveWebhook(env: WorkflowEnv, url: string) {
  return env.call<TWorkflowResponse>(env.users.acmeOwner, 'crmSaveWorkflow', {
    tenantId: 'acme',
    module: 'patients',
    definition: { name: 'Hook', trigger_type: 'record_created', actions: [{ type: 'webhook', url, secret_ref: 'crm_hooks' }] },
  });
}

async function runRetries(env: WorkflowEnv, rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await env.advanceBy(60_000);
}

describe('webhook delivery', () => {
  it('POSTs the record as JSON with an HMAC-SHA256 signature and a timestamp, and logs the status', async () => {
    const receiver = await startReceiver(() => 'ok');
    const env = await buildWorkflowEnv({ webhook: { allowAddresses: ['127.0.0.1'], timeoutMs: 2_000 } });
    await saveWebhook(env, receiver.url);
    const patient = await env.create('patients', buildPatient());
    expect(receiver.hits).toHaveLength(0); // queued, never sent inline with the record event
    const [queued] = await env.scheduler.pending();
    await env.advanceBy(1_000);
    expect(receiver.hits).toHaveLength(1);
    // The queue delivers the task again (at-least-once): a delivery already done is not repeated.
    await env.services.workflows.handleTask(queued!.envelope, { attempt: 0, maxAttempts: 5 });
    expect(receiver.hits).toHaveLength(1);
    const [hit] = receiver.hits;
    const body = JSON.parse(hit!.body) as { event: string; record: { id: string; number: string; data: Record<string, unknown> } };
    expect(body).toMatchObject({ event: 'record.created', record: { id: patient.id, number: patient.number, data: { full_name: 'Ada Lovelace' } } });
    const { secret } = await env.call<{ secret: string }>(env.users.acmeOwner, 'crmRevealWebhookSecret', { tenantId: 'acme', secretRef: 'crm_hooks' });
    const signature = String(hit!.headers['x-crm-signature']);
    const timestamp = /t=(\d+)/.exec(signature)?.[1];
    expect(String(hit!.headers['x-crm-timestamp'])).toBe(timestamp);
    expect(signature).toBe(`t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${hit!.body}`).digest('hex')}`);
    expect(hit!.headers['content-type']).toBe('application/json');
    const log = (await env.logs()).find((entry) => entry.workflowName === 'Hook');
    expect(log).toMatchObject({ status: 'success' });
    expect((log?.actions as Array<Record<string, unknown>>)[0]).toMatchObject({ status: 'success', detail: expect.objectContaining({ httpStatus: 204, attempts: 1 }) });
    await env.call(env.users.acmeMember, 'crmListTasks', { tenantId: 'acme' }).catch(() => undefined);
    const members = await env.callError(env.users.acmeMember, 'crmRevealWebhookSecret', { tenantId: 'acme' });
    expect(members.code).toBe('permission-denied');
  });

  it('retries a receiver answering 500 with backoff, then logs the run failed; the record stays intact', async () => {
    const receiver = await startReceiver(() => 'fail');
    const env = await buildWorkflowEnv({ webhook: { allowAddresses: ['127.0.0.1'], timeoutMs: 2_000 } });
    await saveWebhook(env, receiver.url);
    const patient = await env.create('patients', buildPatient());
    await env.advanceBy(0);
    expect(receiver.hits).toHaveLength(1);
    const [retry] = await env.scheduler.pending();
    expect(retry!.scheduleAt.getTime() - env.clock.now.getTime()).toBe(1_000); // first backoff step
    await runRetries(env);
    expect(receiver.hits).toHaveLength(env.scheduler.maxAttempts);
    expect(new Set(receiver.hits.map((hit) => hit.headers['x-crm-delivery-attempt']))).toEqual(new Set(['1', '2', '3', '4', '5']));
    const log = (await env.logs()).find((entry) => entry.workflowName === 'Hook');
    expect(log).toMatchObject({ status: 'failed', error: 'Failed after 5 attempt(s): answered HTTP 500.' });
    expect(await env.scheduler.pending()).toEqual([]);
    const stored = await env.store.get(`crm_tenants/acme/records/${patient.id}`);
    expect(stored?.data).toMatchObject({ version: 1, data: expect.objectContaining({ full_name: 'Ada Lovelace' }) });
  });

  it('retries a receiver that times out, then logs it failed', async () => {
    const receiver = await startReceiver(() => 'hang');
    const env = await buildWorkflowEnv({ webhook: { allowAddresses: ['127.0.0.1'], timeoutMs: 150 } });
    await saveWebhook(env, receiver.url);
    await env.create('patients', buildPatient());
    await runRetries(env);
    expect(receiver.hits).toHaveLength(5);
    const log = (await env.logs()).find((entry) => entry.workflowName === 'Hook');
    expect({ status: log?.status, error: log?.error }).toEqual({ status: 'failed', error: 'Failed after 5 attempt(s): timed out after 150 ms.' });
  });
});

describe('webhook SSRF guard', () => {
  const resolve = publicResolver({
    'hooks.example.com': ['93.184.216.34'],
    'internal.example.com': ['10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
    'dual.example.com': ['93.184.216.34', '::ffff:127.0.0.1'],
  });

  it.each([
    ['http://127.0.0.1:8080/x', /127\.0\.0\.1 \(loopback\)/],
    ['http://169.254.169.254/computeMetadata/v1/', /169\.254\.169\.254 \(link-local/],
    ['http://10.0.0.1/hook', /10\.0\.0\.1 \(private\)/],
    ['http://[::1]/hook', /::1 \(loopback\)/],
    ['http://2130706433/hook', /127\.0\.0\.1/],
    ['https://internal.example.com/hook', /resolves to 10\.0\.0\.7 \(private\)/],
    ['https://metadata.example.com/hook', /resolves to 169\.254\.169\.254/],
    ['https://dual.example.com/hook', /resolves to ::ffff:127\.0\.0\.1/],
    ['http://metadata.google.internal/', /internal host name/],
    // IPv4-translated (::ffff:0:0:0/96) and local-use NAT64 forms the attack suite got saved.
    ['http://[::ffff:0:7f00:1]/', /::ffff:0:7f00:1 \(IPv4-translated/],
    ['http://[::ffff:0:a9fe:a9fe]/', /::ffff:0:a9fe:a9fe \(IPv4-translated/],
    ['http://[64:ff9b:1::a9fe:a9fe]/', /local-use IPv4\/IPv6 translation/],
  ])('refuses %s when the workflow is saved', async (url, reason) => {
    const env = await buildWorkflowEnv({ webhook: { resolve } });
    const error = await env.callError(env.users.acmeOwner, 'crmSaveWorkflow', {
      tenantId: 'acme',
      module: 'patients',
      definition: { name: 'Hook', trigger_type: 'record_created', actions: [{ type: 'webhook', url }] },
    });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(reason);
  });

  it('accepts a public host', async () => {
    const env = await buildWorkflowEnv({ webhook: { resolve } });
    const { workflow } = await saveWebhook(env, 'https://hooks.example.com/crm');
    expect(workflow.is_active).toBe(true);
  });

  it('refuses again when sending: a host that resolves to a private address by then is never contacted', async () => {
    const receiver = await startReceiver(() => 'ok');
    let lookups = 0;
    // Public when saved, loopback when sent (DNS rebinding).
    const rebinding = async () => (lookups++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const env = await buildWorkflowEnv({ webhook: { resolve: rebinding } });
    const port = new URL(receiver.url).port;
    await saveWebhook(env, `http://rebind.example.com:${port}/hook`);
    await env.create('patients', buildPatient());
    await runRetries(env, 2);
    expect(receiver.hits).toHaveLength(0);
    const log = (await env.logs()).find((entry) => entry.workflowName === 'Hook');
    expect(log).toMatchObject({ status: 'failed' });
    expect(String(log?.error)).toMatch(/Failed after 1 attempt\(s\): refused: rebind\.example\.com resolves to 127\.0\.0\.1 \(loopback\)/);
  });

  it('refuses literal private addresses in the sender itself, without connecting', async () => {
    const receiver = await startReceiver(() => 'ok');
    const sender = new HttpWebhookSender({ timeoutMs: 500 });
    for (const url of [receiver.url, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://[::ffff:7f00:1]/']) {
      const result = await sender.send({ url, body: '{}', secret: 's', eventId: 'e', attempt: 0 });
      expect(result).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/^refused: /) });
    }
    expect(receiver.hits).toHaveLength(0);
  });
});
