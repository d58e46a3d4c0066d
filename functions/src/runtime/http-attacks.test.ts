import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPatient } from '../test-support/record-fixtures.js';
import { signInDemoUser } from './test-support/sign-in-demo-user.js';
import { startEmbeddedStack, type EmbeddedStack } from './start-embedded-stack.js';

/**
 * The attack classes of issue 11, replayed from outside over the callable
 * protocol against the embedded runtime (the deployed onCall objects behind
 * `npm start`), so they stay fixed. One stack for the file: the Auth
 * emulator's cold start dominates.
 *
 * Not here: item 7 (suspension takes effect on the next call). The OS owns
 * `tenants` and `tenant_apps` and nothing reachable over HTTP writes them;
 * it is tested on one services instance in os-firestore-identity.test.ts
 * and tenant-isolation.test.ts.
 */
let stack: EmbeddedStack;
const cleanup: string[] = [];
const tokens = new Map<string, string>();

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanup.push(dir);
  return dir;
}

async function tokenFor(email: string): Promise<string> {
  const cached = tokens.get(email);
  if (cached) return cached;
  const token = await signInDemoUser(stack.authEmulatorUrl, email);
  tokens.set(email, token);
  return token;
}

interface Reply {
  readonly httpStatus: number;
  readonly contentType: string;
  readonly text: string;
  readonly result?: Record<string, unknown>;
  readonly error?: { status: string; message: string; details?: unknown };
}

/** POSTs a raw body (so it can be what JSON.stringify would never write) to a callable. */
async function postRaw(name: string, body: string, email = 'owner@demo.crm'): Promise<Reply> {
  const response = await fetch(`${stack.url}/${stack.projectId}/${stack.region}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(email)}` },
    body,
  });
  const text = await response.text();
  let parsed: Pick<Reply, 'result' | 'error'> = {};
  try {
    parsed = JSON.parse(text) as Pick<Reply, 'result' | 'error'>;
  } catch {
    // Left empty: expectCleanError fails on a body that is not JSON.
  }
  return { httpStatus: response.status, contentType: response.headers.get('content-type') ?? '', text, ...parsed };
}

function call(name: string, data: unknown, email = 'owner@demo.crm'): Promise<Reply> {
  return postRaw(name, JSON.stringify({ data }), email);
}

/** An error the way the callable protocol answers it: JSON, the given status, nothing about our code or files. */
function expectCleanError(reply: Reply, status: string): void {
  expect({ status: reply.error?.status, contentType: reply.contentType }).toEqual({ status, contentType: expect.stringContaining('application/json') });
  expect(reply.text).not.toMatch(/<html|<pre|\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+/i);
  expect(reply.text).not.toContain(process.cwd());
}

beforeAll(async () => {
  const webDist = await tempDir('crm-web-dist-');
  await mkdir(join(webDist, 'assets'));
  await writeFile(join(webDist, 'index.html'), '<!doctype html><title>CRM Pro SPA</title>');
  stack = await startEmbeddedStack({ port: 0, authPort: 0, dataDir: await tempDir('crm-data-'), webDistDir: webDist, logLevel: 'warn' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
}, 60_000);

describe('1. a tenant pattern cannot stall the instance', () => {
  it('refuses ^(a+)+$ against 28 a\'s plus "!" and 999 plus "!" while another tenant is served', async () => {
    const added = await call('crmAddField', {
      tenantId: 'demo-hospital',
      module: 'patients',
      field: { key: 'code', label: 'Code', type: 'text', validation: { pattern: '^(a+)+$' } },
    });
    expect(added.error).toBeUndefined();
    const attack = [28, 999].map((count) =>
      call('crmCreateRecord', { tenantId: 'demo-hospital', module: 'patients', data: buildPatient({ code: `${'a'.repeat(count)}!` }) }),
    );
    const bystander = call('crmBootstrap', { tenantId: 'demo-realestate' }, 'member@demo.crm');
    const [short, long, other] = await Promise.all([...attack, bystander]);
    for (const reply of [short, long]) {
      expectCleanError(reply!, 'INVALID_ARGUMENT');
      expect(reply!.error?.message).toMatch(/"Code" must match the pattern/);
    }
    expect(other?.result).toMatchObject({ tenant: { id: 'demo-realestate' } });
  });

  it('refuses, at save, a pattern using what RE2 lacks, naming the field', async () => {
    const reply = await call('crmAddField', {
      tenantId: 'demo-hospital',
      module: 'patients',
      field: { key: 'badge', label: 'Badge', type: 'text', validation: { pattern: '^(?=.*\\d)\\w+$' } },
    });
    expectCleanError(reply, 'INVALID_ARGUMENT');
    expect(reply.error?.message).toMatch(/field "badge".*lookahead/);
  });
});

describe('2. workflows are admin data', () => {
  it.each([
    ['crmListWorkflows', { tenantId: 'demo-hospital' }],
    ['crmListWorkflows', { tenantId: 'demo-hospital', module: 'patients' }],
    ['crmListWorkflowRuns', { tenantId: 'demo-hospital' }],
    ['crmListOutbox', { tenantId: 'demo-hospital' }],
    ['crmRevealWebhookSecret', { tenantId: 'demo-hospital' }],
  ])('a member calling %s is refused', async (name, data) => {
    expectCleanError(await call(name, data, 'member@demo.crm'), 'PERMISSION_DENIED');
  });

  it('an admin still lists them', async () => {
    const reply = await call('crmListWorkflows', { tenantId: 'demo-hospital' }, 'admin@demo.crm');
    expect((reply.result?.workflows as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('3. every malformed request is refused cleanly', () => {
  const seven: Array<[string, Record<string, unknown>, string]> = [
    ['crmGetRecord', {}, 'recordId'],
    ['crmUpdateRecord', { expectedVersion: 1, data: {} }, 'recordId'],
    ['crmDeleteRecord', {}, 'recordId'],
    ['crmRestoreRecord', {}, 'recordId'],
    ['crmListRecordHistory', {}, 'recordId'],
    ['crmSetTaskStatus', { status: 'done' }, 'taskId'],
    ['crmDeleteWorkflow', {}, 'workflowId'],
  ];
  it.each(['__proto__', '__name__'])('the reserved id %s is invalid-argument on seven callables, not INTERNAL', async (id) => {
    for (const [name, rest, key] of seven) {
      const reply = await call(name, { tenantId: 'demo-hospital', ...rest, [key]: id });
      expectCleanError(reply, 'INVALID_ARGUMENT');
      expect(reply.error?.message).toMatch(new RegExp(`${key}: must not start and end with "__"`));
    }
  });

  it('a raw NaN in the body is answered as the callable protocol does: JSON, no stack, no paths', async () => {
    const reply = await postRaw('crmListRecords', '{"data":{"tenantId":"demo-hospital","module":"patients","pageSize":NaN}}');
    expect(reply.httpStatus).toBe(400);
    expectCleanError(reply, 'INVALID_ARGUMENT');
  });

  it('a body over 10 MB is answered as JSON, without a stack or paths', async () => {
    const filler = 'x'.repeat(10 * 1024 * 1024 + 1024);
    const reply = await postRaw('crmListRecords', `{"data":{"tenantId":"demo-hospital","module":"patients","search":"${filler}"}}`);
    expect(reply.httpStatus).toBe(413);
    expectCleanError(reply, 'INVALID_ARGUMENT');
    expect(reply.error?.message).toMatch(/too large/);
  });

  it('@type wrappers that decode() lets through are invalid-argument with the field named', async () => {
    const infinity = await postRaw(
      'crmListRecords',
      '{"data":{"tenantId":"demo-hospital","module":"patients","pageSize":{"@type":"type.googleapis.com/google.protobuf.Int64Value","value":"Infinity"}}}',
    );
    expectCleanError(infinity, 'INVALID_ARGUMENT');
    expect(infinity.error?.message).toMatch(/pageSize: must be a finite number/);
    const empty = await postRaw('crmListRecords', '{"data":{"tenantId":"demo-hospital","module":"patients","search":{"@type":"","value":"x"}}}');
    expectCleanError(empty, 'INVALID_ARGUMENT');
    expect(empty.error?.message).toMatch(/search\.@type/);
  });

  // Known limit (README): decode() throws before our code runs; firebase-functions answers INTERNAL, in production too.
  it.each([
    ['a NaN Int64Value', '{"@type":"type.googleapis.com/google.protobuf.Int64Value","value":"NaN"}'],
    ['an unknown @type', '{"@type":"type.googleapis.com/google.protobuf.Any","value":"x"}'],
  ])('%s fails inside decode(): INTERNAL, but clean JSON', async (_what, wrapper) => {
    const reply = await postRaw('crmListRecords', `{"data":{"tenantId":"demo-hospital","module":"patients","pageSize":${wrapper}}}`);
    expect(reply.httpStatus).toBe(500);
    expectCleanError(reply, 'INTERNAL');
    expect(reply.error?.message).toBe('INTERNAL');
  });

  it('a body nested 10,000 deep is refused as clean JSON (INTERNAL when decode() overflows first; see README known limits)', async () => {
    const body = `{"data":{"tenantId":"demo-hospital","module":"patients","data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`;
    const reply = await postRaw('crmCreateRecord', body);
    expect(['INTERNAL', 'INVALID_ARGUMENT']).toContain(reply.error?.status);
    expectCleanError(reply, reply.error?.status ?? 'missing');
  });
});

describe('4. the __proto__ guard holds however the key arrives', () => {
  it('a top-level "__proto__" (decode() makes it the prototype) is refused, not read through', async () => {
    const reply = await postRaw('crmListRecords', '{"data":{"__proto__":{"module":"patients"},"tenantId":"demo-hospital"}}');
    expectCleanError(reply, 'INVALID_ARGUMENT');
    expect(reply.error?.message).toMatch(/__proto__: is a reserved name/);
  });

  it('nested "__proto__" and "constructor" keys are refused', async () => {
    const nested = await postRaw('crmCreateRecord', '{"data":{"tenantId":"demo-hospital","module":"patients","data":{"__proto__":{"full_name":"X"}}}}');
    expectCleanError(nested, 'INVALID_ARGUMENT');
    expect(nested.error?.message).toMatch(/data\.__proto__/);
    const constructor = await call('crmListRecords', { tenantId: 'demo-hospital', module: 'patients', constructor: { prototype: {} } });
    expectCleanError(constructor, 'INVALID_ARGUMENT');
  });
});

describe('5. lone UTF-16 surrogates', () => {
  it('"Mal\\ud800formed" is refused with the field named', async () => {
    const body = JSON.stringify({ data: { tenantId: 'demo-hospital', module: 'patients', data: buildPatient({ patient_id: 'P-SURR' }) } }).replace(
      '"Ada Lovelace"',
      '"Mal\\ud800formed"',
    );
    const reply = await postRaw('crmCreateRecord', body);
    expectCleanError(reply, 'INVALID_ARGUMENT');
    expect(reply.error?.message).toMatch(/data\.full_name: contains an unpaired UTF-16 surrogate/);
  });
});

describe('6. webhook SSRF through IPv4-translated IPv6', () => {
  it.each(['http://[::ffff:0:7f00:1]/', 'http://[::ffff:0:a9fe:a9fe]/'])('refuses to save a webhook to %s', async (url) => {
    const reply = await call('crmSaveWorkflow', {
      tenantId: 'demo-hospital',
      module: 'patients',
      definition: { name: `Hook ${url}`, trigger_type: 'record_created', actions: [{ type: 'webhook', url }] },
    });
    expectCleanError(reply, 'INVALID_ARGUMENT');
    expect(reply.error?.message).toMatch(/IPv4-translated/);
  });
});
