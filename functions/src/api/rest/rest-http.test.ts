import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { buildPatient } from '../../test-support/record-fixtures.js';
import { TokenBucketLimiter } from '../../services/integrations/rate-limiter.js';
import { createRuntimeApp, listen, type ListeningServer } from '../../runtime/runtime-server.js';
import type { TCreateApiKeyResponse } from '../integrations-schemas.js';
import { expressRestHandler } from './express-rest-handler.js';
import { handleRestRequest } from './rest-api.js';

let env: TestEnv;
let server: ListeningServer;
let base: string;
let key: string;

/** The embedded runtime's HTTP face with the REST API mounted where the Functions emulator would put `crmApi`. */
beforeAll(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  key = (await env.call<TCreateApiKeyResponse>(env.users.acmeOwner, 'crmCreateApiKey', { tenantId: 'acme', key: { name: 'http', role: 'admin', expiresInDays: 1 } })).secret;
  const limiter = new TokenBucketLimiter();
  const app = createRuntimeApp({
    projectId: 'demo-crm-pro',
    region: 'us-central1',
    callables: new Map(),
    httpFunctions: new Map([['crmApi', expressRestHandler((request) => handleRestRequest({ services: env.services, limiter }, request))]]),
    webDistDir: '/nonexistent',
    authEmulatorPort: 9099,
  });
  server = await listen(app, '127.0.0.1', 0);
  base = `http://127.0.0.1:${server.port}/demo-crm-pro/us-central1/crmApi`;
});

afterAll(async () => {
  await server.close();
});

describe('REST API over HTTP on the embedded runtime', () => {
  it('serves the OpenAPI document at the emulator path shape, naming itself as the server', async () => {
    const response = await fetch(`${base}/v1/openapi.json`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const document = (await response.json()) as { servers: Array<{ url: string }> };
    expect(document.servers[0]?.url).toBe(base);
  });

  it('creates and reads a record with JSON bodies and headers', async () => {
    const created = await fetch(`${base}/v1/modules/patients/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': 'http-1' },
      body: JSON.stringify({ data: buildPatient() }),
    });
    expect(created.status).toBe(201);
    const { record } = (await created.json()) as { record: { id: string } };
    const read = await fetch(`${base}/v1/modules/patients/records/${record.id}`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it('answers a body that is not JSON, and a missing key, as JSON errors', async () => {
    const bad = await fetch(`${base}/v1/modules/patients/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{"data": ',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'invalid-input', message: 'The request body is not valid JSON.' } });
    const anonymous = await fetch(`${base}/v1/modules/patients/records`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });
});
