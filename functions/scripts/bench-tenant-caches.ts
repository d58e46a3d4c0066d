/**
 * 10,000 tenants on one instance (issue 10 item 6): one `Services` (one
 * instance's caches) serves bootstrap, get and list round-robin over 10,000
 * tenants. Reports latency percentiles per operation, config-cache hits, the
 * caches' own accounting and their measured heap (services dropped, GC'd), and
 * checks every answer belongs to the tenant asked (0 cross-tenant answers).
 * Tenants are copies of one hospital tenant with their own ids, names and
 * records, written straight to the store (selecting 10,000 templates through
 * callables would take most of an hour here).
 * Alone: `npx tsx scripts/bench-tenant-caches.ts [tenants]`.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { invokeCallable, type CallableName } from '../src/api/crm-api.js';
import type { TBootstrapResponse, TListRecordsResponse, TRecordResponse } from '../src/api/schemas.js';
import { CACHE_BUDGET_BYTES } from '../src/services/caching/cache-budgets.js';
import { createServices, type Services } from '../src/services/create-services.js';
import { CRM_APP_ID, membershipPath, OS_COLLECTIONS } from '../src/services/identity/os-firestore-identity.js';
import type { DocumentData, StoreValue } from '../src/store/document-store.js';
import { buildTestEnv } from '../src/test-support/build-test-env.js';
import { buildDoctor } from '../src/test-support/record-fixtures.js';

const BUDGET_BYTES = 64 * 1024 * 1024;

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 1000) / 1000;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

function collectGarbage(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Replaces one tenant id by another in a copied document (paths, tokens and ids carry it). */
function retarget(data: DocumentData, from: string, to: string): DocumentData {
  const swap = (value: unknown): unknown => {
    if (typeof value === 'string') return value === from ? to : value;
    if (Array.isArray(value)) return value.map(swap);
    if (value instanceof Date || value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, swap(inner)]));
  };
  return swap(data) as DocumentData;
}

export async function benchTenantCaches(tenantCount = 10_000): Promise<Record<string, unknown>> {
  const gc = collectGarbage();
  const env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  const seed = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor() })).record;
  const configDoc = (await env.store.get('crm_tenants/acme'))!.data;
  const recordDoc = (await env.store.get(`crm_tenants/acme/records/${seed.id}`))!.data;

  const seedStarted = performance.now();
  const tenants = Array.from({ length: tenantCount }, (_, index) => `t${String(index).padStart(5, '0')}`);
  for (let offset = 0; offset < tenants.length; offset += 80) {
    const batch = env.store.batch();
    for (const tenantId of tenants.slice(offset, offset + 80)) {
      batch.set(`crm_tenants/${tenantId}`, retarget(configDoc, 'acme', tenantId) as Record<string, StoreValue>);
      // Each tenant's doctor carries the tenant id in its name: an answer from another tenant's entry shows.
      const record = retarget(recordDoc, 'acme', tenantId);
      batch.set(`crm_tenants/${tenantId}/records/r-${tenantId}`, { ...record, data: { ...(record.data as object), full_name: `Dr. ${tenantId}` }, display: `Dr. ${tenantId}` });
      batch.set(`${OS_COLLECTIONS.tenants}/${tenantId}`, { name: `Clinic ${tenantId}`, status: 'active' });
      batch.set(`${OS_COLLECTIONS.tenantApps}/${tenantId}_${CRM_APP_ID}`, { enabled: true });
      batch.set(membershipPath(tenantId, `owner-${tenantId}`), { tenant_id: tenantId, user_id: `owner-${tenantId}`, role: 'owner', status: 'active' });
    }
    await batch.commit();
  }
  const seedMs = performance.now() - seedStarted;

  gc();
  const beforeServices = process.memoryUsage().heapUsed;
  const services: Services = createServices({ store: env.store });
  const latency: Record<'bootstrap' | 'get' | 'list', number[]> = { bootstrap: [], get: [], list: [] };
  let crossTenant = 0;
  const call = async <T>(op: keyof typeof latency, tenantId: string, name: CallableName, data: Record<string, unknown>): Promise<T> => {
    const started = performance.now();
    const result = (await invokeCallable(services, name, { data: { tenantId, ...data }, auth: { uid: `owner-${tenantId}`, token: {} } })) as T;
    latency[op].push(performance.now() - started);
    return result;
  };

  env.store.meter.reset();
  const passStarted = performance.now();
  for (const tenantId of tenants) {
    const boot = await call<TBootstrapResponse>('bootstrap', tenantId, 'crmBootstrap', {});
    if (boot.tenant.id !== tenantId || boot.tenant.name !== `Clinic ${tenantId}` || !boot.templateSelected) crossTenant += 1;
    const got = await call<TRecordResponse>('get', tenantId, 'crmGetRecord', { recordId: `r-${tenantId}` });
    if (got.record.data.full_name !== `Dr. ${tenantId}`) crossTenant += 1;
    const listed = await call<TListRecordsResponse>('list', tenantId, 'crmListRecords', { module: 'doctors' });
    if (listed.records.length !== 1 || listed.records[0]?.display !== `Dr. ${tenantId}`) crossTenant += 1;
  }
  const passMs = performance.now() - passStarted;
  const reads = env.store.meter.read().reads;

  const caches = { tenantConfigs: services.configs.stats(), workflowDefinitions: services.workflows.definitions.stats() };
  const summary = { bootstrap: percentiles(latency.bootstrap), get: percentiles(latency.get), list: percentiles(latency.list) };
  // The samples are not the caches' heap.
  for (const samples of Object.values(latency)) samples.length = 0;
  gc();
  // Everything the instance's services retained after the pass (the store is unchanged by reads).
  const cacheHeapBytes = process.memoryUsage().heapUsed - beforeServices;

  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return {
    tenants: tenantCount,
    seedSeconds: Math.round(seedMs / 100) / 10,
    roundRobinPassSeconds: Math.round(passMs / 100) / 10,
    latencyMs: summary,
    documentReadsPerTenantPerPass: Math.round((reads / tenantCount) * 100) / 100,
    crossTenantAnswers: crossTenant,
    caches: {
      tenantConfigs: { ...caches.tenantConfigs, estimatedMB: mb(caches.tenantConfigs.bytes), budgetMB: mb(CACHE_BUDGET_BYTES.tenantConfigs) },
      workflowDefinitions: { ...caches.workflowDefinitions, estimatedMB: mb(caches.workflowDefinitions.bytes), budgetMB: mb(CACHE_BUDGET_BYTES.workflowDefinitions) },
    },
    /** Heap one instance's services retain after the pass (all caches, identity's included), GC'd before and after. */
    cacheHeapMB: mb(cacheHeapBytes),
    cacheHeapBudgetMB: mb(BUDGET_BYTES),
    withinBudget: cacheHeapBytes <= BUDGET_BYTES,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchTenantCaches(Number(process.argv[2] ?? 10_000)), null, 2));
}
