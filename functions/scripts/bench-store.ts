/**
 * `npm run bench:store -- --sizes 1000,10000,100000,1000000`: the embedded
 * store at scale. One tenant's Hospital `patients` module is filled through
 * the services (crmCreateRecord: validation, numbering, unique claims,
 * tokens), on the SQLite file the embedded runtime uses, with commits
 * acknowledged after fsync. The record trigger (history, workflows) is not
 * attached: this measures the store and the record service.
 *
 * Past `--direct-from` records (default 100,000) the rest of a size is loaded
 * directly, to reach 1,000,000 in minutes rather than hours: each record is
 * built as the service builds it (record index fields, unique claim, a number
 * from a block reserved on the module's counter) and written with
 * `importDocuments` in batches, skipping validation, relationship lookups and
 * the per-record transaction; the latency samples at every size still go
 * through crmCreateRecord and crmListRecords.
 *
 * At each size it prints: create p50/p99 (sequential, each waiting for its
 * fsync), load throughput (concurrent creates, group-committed), list page
 * p50/p99 (plain, facet filter, search), cold start-up (open + first page),
 * RSS and file size. Figures, not assertions.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { invokeCallable, type CallableName } from '../src/api/crm-api.js';
import { createServices, type Services } from '../src/services/create-services.js';
import { loadTemplateFiles } from '../src/services/templates/load-template-files.js';
import { seedTemplates } from '../src/services/templates/seed-templates.js';
import { loadIndexConfig } from '../src/store/memory/load-index-config.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { addTenant, buildUser, TEMPLATES_DIR } from '../src/test-support/build-test-env.js';
import { createHash } from 'node:crypto';
import { resolveModule } from '../src/services/config/tenant-config.js';
import { formatRecordNumber } from '../src/services/records/number-allocator.js';
import { recordIndexFields, withRecordIndex } from '../src/services/records/record-index.js';
import { recordToWriteData, type StoredRecord } from '../src/services/records/record-model.js';
import { crmPaths } from '../src/services/paths.js';
import type { DocumentData } from '../src/store/document-store.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const SIZES = argValue('sizes', '1000,10000,100000').split(',').map(Number);
const CONCURRENCY = Number(argValue('concurrency', '64'));
const SAMPLES = Number(argValue('samples', '200'));
const DIRECT_FROM = Number(argValue('direct-from', '100000'));
const DIRECT_BATCH = 5_000;
const TENANT = 'bench';
const owner = buildUser('bench-owner');
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Thompson', 'Perlman', 'Lee'];
const STATUSES = ['New', 'Active', 'Discharged'];

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => Number((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(2));
  return { p50: at(0.5), p99: at(0.99) };
}

function fileBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function patient(i: number): Record<string, unknown> {
  return {
    patient_id: `P-${i}`,
    full_name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`,
    date_of_birth: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 9}`,
    phone: `+1 555 ${String(i % 10000).padStart(4, '0')}`,
    email: `patient${i}@example.com`,
    status: STATUSES[i % STATUSES.length],
  };
}

async function open(file: string): Promise<{ store: MemoryStore; services: Services }> {
  const store = new MemoryStore({ filePath: file, indexes: await loadIndexConfig() });
  return { store, services: createServices({ store }) };
}

function call(services: Services, name: CallableName, data: unknown): Promise<unknown> {
  return invokeCallable(services, name, { data, auth: owner.claims });
}

async function timeEach(n: number, run: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  return percentiles(samples);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-store-'));
  const file = join(dir, 'store.sqlite');
  let { store, services } = await open(file);
  await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));
  await addTenant(store, TENANT, 'Bench Clinic', [[owner, 'owner']]);
  await call(services, 'crmSelectTemplate', { tenantId: TENANT, templateSlug: 'hospital' });
  const list = (extra: Record<string, unknown>) => () => call(services, 'crmListRecords', { tenantId: TENANT, module: 'patients', pageSize: 50, sort: 'number', direction: 'desc', ...extra });
  // As in the product, the list screens are used from the first record on: the store builds
  // each query shape's index on its first use, when the collection is still small.
  await list({})();
  await list({ filters: [{ field: 'status', op: 'eq', value: 'Active' }] })();
  await list({ search: 'ada' })();
  let next = 0;
  const results: unknown[] = [];
  for (const size of SIZES) {
    const toLoad = size - next - SAMPLES;
    const loadStart = performance.now();
    const viaServices = Math.max(0, Math.min(toLoad, DIRECT_FROM - next));
    const direct = Math.max(0, toLoad - viaServices);
    let cursor = next;
    next += viaServices;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (cursor < next) {
        const i = cursor++;
        await call(services, 'crmCreateRecord', { tenantId: TENANT, module: 'patients', data: patient(i) });
      }
    });
    await Promise.all(workers);
    if (direct > 0) {
      await loadDirect(store, services, next, direct);
      next += direct;
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const create = await timeEach(SAMPLES, (k) => call(services, 'crmCreateRecord', { tenantId: TENANT, module: 'patients', data: patient(next + k) }));
    next += SAMPLES;

    const plain = await timeEach(SAMPLES, list({}));
    const facet = await timeEach(SAMPLES, list({ filters: [{ field: 'status', op: 'eq', value: 'Active' }] }));
    // One word, as typed into the search box: served by the search index (several words scan within the first word's matches).
    const search = await timeEach(SAMPLES, (k) => list({ search: (LAST[k % LAST.length] as string).slice(0, 5) })());

    // Cold start: a new process would open the file and serve its first page.
    await store.close();
    const startT = performance.now();
    ({ store, services } = await open(file));
    await list({})();
    const startupMs = performance.now() - startT;

    const figure = {
      records: next,
      loadRecordsPerSecond: Math.round(Math.max(0, toLoad) / Math.max(loadSeconds, 1e-9)),
      loadedDirectly: direct,
      createMs: create,
      listPageMs: { plain, facet, search },
      startupMs: Number(startupMs.toFixed(1)),
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
      fileMB: Number((fileBytes(dir) / 2 ** 20).toFixed(1)),
      bytesPerRecord: Math.round(fileBytes(dir) / next),
    };
    results.push(figure);
    console.error(JSON.stringify(figure));
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ store: 'MemoryStore on SQLite (file, fsync per commit group)', concurrency: CONCURRENCY, samples: SAMPLES, results }, null, 2));
}

/** Records built as RecordsService.create builds them, written in batches (see the header). */
async function loadDirect(store: MemoryStore, services: Services, from: number, count: number): Promise<void> {
  const config = await services.configs.require(TENANT);
  const module = resolveModule(config, 'patients');
  if (!module) throw new Error('no patients module');
  // Reserve a block of numbers on the module's counter, as the allocator does.
  const counterPath = crmPaths.counter(TENANT, 'patients');
  const firstSeq = await store.runTransaction(async (tx) => {
    const counter = await tx.get(counterPath);
    const nextSeq = typeof counter?.data.next === 'number' ? counter.data.next : 1;
    tx.set(counterPath, { next: nextSeq + count, updatedAt: new Date() });
    return nextSeq;
  });
  for (let done = 0; done < count; done += DIRECT_BATCH) {
    const docs: Array<{ path: string; data: DocumentData; createTime: Date; updateTime: Date }> = [];
    const now = new Date();
    for (let k = done; k < Math.min(count, done + DIRECT_BATCH); k++) {
      const data = patient(from + k);
      const seq = firstSeq + k;
      const number = formatRecordNumber(module.prefix, seq);
      const id = store.newId();
      const record: StoredRecord = withRecordIndex(
        {
          module: 'patients', seq, number, data, refs: {}, display: String(data.full_name), ownerId: owner.uid, createdBy: owner.uid, updatedBy: owner.uid,
          createdAt: now, updatedAt: now, deleted: false, deletedAt: null, deletedBy: null, version: 1,
          ...(config.template ? { schemaVersion: config.template.version } : {}),
        },
        recordIndexFields({ module, data, number, ownerId: owner.uid, deleted: false }),
      );
      docs.push({ path: crmPaths.record(TENANT, id), data: recordToWriteData(record) as DocumentData, createTime: now, updateTime: now });
      const digest = createHash('sha256').update(String(data.patient_id).toLowerCase()).digest('hex').slice(0, 40);
      docs.push({ path: crmPaths.uniqueValue(TENANT, `patients__patient_id__${digest}`), data: { module: 'patients', field: 'patient_id', recordId: id, number }, createTime: now, updateTime: now });
    }
    await store.importDocuments(docs);
  }
}

await main();
