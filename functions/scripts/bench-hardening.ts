/**
 * Issue 11 figures: what a hostile tenant's pattern and mail template cost,
 * whether another tenant notices, and what membership checks cost in reads.
 * Part of `npm run bench` (figures, not assertions); `npm run bench features`
 * runs only the feature benches.
 */
import { performance } from 'node:perf_hooks';
import { buildTestEnv } from '../src/test-support/build-test-env.js';
import { buildPatient } from '../src/test-support/record-fixtures.js';
import { checkFieldValue } from '../src/engine/fields/check-field-value.js';
import { interpolate } from '../src/engine/workflows/interpolate.js';

const REDOS = '^(a+)+$';

function percentiles(samples: number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(3));
  return { p50: at(50), p95: at(95), max: at(100), samples: sorted.length };
}

function timeEach(runs: number, run: () => unknown): Record<string, number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

/** Checking one value against the ReDoS pattern of issue 11 (V8's engine: 1.8–6.6 s at 29 characters). */
function patternCost() {
  const field = { key: 'code', label: 'Code', type: 'text' as const, required: false, validation: { pattern: REDOS } };
  const bad28 = `${'a'.repeat(28)}!`;
  const bad1000 = `${'a'.repeat(999)}!`;
  checkFieldValue(field, bad1000); // compile once, as a warm instance would have
  return {
    pattern: REDOS,
    value29CharsMs: timeEach(200, () => checkFieldValue(field, bad28)),
    value1000CharsMs: timeEach(200, () => checkFieldValue(field, bad1000)),
  };
}

/** A mail body of `{{` and 19,998 spaces (the body limit is 20,000): the old placeholder regex was cubic in it. */
function interpolationCost() {
  const context = { data: {}, related: {}, relatedDisplay: {}, record: {}, tenant: {}, owner: {} };
  const body = `{{${' '.repeat(19_998)}`;
  return { bodyChars: body.length, ms: timeEach(50, () => interpolate({ template: body, context })) };
}

/**
 * Tenant globex bootstraps while tenant acme floods record creates whose
 * value the ReDoS pattern must reject, all on one event loop (one instance),
 * as in the attack. Compared with a quiet instance, and with the same flood
 * refused by a plain length rule (the control: what any flood of refused
 * creates costs a neighbour, pattern or not).
 */
async function crossTenantDelay() {
  const env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
  for (const field of [
    { key: 'code', label: 'Code', type: 'text', validation: { pattern: REDOS } },
    { key: 'short_code', label: 'Short code', type: 'text', validation: { max_length: 10 } },
  ]) {
    await env.call(env.users.acmeOwner, 'crmAddField', { tenantId: 'acme', module: 'patients', field });
  }
  const bootstrap = async () => {
    const started = performance.now();
    await env.call(env.users.globexMember, 'crmBootstrap', { tenantId: 'globex' });
    return performance.now() - started;
  };
  for (let i = 0; i < 20; i += 1) await bootstrap(); // warm caches

  const bootstrapsDuring = async (flood: Record<string, string> | null) => {
    let attacking = flood !== null;
    let refused = 0;
    const attacker = (async () => {
      while (attacking && flood) {
        const batch = Array.from({ length: 10 }, () =>
          env.callError(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient(flood) }),
        );
        for (const error of await Promise.all(batch)) if (error.code === 'invalid-argument') refused += 1;
      }
    })();
    const samples: number[] = [];
    for (let i = 0; i < 200; i += 1) samples.push(await bootstrap());
    attacking = false;
    await attacker;
    return { otherTenantBootstrapMs: percentiles(samples), attackerCreatesRefused: refused };
  };
  const bad = `${'a'.repeat(999)}!`;
  return {
    quiet: await bootstrapsDuring(null),
    controlFloodRefusedByLength: await bootstrapsDuring({ short_code: bad }),
    redosFloodRefusedByPattern: await bootstrapsDuring({ code: bad }),
  };
}

/** Document reads one membership check costs now that tenant facts are not cached (issue 11 item 7). */
async function membershipReads() {
  const env = await buildTestEnv();
  await env.call(env.users.acmeMember, 'crmListMyTenants', {});
  env.store.meter.reset();
  await env.services.identity.resolveMembership(env.users.acmeMember.claims, 'acme');
  const member = env.store.meter.read().reads;
  env.store.meter.reset();
  await env.services.identity.resolveMembership({ uid: 'root', token: { platform_role: 'super_admin' } }, 'acme');
  return { readsPerTenantCallMember: member, readsPerTenantCallSuperAdmin: env.store.meter.read().reads };
}

export async function benchHardening(): Promise<Record<string, unknown>> {
  return {
    tenantPattern: patternCost(),
    interpolation: interpolationCost(),
    crossTenant: await crossTenantDelay(),
    identity: await membershipReads(),
  };
}
