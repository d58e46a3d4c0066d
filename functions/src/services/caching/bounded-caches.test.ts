import { describe, expect, it } from 'vitest';
import { buildTestEnv } from '../../test-support/build-test-env.js';
import { ConfigStore } from '../config/config-store.js';
import { crmPaths } from '../paths.js';
import { HEAP_BYTES_PER_JSON_CHAR } from './cache-budgets.js';

describe('per-instance caches are bounded by size', () => {
  it('evicts the least recently used tenant config once the byte budget is reached, and never mixes tenants', async () => {
    const env = await buildTestEnv();
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'real-estate' });
    const acmeBytes = JSON.stringify((await env.store.get(crmPaths.tenant('acme')))!.data).length * HEAP_BYTES_PER_JSON_CHAR;
    // Room for one hospital config, not two.
    const configs = new ConfigStore(env.store, { maxBytes: Math.ceil(acmeBytes * 1.5) });

    expect((await configs.load('acme'))?.template?.slug).toBe('hospital');
    expect(configs.stats().entries).toBe(1);
    expect((await configs.load('globex'))?.template?.slug).toBe('real-estate');
    expect(configs.stats().entries).toBe(1);
    expect(configs.stats().bytes).toBeLessThanOrEqual(Math.ceil(acmeBytes * 1.5));

    // acme was evicted: loading it again reads the store (and answers acme's, not globex's).
    env.store.meter.reset();
    expect((await configs.load('acme'))?.tenantId).toBe('acme');
    expect(env.store.meter.read().reads).toBe(1);
  });

  it('serves a hit without a read while the entry is in budget and fresh', async () => {
    const env = await buildTestEnv();
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
    let now = 0;
    const configs = new ConfigStore(env.store, { ttlMs: 1_000, now: () => now });
    await configs.load('acme');
    env.store.meter.reset();
    await configs.load('acme');
    expect(env.store.meter.read().reads).toBe(0);
    now = 1_001;
    await configs.load('acme');
    expect(env.store.meter.read().reads).toBe(1);
  });
});
