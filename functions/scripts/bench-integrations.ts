/**
 * Integration figures for `npm run bench` (called from bench.ts) or alone:
 * `npx tsx scripts/bench-integrations.ts`.
 *
 * - Webhook-subscription delivery latency as the embedded runtime runs it:
 *   the store's change feed drives the record trigger, the local task runner
 *   (5 s poll, woken on enqueue) sends through the real HTTP sender to a
 *   receiver on 127.0.0.1; time from the record write's acknowledgement to
 *   the receiver reading the request.
 * - REST API: Firestore reads/writes per request (MemoryStore's billing
 *   meter) and handler latency, caches warm.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildTestEnv } from '../src/test-support/build-test-env.js';
import { buildPatient } from '../src/test-support/record-fixtures.js';
import { createServices } from '../src/services/create-services.js';
import { onRecordWritten } from '../src/services/records/on-record-written.js';
import { HttpWebhookSender } from '../src/adapters/http-webhook-sender.js';
import { startLocalTaskRunner } from '../src/adapters/local-task-runner.js';
import { invokeCallable } from '../src/api/crm-api.js';
import { handleRestRequest, type RestRequest } from '../src/api/rest/rest-api.js';
import { TokenBucketLimiter } from '../src/services/integrations/rate-limiter.js';
import type { Caller } from '../src/services/caller.js';
import type { TCreateApiKeyResponse } from '../src/api/integrations-schemas.js';

const ADMIN: Caller = { uid: 'acme-admin', tenantId: 'acme', tenantName: 'Acme Clinic', role: 'admin', platformRole: null };

function percentiles(samples: number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(2));
  return { p50: at(50), p95: at(95), max: at(100), samples: sorted.length };
}

async function deliveryLatency(records: number) {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push(performance.now());
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  const base = await buildTestEnv();
  const services = createServices({ store: base.store, workflows: { webhookSender: new HttpWebhookSender({ allowAddresses: ['127.0.0.1'] }) } });
  const stopFeed = base.store.onChange('records', (change) => onRecordWritten(services, change).then(() => undefined));
  await invokeCallable(services, 'crmSelectTemplate', { data: { tenantId: 'acme', templateSlug: 'hospital' }, auth: base.users.acmeOwner.claims });
  await services.webhookSubscriptions.create(ADMIN, { url, modules: ['patients'], events: ['created'] });
  // The runtime's runner with its production interval: only the enqueue signal makes delivery faster than the poll.
  const stopRunner = startLocalTaskRunner(services);
  const latencies: number[] = [];
  for (let i = 0; i < records; i += 1) {
    const before = arrivals.length;
    await services.records.create(ADMIN, 'patients', buildPatient({ patient_id: `LAT-${i}` }));
    const written = performance.now();
    while (arrivals.length === before) await new Promise((resolve) => setTimeout(resolve, 1));
    latencies.push((arrivals[before] ?? written) - written);
  }
  stopRunner();
  stopFeed();
  await base.store.whenIdle();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return { ...percentiles(latencies), pollIntervalMs: 5_000 };
}

async function restCosts() {
  const env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  const { secret } = await env.call<TCreateApiKeyResponse>(env.users.acmeAdmin, 'crmCreateApiKey', { tenantId: 'acme', key: { name: 'bench', role: 'admin', expiresInDays: 1 } });
  const limiter = new TokenBucketLimiter({ perSecond: 1e9, burst: 1e9 });
  const rest = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const request: RestRequest = { method, path, query: {}, headers: { authorization: `Bearer ${secret}`, ...headers }, body, baseUrl: 'http://localhost' };
    return handleRestRequest({ services: env.services, limiter }, request);
  };
  for (let i = 0; i < 60; i += 1) await rest('POST', '/v1/modules/patients/records', { data: buildPatient({ patient_id: `W-${i}` }) });
  const metered = async (run: () => Promise<unknown>) => {
    env.store.meter.reset();
    await run();
    const { reads, writes } = env.store.meter.read();
    return { reads, writes };
  };
  const timed = async (runs: number, run: (i: number) => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      await run(i);
      samples.push(performance.now() - started);
    }
    return percentiles(samples);
  };
  return {
    readsWritesPerRequest: {
      listPage50: await metered(() => rest('GET', '/v1/modules/patients/records')),
      create: await metered(() => rest('POST', '/v1/modules/patients/records', { data: buildPatient({ patient_id: 'C-1' }) })),
      createWithIdempotencyKey: await metered(() => rest('POST', '/v1/modules/patients/records', { data: buildPatient({ patient_id: 'C-2' }) }, { 'idempotency-key': 'bench-1' })),
      replayOfThatKey: await metered(() => rest('POST', '/v1/modules/patients/records', { data: buildPatient({ patient_id: 'C-2' }) }, { 'idempotency-key': 'bench-1' })),
      openApiDocument: await metered(() => rest('GET', '/v1/openapi.json')),
    },
    latencyMs: {
      listPage50: await timed(100, () => rest('GET', '/v1/modules/patients/records')),
      create: await timed(100, (i) => rest('POST', '/v1/modules/patients/records', { data: buildPatient({ patient_id: `T-${i}` }) })),
      openApiDocument: await timed(30, () => rest('GET', '/v1/openapi.json')),
    },
    notes:
      'every request authenticates with one batched read of the key, the tenant and the CRM app (3 reads); ' +
      'the last-used time costs 1 write at most once a minute per key; an idempotency key adds 2 reads (a pre-check and the transactional read) and 1 write to a write',
  };
}

export async function benchIntegrations() {
  return {
    subscriptionDeliveryLatencyMs: await deliveryLatency(30),
    restApi: await restCosts(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchIntegrations(), null, 2));
}
