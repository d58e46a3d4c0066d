import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { addTenant, buildUser, SUPER_ADMIN } from '../../test-support/build-test-env.js';
import { CRM_APP_ID, MEMBERSHIP_READS, OS_COLLECTIONS, OsFirestoreIdentity } from './os-firestore-identity.js';

const owner = buildUser('acme-owner');

describe('OsFirestoreIdentity', () => {
  let store: MemoryStore;
  let identity: OsFirestoreIdentity;

  beforeEach(async () => {
    store = new MemoryStore();
    await addTenant(store, 'acme', 'Acme Clinic', [[owner, 'owner']]);
    identity = new OsFirestoreIdentity(store);
    // Warm the instance first: a cache, if there were one, would now hold the tenant as active.
    expect(await identity.resolveMembership(owner.claims, 'acme')).toMatchObject({ role: 'owner', tenantName: 'Acme Clinic' });
  });

  it('refuses a suspended tenant on the very next call of the same instance', async () => {
    await store.update(`${OS_COLLECTIONS.tenants}/acme`, { status: 'suspended' });
    expect(await identity.resolveMembership(owner.claims, 'acme')).toBeNull();
    expect(await identity.resolveMembership(SUPER_ADMIN.claims, 'acme')).toBeNull();
  });

  it('refuses a tenant whose CRM app was disabled on the very next call', async () => {
    await store.set(`${OS_COLLECTIONS.tenantApps}/acme_${CRM_APP_ID}`, { enabled: false });
    expect(await identity.resolveMembership(owner.claims, 'acme')).toBeNull();
  });

  it('lets the tenant back in as soon as the OS re-enables it', async () => {
    await store.update(`${OS_COLLECTIONS.tenants}/acme`, { status: 'suspended' });
    expect(await identity.resolveMembership(owner.claims, 'acme')).toBeNull();
    await store.update(`${OS_COLLECTIONS.tenants}/acme`, { status: 'active' });
    expect(await identity.resolveMembership(owner.claims, 'acme')).toMatchObject({ role: 'owner' });
  });

  it('costs 3 document reads per call for a member and 2 for a super admin, every call', async () => {
    store.meter.reset();
    for (let call = 0; call < 5; call++) await identity.resolveMembership(owner.claims, 'acme');
    expect(store.meter.read().reads).toBe(5 * MEMBERSHIP_READS.member);
    expect(MEMBERSHIP_READS.member).toBe(3);
    store.meter.reset();
    await identity.resolveMembership(SUPER_ADMIN.claims, 'acme');
    expect(store.meter.read().reads).toBe(MEMBERSHIP_READS.superAdmin);
    expect(MEMBERSHIP_READS.superAdmin).toBe(2);
  });
});
