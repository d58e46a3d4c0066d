import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, SUPER_ADMIN, type TestEnv } from '../test-support/build-test-env.js';
import type { TGetDashboardDataResponse, TListDashboardsResponse } from './dashboard-schemas.js';
import type { TBootstrapResponse, TConfigResponse } from './schemas.js';

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv({ now: () => new Date('2026-03-01T20:00:00.000Z') });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

async function setZone(timezone: string, user = env.users.acmeOwner) {
  return (await env.call<TConfigResponse>(user, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone })).config;
}

async function bootstrapZone(): Promise<string | undefined> {
  return (await env.call<TBootstrapResponse>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' })).config?.timezone;
}

describe('tenant time zone (crmUpdateTenantSettings)', () => {
  it('shows UTC until an admin sets a zone, then the zone, in bootstrap and in the returned config', async () => {
    expect(await bootstrapZone()).toBe('UTC');
    const config = await setZone('Asia/Kolkata');
    expect(config.timezone).toBe('Asia/Kolkata');
    expect(await bootstrapZone()).toBe('Asia/Kolkata');
    expect((await env.store.get('crm_tenants/acme'))?.data.timezone).toBe('Asia/Kolkata');
  });

  it('is open to owners, admins and super admins, not to members', async () => {
    await setZone('Europe/Paris', env.users.acmeAdmin);
    await setZone('America/New_York', SUPER_ADMIN);
    expect(await bootstrapZone()).toBe('America/New_York');
    const error = await env.callError(env.users.acmeMember, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Asia/Tokyo' });
    expect(error.code).toBe('permission-denied');
    expect(await bootstrapZone()).toBe('America/New_York');
  });

  it('refuses a name Intl does not know, saying what a time zone looks like, and writes nothing', async () => {
    env.store.meter.reset();
    const error = await env.callError(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Mars/Olympus_Mons' });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('"Mars/Olympus_Mons" is not a time zone like Europe/Paris');
    expect(env.store.meter.read().writes).toBe(0);
  });

  it('bumps the config revision like every other configuration edit', async () => {
    const before = (await env.call<TBootstrapResponse>(env.users.acmeOwner, 'crmBootstrap', { tenantId: 'acme' })).config!.revision;
    expect((await setZone('Asia/Kolkata')).revision).toBe(before + 1);
  });

  it('survives re-selecting the template (allowed until the first record)', async () => {
    await setZone('Asia/Kolkata');
    const { config } = await env.call<TConfigResponse>(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'corporate' });
    expect(config.template.slug).toBe('corporate');
    expect(config.timezone).toBe('Asia/Kolkata');
    expect(await bootstrapZone()).toBe('Asia/Kolkata');
  });

  it("moves dashboards' today to the tenant's day (20:00 UTC is already tomorrow in Kolkata)", async () => {
    const todayOf = async () => {
      const { dashboards } = await env.call<TListDashboardsResponse>(env.users.acmeOwner, 'crmListDashboards', { tenantId: 'acme' });
      const data = await env.call<TGetDashboardDataResponse>(env.users.acmeOwner, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: dashboards[0]!.id });
      return [data.timeZone, data.today];
    };
    expect(await todayOf()).toEqual(['UTC', '2026-03-01']);
    await setZone('Asia/Kolkata');
    expect(await todayOf()).toEqual(['Asia/Kolkata', '2026-03-02']);
  });
});

describe('tenant default language (crmUpdateTenantSettings)', () => {
  it('is unset (the browser decides) until an admin picks Spanish, keeps the zone, and refuses a language the SPA does not ship', async () => {
    expect((await env.call<TBootstrapResponse>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' })).config?.defaultLanguage).toBeNull();
    const { config } = await env.call<TConfigResponse>(env.users.acmeAdmin, 'crmUpdateTenantSettings', {
      tenantId: 'acme', timezone: 'Europe/Madrid', defaultLanguage: 'es',
    });
    expect(config).toMatchObject({ defaultLanguage: 'es', timezone: 'Europe/Madrid' });
    // A later zone-only change leaves the language alone.
    expect((await setZone('Asia/Kolkata')).defaultLanguage).toBe('es');
    const error = await env.callError(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'UTC', defaultLanguage: 'fr' });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('defaultLanguage');
    expect((await env.call<TBootstrapResponse>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' })).config?.defaultLanguage).toBe('es');
  });
});
