/**
 * `npm run bench`: Firestore billing and latency of the CRM's operations,
 * measured on MemoryStore, whose meter bills reads and writes as Firestore
 * does. Prints one JSON document. Figures, not assertions: budgets are
 * checked by reading them (see the README), not by a timed test.
 */
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { buildTestEnv, type TestEnv, type TestUser } from '../src/test-support/build-test-env.js';
import { buildAppointment, buildDoctor, buildPatient } from '../src/test-support/record-fixtures.js';
import { invokeCallable, type CallableName } from '../src/api/crm-api.js';
import { createServices } from '../src/services/create-services.js';
import { onRecordWritten } from '../src/services/records/on-record-written.js';
import type { TListRecordsResponse, TRecordResponse } from '../src/api/schemas.js';
import type { MeterReading } from '../src/store/document-store.js';

type Env = TestEnv;

async function metered<T>(env: Env, run: () => Promise<T>): Promise<{ result: T; cost: MeterReading }> {
  env.store.meter.reset();
  const result = await run();
  return { result, cost: env.store.meter.read() };
}

function percentiles(samples: number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(3));
  return { p50: at(50), p95: at(95), p99: at(99), max: at(100), samples: sorted.length };
}

async function hospitalEnv(): Promise<Env> {
  const env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  return env;
}

async function create(env: Env, user: TestUser, module: string, data: Record<string, unknown>) {
  return (await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module, data })).record;
}

/** Firestore reads/writes per operation, steady state (caches warm, number blocks leased). */
async function costPerOperation() {
  const env = await hospitalEnv();
  const owner = env.users.acmeOwner;
  await env.call(owner, 'crmBootstrap', { tenantId: 'acme' });
  const doctor = await create(env, owner, 'doctors', buildDoctor({ license_number: 'L-0' }));
  for (let i = 0; i < 120; i += 1) {
    await create(env, owner, 'patients', buildPatient({ patient_id: `W-${i}`, primary_doctor: doctor.id }));
  }
  const patient = await create(env, owner, 'patients', buildPatient({ patient_id: 'P-main' }));

  const runs = 500;
  const sum = { reads: 0, writes: 0 };
  for (let i = 0; i < runs; i += 1) {
    const { cost } = await metered(env, () =>
      create(env, owner, 'appointments', buildAppointment({ patient: patient.id, doctor: doctor.id })),
    );
    sum.reads += cost.reads;
    sum.writes += cost.writes;
  }
  const createWithTwoRelationships = { reads: sum.reads / runs, writes: sum.writes / runs };

  const withUnique = await metered(env, () => create(env, owner, 'patients', buildPatient({ patient_id: 'P-unique' })));
  const get = await metered(env, () => env.call(owner, 'crmGetRecord', { tenantId: 'acme', recordId: patient.id }));
  const patientPath = `crm_tenants/acme/records/${patient.id}`;
  const beforeUpdate = (await env.store.get(patientPath))!.data;
  const update = await metered(env, () =>
    env.call(owner, 'crmUpdateRecord', { tenantId: 'acme', recordId: patient.id, expectedVersion: 1, data: { status: 'Active' } }),
  );
  // The record trigger for that update, run once by hand (the cost env has no change feed): referrer
  // refresh query, history entry (1 write), workflow definitions and runs.
  const afterUpdate = (await env.store.get(patientPath))!.data;
  const trigger = await metered(env, () =>
    onRecordWritten(env.services, { eventId: 'bench-update', kind: 'updated', path: patientPath, before: beforeUpdate, after: afterUpdate, time: new Date() }),
  );
  const updateRelationship = await metered(env, () =>
    env.call(owner, 'crmUpdateRecord', { tenantId: 'acme', recordId: patient.id, expectedVersion: 2, data: { primary_doctor: doctor.id } }),
  );
  const list = await metered(env, () =>
    env.call<TListRecordsResponse>(owner, 'crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: 50 }),
  );
  const listFiltered = await metered(env, () =>
    env.call<TListRecordsResponse>(owner, 'crmListRecords', {
      tenantId: 'acme', module: 'patients', pageSize: 50, filters: [{ field: 'primary_doctor', op: 'eq', value: doctor.id }],
    }),
  );

  const cold = await buildTestEnv();
  await cold.call(cold.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  cold.services.configs.invalidate('acme');
  const bootstrapFirst = await metered(cold, () => cold.call(cold.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' }));
  const bootstrapCached = await metered(cold, () => cold.call(cold.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' }));

  return {
    createWithTwoRelationshipsAmortized: createWithTwoRelationships,
    createWithOneUniqueField: withUnique.cost,
    get: get.cost,
    update: update.cost,
    recordTriggerAfterUpdate: trigger.cost,
    updateChangingOneRelationship: updateRelationship.cost,
    listPage50WithRelatedDisplayValues: { ...list.cost, returned: list.result.records.length },
    listPage50FilteredByRelationship: { ...listFiltered.cost, returned: listFiltered.result.records.length },
    bootstrapFirstCall: bootstrapFirst.cost,
    bootstrapCached: bootstrapCached.cost,
  };
}

/** Wall-clock latency of each callable through the service layer (in-process, MemoryStore). */
async function latencyPerCallable() {
  const env = await hospitalEnv();
  const owner = env.users.acmeOwner;
  const doctor = await create(env, owner, 'doctors', buildDoctor({ license_number: 'L-lat' }));
  const samples: Partial<Record<CallableName, number[]>> = {};
  const time = async (name: CallableName, data: Record<string, unknown>) => {
    const started = performance.now();
    const result = await env.call(owner, name, data);
    (samples[name] ??= []).push(performance.now() - started);
    return result;
  };
  for (let i = 0; i < 200; i += 1) {
    const { record } = (await time('crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: `LAT-${i}`, primary_doctor: doctor.id }),
    })) as TRecordResponse;
    await time('crmGetRecord', { tenantId: 'acme', recordId: record.id });
    await time('crmUpdateRecord', { tenantId: 'acme', recordId: record.id, expectedVersion: 1, data: { status: 'Active' } });
    if (i % 4 === 0) await time('crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: 50 });
    if (i % 4 === 0) await time('crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: 50, search: 'ada' });
    if (i % 4 === 0) await time('crmBootstrap', { tenantId: 'acme' });
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, percentiles(values)]));
}

/** Record numbering under load: uniqueness and how often the counter document is written. */
async function numbering() {
  const counterWrites = (env: Env) => {
    let writes = 0;
    const stop = env.store.onChange('counters', () => {
      writes += 1;
    });
    return { count: () => writes, stop };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  const concurrentEnv = await hospitalEnv();
  const concurrentCounter = counterWrites(concurrentEnv);
  const started = performance.now();
  const concurrent = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      create(concurrentEnv, concurrentEnv.users.acmeOwner, 'doctors', buildDoctor({ license_number: `C-${i}` })),
    ),
  );
  const concurrentMs = performance.now() - started;
  await settle();
  const concurrentNumbers = concurrent.map((record) => record.number);

  // Four instances (separate caches and number blocks) over one store, as Cloud Functions scales out.
  const sharedEnv = await hospitalEnv();
  const instances = Array.from({ length: 4 }, () => createServices({ store: sharedEnv.store }));
  const sharedCounter = counterWrites(sharedEnv);
  const acrossInstances = await Promise.all(
    Array.from({ length: 1000 }, async (_, i) => {
      const record = await invokeCallable(instances[i % 4]!, 'crmCreateRecord', {
        auth: sharedEnv.users.acmeOwner.claims,
        data: { tenantId: 'acme', module: 'doctors', data: buildDoctor({ license_number: `I-${i}` }) },
      });
      return (record as TRecordResponse).record.number;
    }),
  );
  await settle();
  sharedCounter.stop();

  const sequentialEnv = await hospitalEnv();
  const sequentialCounter = counterWrites(sequentialEnv);
  const sequentialStarted = performance.now();
  const sequentialNumbers: string[] = [];
  for (let i = 0; i < 10_000; i += 1) {
    sequentialNumbers.push((await create(sequentialEnv, sequentialEnv.users.acmeOwner, 'doctors', buildDoctor({ license_number: `S-${i}` }))).number);
  }
  const sequentialMs = performance.now() - sequentialStarted;
  await settle();
  concurrentCounter.stop();
  sequentialCounter.stop();

  return {
    concurrentCreates1000: {
      records: concurrentNumbers.length,
      duplicateNumbers: concurrentNumbers.length - new Set(concurrentNumbers).size,
      counterDocumentWrites: concurrentCounter.count(),
      wallMs: Math.round(concurrentMs),
    },
    concurrentCreates1000AcrossFourInstances: {
      records: acrossInstances.length,
      duplicateNumbers: acrossInstances.length - new Set(acrossInstances).size,
      counterDocumentWrites: sharedCounter.count(),
    },
    sequentialCreates10000: {
      records: sequentialNumbers.length,
      duplicateNumbers: sequentialNumbers.length - new Set(sequentialNumbers).size,
      counterDocumentWrites: sequentialCounter.count(),
      recordsPerSecond: Math.round(10_000 / (sequentialMs / 1000)),
    },
  };
}

/** Feature benchmarks register themselves as scripts/bench-<feature>.ts exporting bench<Feature>(). */
async function featureBenches(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const [file, exportName] of [
    ['bench-workflows', 'benchWorkflows'],
    ['bench-dashboards', 'benchDashboards'],
    ['bench-hardening', 'benchHardening'],
    ['bench-index-entries', 'benchIndexEntries'],
    ['bench-cold-start', 'benchColdStart'],
    ['bench-tenant-caches', 'benchTenantCaches'],
    ['bench-integrations', 'benchIntegrations'],
  ] as const) {
    if (!existsSync(new URL(`./${file}.ts`, import.meta.url))) continue;
    const module = (await import(`./${file}.js`)) as Record<string, () => Promise<unknown>>;
    const bench = module[exportName];
    if (bench) results[file.replace('bench-', '')] = await bench();
  }
  return results;
}

async function main() {
  const only = process.argv[2];
  const report: Record<string, unknown> = { store: 'MemoryStore (Firestore billing meter)', node: process.version };
  if (!only || only === 'cost') report.firestoreCostPerOperation = await costPerOperation();
  if (!only || only === 'latency') report.latencyMsPerCallable = await latencyPerCallable();
  if (!only || only === 'numbering') report.recordNumbering = await numbering();
  if (!only || only === 'features') Object.assign(report, await featureBenches());
  console.log(JSON.stringify(report, null, 2));
}

await main();
