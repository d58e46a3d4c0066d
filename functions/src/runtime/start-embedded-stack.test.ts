import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUseError } from './data-dir-lock.js';
import { signInDemoUser } from './test-support/sign-in-demo-user.js';
import { PortInUseError } from './ports.js';
import { startEmbeddedStack, type EmbeddedStack } from './start-embedded-stack.js';

/**
 * The whole local stack, for real: Auth emulator, runtime process, callable
 * protocol. The emulator's cold start (~10 s of CPU) dominates, so one stack
 * serves every test here and the restart test borrows its emulator.
 */
let stack: EmbeddedStack;
const cleanup: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanup.push(dir);
  return dir;
}


interface CallableReply {
  readonly status: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { status: string; message: string };
}

async function call(target: EmbeddedStack, name: string, data: unknown, idToken?: string): Promise<CallableReply> {
  const response = await fetch(`${target.url}/${target.projectId}/${target.region}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(idToken ? { authorization: `Bearer ${idToken}` } : {}) },
    body: JSON.stringify({ data }),
  });
  return { status: response.status, ...((await response.json()) as Omit<CallableReply, 'status'>) };
}

async function countRecords(target: EmbeddedStack, token: string, tenantId: string, module: string): Promise<number> {
  const reply = await call(target, 'crmListRecords', { tenantId, module, pageSize: 100 }, token);
  expect(reply.error).toBeUndefined();
  return (reply.result?.records as unknown[]).length;
}

beforeAll(async () => {
  const webDist = await tempDir('crm-web-dist-');
  await mkdir(join(webDist, 'assets'));
  await writeFile(join(webDist, 'index.html'), '<!doctype html><title>CRM Pro SPA</title><div id="root"></div>');
  await writeFile(join(webDist, 'assets', 'app.js'), 'console.log("spa")');
  stack = await startEmbeddedStack({ port: 0, authPort: 0, dataDir: await tempDir('crm-data-'), webDistDir: webDist, logLevel: 'warn' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
}, 60_000);

describe('startEmbeddedStack', () => {
  it('answers a callable through the callable protocol with an Auth-emulator ID token', async () => {
    const token = await signInDemoUser(stack.authEmulatorUrl, 'owner@demo.crm');
    const reply = await call(stack, 'crmBootstrap', { tenantId: 'demo-hospital' }, token);
    expect(reply.status).toBe(200);
    expect(reply.result).toMatchObject({
      tenant: { id: 'demo-hospital', name: 'Riverside General Hospital' },
      user: { uid: 'demo-owner', role: 'owner' },
      templateSelected: true,
      config: { template: { slug: 'hospital' } },
    });
  });

  it('verifies custom claims: the super admin enters a tenant it is no member of', async () => {
    const token = await signInDemoUser(stack.authEmulatorUrl, 'superadmin@demo.crm');
    const reply = await call(stack, 'crmBootstrap', { tenantId: 'demo-corporate' }, token);
    expect(reply.result).toMatchObject({ user: { platformRole: 'super_admin', role: null } });
  });

  it('seeds a fresh tenant without a template and refuses outsiders', async () => {
    const newAdmin = await signInDemoUser(stack.authEmulatorUrl, 'newadmin@demo.crm');
    expect((await call(stack, 'crmBootstrap', { tenantId: 'demo-fresh' }, newAdmin)).result).toMatchObject({ templateSelected: false, config: null });
    const member = await signInDemoUser(stack.authEmulatorUrl, 'member@demo.crm');
    expect((await call(stack, 'crmBootstrap', { tenantId: 'demo-fresh' }, member)).error?.status).toBe('PERMISSION_DENIED');
  });

  it('answers an unauthenticated call with UNAUTHENTICATED', async () => {
    const reply = await call(stack, 'crmBootstrap', { tenantId: 'demo-hospital' });
    expect(reply.status).toBe(401);
    expect(reply.error).toMatchObject({ status: 'UNAUTHENTICATED' });
  });

  it('tells the SPA where the emulators are', async () => {
    const response = await fetch(`${stack.url}/__crm/runtime.json`);
    expect(await response.json()).toEqual({
      projectId: 'demo-crm-pro',
      region: 'us-central1',
      authEmulatorUrl: stack.authEmulatorUrl,
      functionsOrigin: stack.url,
    });
  });

  it('serves the SPA with history fallback, but not for missing files', async () => {
    const deepLink = await fetch(`${stack.url}/t/demo-hospital/patients/abc`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('CRM Pro SPA');
    expect((await fetch(`${stack.url}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${stack.url}/assets/missing.js`)).status).toBe(404);
  });

  it('seeds a few dozen records per industry tenant', () => {
    const industry = stack.seed?.tenants.filter((tenant) => tenant.template !== null) ?? [];
    expect(industry.map((tenant) => tenant.id)).toEqual(['demo-hospital', 'demo-realestate', 'demo-jewellery', 'demo-corporate']);
    for (const tenant of industry) expect(tenant.records).toBeGreaterThanOrEqual(30);
    expect(stack.seed?.warnings).toEqual([]);
  });

  it('refuses a port in use with a clear message', async () => {
    const dataDir = await tempDir('crm-data-busy-');
    await expect(startEmbeddedStack({ port: stack.port, authPort: 0, dataDir })).rejects.toThrow(
      new PortInUseError(stack.port, `Port ${stack.port} is already in use (is another CRM running?). The CRM needs it; choose another with --port or CRM_PORT.`),
    );
    await expect(startEmbeddedStack({ port: 0, authPort: stack.authPort, dataDir })).rejects.toThrow(/--auth-port or CRM_AUTH_PORT/);
  });

  it('refuses a data folder another CRM is using', async () => {
    await expect(startEmbeddedStack({ port: 0, authPort: 0, dataDir: stack.dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
  });

  it('keeps data across a restart and seeds only once', async () => {
    const dataDir = await tempDir('crm-data-restart-');
    const options = { port: 0, dataDir, authEmulatorUrl: stack.authEmulatorUrl, logLevel: 'warn' } as const;
    let first: EmbeddedStack | null = await startEmbeddedStack(options);
    let second: EmbeddedStack | null = null;
    try {
      expect(first.seed?.seededNow).toBe(true);
      const token = await signInDemoUser(first.authEmulatorUrl, 'admin@demo.crm');
      const patientsBefore = await countRecords(first, token, 'demo-hospital', 'patients');
      const created = await call(first, 'crmCreateRecord', {
        tenantId: 'demo-hospital',
        module: 'doctors',
        data: { full_name: 'Dr. Restart Survivor', specialization: 'Cardiologist', license_number: 'MD-424242', email: 'survivor@staff.example.com', status: 'Active' },
      }, token);
      expect(created.error).toBeUndefined();
      const recordId = (created.result?.record as { id: string }).id;
      await first.stop();
      first = null;

      second = await startEmbeddedStack(options);
      expect(second.seed?.seededNow).toBe(false);
      const again = await signInDemoUser(second.authEmulatorUrl, 'admin@demo.crm');
      expect(await countRecords(second, again, 'demo-hospital', 'patients')).toBe(patientsBefore);
      const fetched = await call(second, 'crmGetRecord', { tenantId: 'demo-hospital', recordId }, again);
      expect(fetched.result?.record).toMatchObject({ data: { full_name: 'Dr. Restart Survivor' } });
    } finally {
      await first?.stop();
      await second?.stop();
    }
  }, 60_000);
});
