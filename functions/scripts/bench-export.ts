/**
 * `npx tsx scripts/bench-export.ts [--records 100000] [--file-type csv|xlsx] [--format formatted|raw]`:
 * an export of a whole Hospital `patients` module as the embedded runtime
 * runs it: MemoryStore on a SQLite file, the local file store under the same
 * temporary data folder, the export job on the in-process job runner in
 * 5-second slices. Records are loaded directly (built as the record service
 * builds them, written with `importDocuments`, see bench-store.ts), then the
 * export is started through `crmStartExport` and timed until its file is
 * written.
 *
 * Prints rows/s, Firestore reads per exported row as the billing meter
 * counts them (list pages, the count for the progress bar, the job's own
 * documents, membership checks per slice), writes, the file size, and the
 * peak RSS sampled every 50 ms during the export next to the RSS before it:
 * memory must stay flat whatever the module size (one part of 2,000 rows in
 * memory at a time). Figures, not assertions.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalFileStore } from '../src/adapters/local-file-store.js';
import { invokeCallable } from '../src/api/crm-api.js';
import { resolveModule } from '../src/services/config/tenant-config.js';
import { createServices, type Services } from '../src/services/create-services.js';
import { crmPaths } from '../src/services/paths.js';
import { formatRecordNumber } from '../src/services/records/number-allocator.js';
import { recordIndexFields, withRecordIndex } from '../src/services/records/record-index.js';
import { recordToWriteData, type StoredRecord } from '../src/services/records/record-model.js';
import { loadTemplateFiles } from '../src/services/templates/load-template-files.js';
import { seedTemplates } from '../src/services/templates/seed-templates.js';
import type { DocumentData } from '../src/store/document-store.js';
import { loadIndexConfig } from '../src/store/memory/load-index-config.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { addTenant, buildUser, TEMPLATES_DIR } from '../src/test-support/build-test-env.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const RECORDS = Number(argValue('records', '100000'));
const FILE_TYPE = argValue('file-type', 'csv');
const FORMAT = argValue('format', 'formatted');
const BATCH = 5_000;
const TENANT = 'bench';
const owner = buildUser('bench-owner');
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Thompson', 'Perlman', 'Lee'];
const STATUSES = ['New', 'Active', 'Discharged'];

function patient(i: number): Record<string, unknown> {
  return {
    patient_id: `P-${i}`,
    // Every 1,000th name is a formula: the export must neutralise it.
    full_name: i % 1000 === 0 ? `=HYPERLINK("http://evil.example/${i}","x")` : `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`,
    date_of_birth: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    phone: `+1 555 ${String(1_000_000 + i).slice(-7)}`,
    email: `patient${i}@example.com`,
    gender: ['Female', 'Male', 'Other'][i % 3],
    status: STATUSES[i % STATUSES.length],
  };
}

async function loadDirect(store: MemoryStore, services: Services, count: number): Promise<void> {
  const config = await services.configs.require(TENANT);
  const module = resolveModule(config, 'patients');
  if (!module) throw new Error('no patients module');
  const counterPath = crmPaths.counter(TENANT, 'patients');
  await store.set(counterPath, { next: count + 1, updatedAt: new Date() });
  for (let done = 0; done < count; done += BATCH) {
    const docs: Array<{ path: string; data: DocumentData; createTime: Date; updateTime: Date }> = [];
    for (let k = done; k < Math.min(count, done + BATCH); k++) {
      const now = new Date(Date.UTC(2026, 0, 1) + k * 1000);
      const data = patient(k);
      const seq = k + 1;
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-export-'));
  const store = new MemoryStore({ indexes: await loadIndexConfig(), filePath: join(dir, 'store.sqlite') });
  const files = await LocalFileStore.open(join(dir, 'files'));
  const services = createServices({ store, files });
  await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));
  await addTenant(store, TENANT, 'Bench Clinic', [[owner, 'owner']]);
  await invokeCallable(services, 'crmSelectTemplate', { data: { tenantId: TENANT, templateSlug: 'hospital' }, auth: owner.claims });
  const loadStart = performance.now();
  await loadDirect(store, services, RECORDS);
  const loadSeconds = (performance.now() - loadStart) / 1000;

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  store.meter.reset();
  const start = performance.now();
  const { jobId } = (await invokeCallable(services, 'crmStartExport', {
    data: { tenantId: TENANT, module: 'patients', format: FORMAT, fileType: FILE_TYPE },
    auth: owner.claims,
  })) as { jobId: string };
  await services.jobs.whenIdle();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const cost = store.meter.read();
  const job = await services.jobs.get(TENANT, jobId);
  if (job?.status !== 'done') throw new Error(`export ended ${job?.status}: ${JSON.stringify(job?.error)}`);
  const rows = Number(job.result?.rows);
  const figure = {
    records: RECORDS,
    fileType: FILE_TYPE,
    format: FORMAT,
    rows,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(rows / seconds),
    readsPerRow: Number((cost.reads / rows).toFixed(4)),
    reads: cost.reads,
    writes: cost.writes,
    fileMB: Number((Number(job.result?.size) / 2 ** 20).toFixed(1)),
    rssBeforeMB: Math.round(rssBefore / 2 ** 20),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    loadSeconds: Number(loadSeconds.toFixed(1)),
  };
  console.log(JSON.stringify(figure, null, 2));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
