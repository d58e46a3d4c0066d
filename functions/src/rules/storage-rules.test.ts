import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import type { RulesTestEnvironment } from '@firebase/rules-unit-testing';
import type * as RulesUnitTesting from '@firebase/rules-unit-testing';
import type * as FirestoreSdk from 'firebase/firestore';
import type * as StorageSdk from 'firebase/storage';

/**
 * storage.rules against the Storage and Firestore emulators (the rules read
 * membership and grants from Firestore). Like the Firestore rules suite, it
 * needs Java 21 for the emulators, so here it is skipped and says so; run it
 * with `npm run test:emulators` where they exist.
 */
const firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
const storageHost = process.env.FIREBASE_STORAGE_EMULATOR_HOST;
const ready = Boolean(firestoreHost && storageHost);
const SKIP_REASON =
  'skipped: FIRESTORE_EMULATOR_HOST / FIREBASE_STORAGE_EMULATOR_HOST are not set; the emulators need Java 21 — run `npm run test:emulators` where they exist';

const MiB = 1024 * 1024;

describe.skipIf(!ready)(`storage.rules${ready ? '' : ` (${SKIP_REASON})`}`, () => {
  let testEnv: RulesTestEnvironment;
  let rut: typeof RulesUnitTesting;
  let fs: typeof FirestoreSdk;
  let st: typeof StorageSdk;

  const split = (host: string | undefined, port: string) => {
    const [hostname = '127.0.0.1', p = port] = (host ?? '').split(':');
    return { host: hostname, port: Number(p) };
  };

  beforeAll(async () => {
    rut = await import('@firebase/rules-unit-testing');
    fs = await import('firebase/firestore');
    st = await import('firebase/storage');
    const read = (file: string) => readFileSync(fileURLToPath(new URL(`../../../${file}`, import.meta.url)), 'utf8');
    testEnv = await rut.initializeTestEnvironment({
      projectId: `demo-crm-storage-${Date.now()}`,
      firestore: { ...split(firestoreHost, '8080'), rules: read('firestore.rules') },
      storage: { ...split(storageHost, '9199'), rules: read('storage.rules') },
    });
  });

  afterAll(async () => {
    await testEnv?.cleanup();
  });

  beforeEach(async () => {
    await testEnv.clearFirestore();
    await testEnv.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      const put = (path: string, data: Record<string, unknown>) => fs.setDoc(fs.doc(db, path), data);
      for (const tenant of ['acme', 'globex']) {
        await put(`tenants/${tenant}`, { name: tenant, status: 'active' });
        await put(`tenant_apps/${tenant}_crm-pro`, { enabled: true });
        await put(`crm_tenants/${tenant}`, { permissions: { owner: { patients: ['*'] }, member: { patients: ['read'], notes: ['create'] } } });
        for (const role of ['owner', 'member']) {
          await put(`tenant_users/${tenant}_${tenant}-${role}`, { tenant_id: tenant, user_id: `${tenant}-${role}`, role, status: 'active' });
        }
      }
      await put('tenant_users/acme_acme-gone', { tenant_id: 'acme', user_id: 'acme-gone', role: 'owner', status: 'suspended' });
    });
  });

  const upload = (uid: string | null, path: string, { size = 1024, type = 'application/pdf' }: { size?: number; type?: string } = {}) => {
    const storage = uid ? testEnv.authenticatedContext(uid).storage() : testEnv.unauthenticatedContext().storage();
    return st.uploadBytes(st.ref(storage, path), new Uint8Array(size), { contentType: type });
  };

  it("lets a member upload into their tenant's folder of a module their role may write", async () => {
    await rut.assertSucceeds(upload('acme-owner', 'crm/acme/patients/u1/scan.pdf'));
    await rut.assertSucceeds(upload('acme-member', 'crm/acme/notes/u2/photo.png', { type: 'image/png' }));
  });

  it("refuses another tenant's folder, a module without a write grant, and suspended or signed-out users", async () => {
    await rut.assertFails(upload('globex-owner', 'crm/acme/patients/u1/scan.pdf'));
    await rut.assertFails(upload('acme-member', 'crm/acme/patients/u1/scan.pdf'));
    await rut.assertFails(upload('acme-gone', 'crm/acme/patients/u1/scan.pdf'));
    await rut.assertFails(upload(null, 'crm/acme/patients/u1/scan.pdf'));
  });

  it('refuses files over 25 MiB, empty files and types a browser would run', async () => {
    await rut.assertFails(upload('acme-owner', 'crm/acme/patients/u1/big.pdf', { size: 25 * MiB + 1 }));
    await rut.assertFails(upload('acme-owner', 'crm/acme/patients/u1/empty.pdf', { size: 0 }));
    await rut.assertFails(upload('acme-owner', 'crm/acme/patients/u1/page.html', { type: 'text/html' }));
    await rut.assertFails(upload('acme-owner', 'crm/acme/patients/u1/image.svg', { type: 'image/svg+xml' }));
  });

  it('refuses paths outside crm/{tenant}/{module}/{upload}/{file}', async () => {
    await rut.assertFails(upload('acme-owner', 'crm/acme/scan.pdf'));
    await rut.assertFails(upload('acme-owner', 'other/acme/patients/u1/scan.pdf'));
  });
});
