import { fileURLToPath } from 'node:url';
import type { HttpsError } from 'firebase-functions/v2/https';
import { MemoryStore, type MemoryStoreOptions } from '../store/memory/memory-store.js';
import { loadIndexConfig } from '../store/memory/load-index-config.js';
import { createServices, type Services } from '../services/create-services.js';
import { loadTemplateFiles } from '../services/templates/load-template-files.js';
import { seedTemplates } from '../services/templates/seed-templates.js';
import { invokeCallable, type CallableName } from '../api/crm-api.js';
import { toHttpsError } from '../api/to-https-error.js';
import { membershipPath, OS_COLLECTIONS, CRM_APP_ID } from '../services/identity/os-firestore-identity.js';
import type { AuthClaims } from '../services/identity/identity-port.js';
import type { TenantRole } from '../engine/permissions/evaluate-permission.js';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates', import.meta.url));

export interface TestUser {
  readonly uid: string;
  readonly claims: AuthClaims;
}

export function buildUser(uid: string, token: Record<string, unknown> = {}): TestUser {
  return { uid, claims: { uid, email: `${uid}@example.test`, token } };
}

export const SUPER_ADMIN = buildUser('root', { platform_role: 'super_admin' });

/**
 * A store with the repository's indexes and templates, two tenants (`acme`,
 * `globex`) each with an owner, an admin and a member, and `call()` which runs
 * a callable exactly as the deployed function does (errors as HttpsError).
 */
export async function buildTestEnv(options: { now?: () => Date; changeFeed?: MemoryStoreOptions['changeFeed'] } = {}) {
  const store = new MemoryStore({ indexes: await loadIndexConfig(), ...(options.changeFeed ? { changeFeed: options.changeFeed } : {}) });
  const services = createServices({ store, ...(options.now ? { now: options.now } : {}) });
  await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));
  const users = {
    acmeOwner: buildUser('acme-owner'),
    acmeAdmin: buildUser('acme-admin'),
    acmeMember: buildUser('acme-member'),
    acmeMember2: buildUser('acme-member-2'),
    globexOwner: buildUser('globex-owner'),
    globexMember: buildUser('globex-member'),
    outsider: buildUser('outsider'),
  };
  await addTenant(store, 'acme', 'Acme Clinic', [
    [users.acmeOwner, 'owner'],
    [users.acmeAdmin, 'admin'],
    [users.acmeMember, 'member'],
    [users.acmeMember2, 'member'],
  ]);
  await addTenant(store, 'globex', 'Globex Health', [
    [users.globexOwner, 'owner'],
    [users.globexMember, 'member'],
  ]);

  async function call<T = Record<string, unknown>>(user: TestUser | null, name: CallableName, data: unknown): Promise<T> {
    try {
      return (await invokeCallable(services, name, { data, auth: user?.claims ?? null })) as T;
    } catch (error) {
      throw toHttpsError(error);
    }
  }

  /** Runs a callable that must fail; returns the HttpsError. */
  async function callError(user: TestUser | null, name: CallableName, data: unknown): Promise<HttpsError> {
    try {
      await call(user, name, data);
    } catch (error) {
      return error as HttpsError;
    }
    throw new Error(`${name} succeeded but was expected to fail`);
  }

  return { store, services, users, call, callError };
}

export type TestEnv = Awaited<ReturnType<typeof buildTestEnv>>;

export async function addTenant(
  store: MemoryStore,
  tenantId: string,
  name: string,
  members: ReadonlyArray<readonly [TestUser, TenantRole]>,
): Promise<void> {
  await store.set(`${OS_COLLECTIONS.tenants}/${tenantId}`, { name, status: 'active' });
  await store.set(`${OS_COLLECTIONS.tenantApps}/${tenantId}_${CRM_APP_ID}`, { enabled: true });
  for (const [user, role] of members) {
    await store.set(membershipPath(tenantId, user.uid), { tenant_id: tenantId, user_id: user.uid, role, status: 'active' });
  }
}

export type { Services };
