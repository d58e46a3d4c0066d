import { beforeEach, describe, expect, it } from 'vitest';
import { validate } from '@readme/openapi-parser';
import { buildTestEnv, type TestEnv, type TestUser } from '../../test-support/build-test-env.js';
import { buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import { TokenBucketLimiter } from '../../services/integrations/rate-limiter.js';
import type { TCreateApiKeyResponse } from '../integrations-schemas.js';
import type { TRecordResponse } from '../schemas.js';
import type { TAccessSettingsResponse } from '../access-schemas.js';
import { handleRestRequest, type RestRequest, type RestResponse } from './rest-api.js';

let env: TestEnv;
let clock: Date;
let limiter: TokenBucketLimiter;

beforeEach(async () => {
  clock = new Date('2026-06-01T10:00:00Z');
  env = await buildTestEnv({ now: () => clock });
  limiter = new TokenBucketLimiter({ perSecond: 1000, burst: 1000 }, () => clock.getTime());
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

async function createKey(role: 'owner' | 'admin' | 'member', by: TestUser = env.users.acmeOwner): Promise<TCreateApiKeyResponse> {
  return env.call<TCreateApiKeyResponse>(by, 'crmCreateApiKey', { tenantId: 'acme', key: { name: `${role} key`, role, expiresInDays: 30 } });
}

function rest(key: string | null, method: string, path: string, options: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<RestResponse> {
  const request: RestRequest = {
    method,
    path,
    query: options.query ?? {},
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers },
    body: options.body,
    baseUrl: 'http://localhost/demo-crm-pro/us-central1/crmApi',
  };
  return handleRestRequest({ services: env.services, limiter, now: () => clock }, request);
}

function errorCode(response: RestResponse): string {
  return (response.body as { error: { code: string } }).error.code;
}

describe('REST API: authentication', () => {
  it('refuses a request without a key, with a malformed key and with a wrong secret, all 401', async () => {
    const { secret } = await createKey('admin');
    const wrong = secret.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const key of [null, 'crm_nonsense', wrong]) {
      const response = await rest(key, 'GET', '/v1/modules/patients/records');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('a revoked key fails on its next call', async () => {
    const { key, secret } = await createKey('admin');
    expect((await rest(secret, 'GET', '/v1/modules/patients/records')).status).toBe(200);
    await env.call(env.users.acmeAdmin, 'crmRevokeApiKey', { tenantId: 'acme', keyId: key.id });
    const after = await rest(secret, 'GET', '/v1/modules/patients/records');
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('unauthenticated');
  });

  it('an expired key is refused', async () => {
    const { secret } = await createKey('admin');
    clock = new Date(clock.getTime() + 31 * 86_400_000);
    expect((await rest(secret, 'GET', '/v1/modules/patients/records')).status).toBe(401);
  });

  it('a key of a tenant whose CRM app was disabled stops working', async () => {
    const { secret } = await createKey('admin');
    await env.store.update('tenant_apps/acme_crm-pro', { enabled: false });
    expect((await rest(secret, 'GET', '/v1/modules/patients/records')).status).toBe(401);
  });

  it('records the last use, written at most once a minute', async () => {
    const { key, secret } = await createKey('admin');
    await rest(secret, 'GET', '/v1/modules/patients/records');
    const first = (await env.call<{ keys: Array<{ id: string; lastUsedAt: string | null }> }>(env.users.acmeAdmin, 'crmListApiKeys', { tenantId: 'acme' })).keys;
    expect(first.find((k) => k.id === key.id)?.lastUsedAt).toBe(clock.toISOString());
    const firstUse = clock.toISOString();
    clock = new Date(clock.getTime() + 30_000);
    const before = env.store.meter.read().writes;
    await rest(secret, 'GET', '/v1/modules/patients/records');
    expect(env.store.meter.read().writes - before).toBe(0);
    const second = (await env.call<{ keys: Array<{ id: string; lastUsedAt: string | null }> }>(env.users.acmeAdmin, 'crmListApiKeys', { tenantId: 'acme' })).keys;
    expect(second.find((k) => k.id === key.id)?.lastUsedAt).toBe(firstUse);
  });

  it('stores only a hash of the secret', async () => {
    const { key, secret } = await createKey('admin');
    const doc = await env.store.get(`crm_tenants/acme/api_keys/${key.id}`);
    const stored = JSON.stringify(doc?.data);
    expect(stored).not.toContain(secret.split('.')[2]);
    expect(doc?.data.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('REST API: a key acts with its role', () => {
  it('a member key cannot exceed member rights', async () => {
    const { secret } = await createKey('member');
    const othersPatient = (await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient() })).record;
    const othersNote = (
      await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmCreateRecord', {
        tenantId: 'acme',
        module: 'medical_records',
        data: { title: 'Biopsy', record_type: 'Lab Result', patient: othersPatient.id, visit_date: '2026-05-01', diagnosis: 'Confidential' },
      })
    ).record;
    // Members may read patients and create them...
    expect((await rest(secret, 'GET', `/v1/modules/patients/records/${othersPatient.id}`)).status).toBe(200);
    const mine = await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient({ patient_id: 'P-KEY' }) } });
    expect(mine.status).toBe(201);
    // ...but not create doctors, update someone else's patient, delete patients, or read others' medical records.
    expect((await rest(secret, 'POST', '/v1/modules/doctors/records', { body: { data: buildDoctor() } })).status).toBe(403);
    const update = await rest(secret, 'PATCH', `/v1/modules/patients/records/${othersPatient.id}`, { body: { data: { full_name: 'X' }, version: 1 } });
    expect(update.status).toBe(403);
    expect((await rest(secret, 'DELETE', `/v1/modules/patients/records/${othersPatient.id}`)).status).toBe(403);
    expect((await rest(secret, 'GET', `/v1/modules/medical_records/records/${othersNote.id}`)).status).toBe(404);
    const list = await rest(secret, 'GET', '/v1/modules/medical_records/records');
    expect((list.body as { records: unknown[] }).records).toEqual([]);
    // What the key created belongs to the key: it may update its own.
    const created = (mine.body as TRecordResponse).record;
    expect(created.ownerId).toMatch(/^apikey:/);
    const own = await rest(secret, 'PATCH', `/v1/modules/patients/records/${created.id}`, { body: { data: { full_name: 'Mine' } }, headers: { 'if-match': '"1"' } });
    expect(own.status).toBe(200);
  });

  it('an admin cannot mint an owner key', async () => {
    const error = await env.callError(env.users.acmeAdmin, 'crmCreateApiKey', { tenantId: 'acme', key: { name: 'k', role: 'owner', expiresInDays: 30 } });
    expect(error.code).toBe('invalid-argument');
  });

  it('members cannot manage keys', async () => {
    const error = await env.callError(env.users.acmeMember, 'crmListApiKeys', { tenantId: 'acme' });
    expect(error.code).toBe('permission-denied');
  });
});

describe('REST API: records', () => {
  it('creates, lists with filters, search and cursors, gets, updates with version, deletes and restores', async () => {
    const { secret } = await createKey('owner');
    const names = ['Alice Zebra', 'Bob Yakovlev', 'Carol Xylo'];
    for (const [index, status] of ['New', 'Active', 'New'].entries()) {
      const created = await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient({ patient_id: `P-${index}`, full_name: names[index], status }) } });
      expect(created.status).toBe(201);
    }
    const filtered = await rest(secret, 'GET', '/v1/modules/patients/records', { query: { filter: JSON.stringify([{ field: 'status', op: 'eq', value: 'New' }]), limit: '1', sort: 'number' } });
    expect(filtered.status).toBe(200);
    const page1 = filtered.body as { records: Array<{ id: string; data: { status: string } }>; nextCursor: string | null };
    expect(page1.records).toHaveLength(1);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await rest(secret, 'GET', '/v1/modules/patients/records', {
      query: { filter: JSON.stringify([{ field: 'status', op: 'eq', value: 'New' }]), limit: '1', sort: 'number', cursor: page1.nextCursor ?? '' },
    })).body as typeof page1;
    expect(page2.records).toHaveLength(1);
    expect(page2.records[0]?.id).not.toBe(page1.records[0]?.id);
    const searched = (await rest(secret, 'GET', '/v1/modules/patients/records', { query: { search: 'yakov' } })).body as typeof page1;
    expect(searched.records.map((r) => r.id)).toHaveLength(1);

    const id = page1.records[0]?.id ?? '';
    const got = await rest(secret, 'GET', `/v1/modules/patients/records/${id}`);
    expect(got.headers.etag).toBe('"1"');
    expect((await rest(secret, 'PATCH', `/v1/modules/patients/records/${id}`, { body: { data: { full_name: 'Changed' } } })).status).toBe(428);
    const updated = await rest(secret, 'PATCH', `/v1/modules/patients/records/${id}`, { body: { data: { full_name: 'Changed' }, version: 1 } });
    expect((updated.body as TRecordResponse).record.version).toBe(2);
    const stale = await rest(secret, 'PATCH', `/v1/modules/patients/records/${id}`, { body: { data: { full_name: 'Again' } }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    expect(errorCode(stale)).toBe('version-conflict');
    expect((await rest(secret, 'DELETE', `/v1/modules/patients/records/${id}`)).status).toBe(200);
    const trash = (await rest(secret, 'GET', '/v1/modules/patients/records', { query: { deleted: 'true' } })).body as typeof page1;
    expect(trash.records.map((r) => r.id)).toEqual([id]);
    const restored = await rest(secret, 'POST', `/v1/modules/patients/records/${id}/restore`);
    expect((restored.body as TRecordResponse).record.deleted).toBe(false);
  });

  it('answers invalid input 400 naming the field, unknown modules and other modules\' records 404', async () => {
    const { secret } = await createKey('owner');
    const bad = await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient({ email: 'not-an-email' }) } });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { issues: Array<{ path: string }> } }).error.issues.map((issue) => issue.path)).toContain('data.email');
    expect((await rest(secret, 'GET', '/v1/modules/spaceships/records')).status).toBe(404);
    const patient = (await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient() } })).body as TRecordResponse;
    expect((await rest(secret, 'GET', `/v1/modules/doctors/records/${patient.record.id}`)).status).toBe(404);
    expect((await rest(secret, 'GET', '/v1/modules/patients/records', { query: { limit: 'many' } })).status).toBe(400);
    expect((await rest(secret, 'GET', '/v1/modules/patients/records', { query: { filter: '[oops' } })).status).toBe(400);
    expect((await rest(secret, 'PUT', '/v1/modules/patients/records')).status).toBe(405);
    expect((await rest(secret, 'GET', '/v2/elsewhere')).status).toBe(404);
  });
});

describe('REST API: idempotency keys', () => {
  it('replaying a key returns the first response and creates nothing more', async () => {
    const { secret } = await createKey('owner');
    const body = { data: buildPatient({ patient_id: 'P-IDEM' }) };
    const first = await rest(secret, 'POST', '/v1/modules/patients/records', { body, headers: { 'idempotency-key': 'order-42' } });
    const replay = await rest(secret, 'POST', '/v1/modules/patients/records', { body, headers: { 'idempotency-key': 'order-42' } });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const list = (await rest(secret, 'GET', '/v1/modules/patients/records')).body as { records: unknown[] };
    expect(list.records).toHaveLength(1);
  });

  it('concurrent requests with the same key create one record', async () => {
    const { secret } = await createKey('owner');
    const body = { data: buildPatient({ patient_id: 'P-RACE' }) };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => rest(secret, 'POST', '/v1/modules/patients/records', { body, headers: { 'idempotency-key': 'race' } })),
    );
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = new Set(responses.map((response) => (response.body as TRecordResponse).record.id));
    expect(ids.size).toBe(1);
    const list = (await rest(secret, 'GET', '/v1/modules/patients/records')).body as { records: unknown[] };
    expect(list.records).toHaveLength(1);
  });

  it('refuses the same key with a different request, and frees it after 24 hours', async () => {
    const { secret } = await createKey('owner');
    await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient({ patient_id: 'A' }) }, headers: { 'idempotency-key': 'k1' } });
    const other = await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient({ patient_id: 'B' }) }, headers: { 'idempotency-key': 'k1' } });
    expect(other.status).toBe(422);
    clock = new Date(clock.getTime() + 25 * 3_600_000);
    const later = await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient({ patient_id: 'B' }) }, headers: { 'idempotency-key': 'k1' } });
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a replayed update does not apply twice', async () => {
    const { secret } = await createKey('owner');
    const created = (await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient() } })).body as TRecordResponse;
    const path = `/v1/modules/patients/records/${created.record.id}`;
    const request = { body: { data: { full_name: 'Once' }, version: 1 }, headers: { 'idempotency-key': 'upd-1' } };
    expect((await rest(secret, 'PATCH', path, request)).status).toBe(200);
    // Without the key this would be a version conflict (the record is at version 2 now).
    const replay = await rest(secret, 'PATCH', path, request);
    expect(replay.status).toBe(200);
    expect((replay.body as TRecordResponse).record.version).toBe(2);
  });
});

describe('REST API: rate limit', () => {
  it('answers 429 with Retry-After once the tenant\'s bucket is empty, and recovers', async () => {
    limiter = new TokenBucketLimiter({ perSecond: 0.5, burst: 3 }, () => clock.getTime());
    const { secret } = await createKey('owner');
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await rest(secret, 'GET', '/v1/modules/patients/records')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await rest(secret, 'GET', '/v1/modules/patients/records');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    clock = new Date(clock.getTime() + 2_000);
    expect((await rest(secret, 'GET', '/v1/modules/patients/records')).status).toBe(200);
  });

  it('limits per tenant: one tenant\'s burst does not stop another', async () => {
    limiter = new TokenBucketLimiter({ perSecond: 0.1, burst: 1 }, () => clock.getTime());
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
    const acme = (await createKey('owner')).secret;
    const globex = (await env.call<TCreateApiKeyResponse>(env.users.globexOwner, 'crmCreateApiKey', { tenantId: 'globex', key: { name: 'g', role: 'owner', expiresInDays: 30 } })).secret;
    expect((await rest(acme, 'GET', '/v1/modules/patients/records')).status).toBe(200);
    expect((await rest(acme, 'GET', '/v1/modules/patients/records')).status).toBe(429);
    expect((await rest(globex, 'GET', '/v1/modules/patients/records')).status).toBe(200);
  });
});

describe('REST API: OpenAPI document', () => {
  it('validates as OpenAPI 3.1 and lists a custom field added a moment earlier', async () => {
    const { secret } = await createKey('admin');
    await env.call(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'patients', field: { key: 'loyalty_tier', label: 'Loyalty tier', type: 'select', options: ['Gold', 'Silver'] } });
    const response = await rest(secret, 'GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body as { openapi: string; components: { schemas: Record<string, { properties?: Record<string, unknown> }> }; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(document.components.schemas.PatientsData?.properties?.loyalty_tier).toEqual({ type: 'string', enum: ['Gold', 'Silver'], description: 'Loyalty tier' });
    expect(Object.keys(document.paths)).toContain('/v1/modules/patients/records/{id}/restore');
  });

  it('omits modules the key\'s role cannot read', async () => {
    await env.call(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme',
      module: { slug: 'vehicles', label: 'Vehicles' },
      fields: [{ key: 'make', label: 'Make', type: 'text' }],
      permissions: { owner: ['*'], admin: ['*'], member: [] },
    });
    const { secret } = await createKey('member');
    const document = (await rest(secret, 'GET', '/v1/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/v1/modules/vehicles/records');
    expect(Object.keys(document.paths)).toContain('/v1/modules/patients/records');
  });
});

describe('REST API: field-level security and audit', () => {
  async function hideFromMembers() {
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme',
      matrix: settings.matrix,
      fieldPermissions: { member: { patients: { insurance_provider: 'none', emergency_contact: 'read' } } },
      expectedRevision: settings.revision,
    });
  }

  it('a member key gets nothing of a hidden field, cannot query it or write a read-only one, and the OpenAPI document agrees', async () => {
    const patient = (await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmCreateRecord', {
      tenantId: 'acme',
      module: 'patients',
      data: buildPatient({ insurance_provider: 'Zyxcorp Mutual', emergency_contact: 'Bob Ready' }),
    })).record;
    await hideFromMembers();
    const { secret } = await createKey('member');
    const got = await rest(secret, 'GET', `/v1/modules/patients/records/${patient.id}`);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain('Zyxcorp');
    expect((got.body as TRecordResponse).record.data.emergency_contact).toBe('Bob Ready');
    const list = await rest(secret, 'GET', '/v1/modules/patients/records');
    expect(JSON.stringify(list.body)).not.toContain('Zyxcorp');
    const filtered = await rest(secret, 'GET', '/v1/modules/patients/records', { query: { filter: JSON.stringify([{ field: 'insurance_provider', op: 'eq', value: 'Zyxcorp Mutual' }]) } });
    expect(filtered.status).toBe(403);
    const created = await rest(secret, 'POST', '/v1/modules/patients/records', { body: { data: buildPatient({ patient_id: 'P-RO', emergency_contact: 'Nope' }) } });
    expect(created.status).toBe(403);
    expect(JSON.stringify(created.body)).toMatch(/emergency_contact|Emergency Contact/);
    const document = (await rest(secret, 'GET', '/v1/openapi.json')).body as { components: { schemas: Record<string, { properties: Record<string, { readOnly?: boolean }> }> } };
    const properties = document.components.schemas.PatientsData?.properties ?? {};
    expect(Object.keys(properties)).not.toContain('insurance_provider');
    expect(properties.emergency_contact?.readOnly).toBe(true);
  });

  it('creating and revoking a key are audited (never with the secret), as callable changes from the admin', async () => {
    const { key, secret } = await createKey('member', env.users.acmeAdmin);
    await env.call(env.users.acmeAdmin, 'crmRevokeApiKey', { tenantId: 'acme', keyId: key.id });
    const entries = (await env.store.query({ collection: 'crm_tenants/acme/audit' })).map((doc) => doc.data);
    // Both happen at the same test-clock instant: compare without relying on id order.
    const actions = entries.filter((entry) => entry.kind === 'api_key').map((entry) => [entry.action, entry.actorUid, (entry.via as { name?: string }).name]).sort();
    expect(actions).toEqual([
      ['api_key.created', 'acme-admin', 'crmCreateApiKey'],
      ['api_key.revoked', 'acme-admin', 'crmRevokeApiKey'],
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(secret.split('.')[2]);
    const stored = await env.store.get(`crm_tenants/acme/api_keys/${key.id}`);
    expect(text).not.toContain(String(stored?.data.hash));
  });
});
