/**
 * `npx tsx functions/scripts/bench-import.ts [--rows 10000,100000] [--module patients|medical_records] [--slice-ms 50000]`
 *
 * The import job at scale, on the store the embedded runtime uses (MemoryStore
 * on a SQLite file, every commit fsynced). For each size it generates a CSV
 * with the repo's generator (2% invalid rows, relationship columns naming
 * doctors, and patients for `medical_records`), creates the records those
 * columns name, then runs the import job's slices to the end the way the job
 * runner does (cursor and progress in the job document, checkpointed in each
 * chunk's transaction) and prints:
 *
 * - rows/s over the whole job (counting pass, slices, error file);
 * - reads and writes per created row as Firestore bills them (the store's
 *   meter; the record trigger — history, workflows — is not attached: it costs
 *   the same for imported and hand-made records), and counter writes;
 * - peak RSS sampled every 100 ms, and the file size: memory must not follow the file;
 * - checks: records in the module = valid rows, 0 duplicate record numbers,
 *   error-file rows = the generator's invalid rows.
 *
 * Figures, not assertions; exit 1 if a check fails.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { invokeCallable } from '../src/api/crm-api.js';
import { createServices } from '../src/services/create-services.js';
import { importPaths } from '../src/services/imports/import-paths.js';
import { ImportJobParamsSchema } from '../src/services/imports/import-params.js';
import { runImportSlice, type ImportSliceContext } from '../src/services/imports/import-slice.js';
import { runSlicesToEnd } from '../src/services/imports/test-support/slice-harness.js';
import { crmPaths } from '../src/services/paths.js';
import { loadTemplateFiles } from '../src/services/templates/load-template-files.js';
import { seedTemplates } from '../src/services/templates/seed-templates.js';
import { loadIndexConfig } from '../src/store/memory/load-index-config.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { addTenant, buildUser, TEMPLATES_DIR } from '../src/test-support/build-test-env.js';
import { doctorName, generateImportCsv, patientName } from './generate-import-csv.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const SIZES = arg('rows', '10000,100000').split(',').map(Number);
const MODULE = arg('module', 'patients') === 'medical_records' ? 'medical_records' : 'patients';
const SLICE_MS = Number(arg('slice-ms', '50000'));
const DOCTORS = 50;
const PATIENTS = 1000;
const TENANT = 'bench';
const admin = buildUser('bench-admin');

const MAPPINGS = {
  patients: ['patient_id', 'full_name', 'date_of_birth', 'phone', 'email', 'status', 'primary_doctor'],
  medical_records: ['title', 'record_type', 'patient', 'doctor', 'visit_date', 'diagnosis'],
} as const;

async function benchOne(rows: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-import-'));
  try {
    const store = new MemoryStore({ filePath: join(dir, 'store.sqlite'), indexes: await loadIndexConfig() });
    const services = createServices({ store });
    await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));
    await addTenant(store, TENANT, 'Bench Hospital', [[admin, 'owner']]);
    await invokeCallable(services, 'crmSelectTemplate', { data: { tenantId: TENANT, templateSlug: 'hospital' }, auth: admin.claims });
    const caller = { uid: admin.uid, tenantId: TENANT, tenantName: 'Bench Hospital', role: 'owner' as const, platformRole: null };
    for (let i = 0; i < DOCTORS; i += 1) {
      await services.records.create(caller, 'doctors', { full_name: doctorName(i), specialization: 'Cardiologist', license_number: `LIC-${i}`, email: `doc${i}@example.com`, status: 'Active' });
    }
    if (MODULE === 'medical_records') {
      await Promise.all(
        Array.from({ length: PATIENTS }, (_, i) =>
          services.records.create(caller, 'patients', { patient_id: `B-${i + 1}`, full_name: patientName(i + 1), date_of_birth: '1980-01-01', phone: '+1 555 010 0000', status: 'New' }),
        ),
      );
    }
    const csvPath = join(dir, `${MODULE}.csv`);
    const generated = await generateImportCsv({ rows, out: csvPath, module: MODULE, doctors: DOCTORS, invalid: 0.02, patients: PATIENTS });
    const fileBytes = statSync(csvPath).size;
    const outputs = new Map<string, string>();
    const files = {
      read: async (path: string): Promise<Readable> => (path === 'source' ? createReadStream(csvPath) : createReadStream(outputs.get(path) ?? '')),
      write: async (path: string, body: AsyncIterable<Uint8Array> | string): Promise<{ size: number }> => {
        const target = join(dir, `out-${outputs.size}.csv`);
        const chunks: Buffer[] = [];
        if (typeof body === 'string') chunks.push(Buffer.from(body));
        else for await (const chunk of body) chunks.push(Buffer.from(chunk));
        await writeFile(target, Buffer.concat(chunks));
        outputs.set(path, target);
        return { size: statSync(target).size };
      },
    };
    const jobId = `bench${rows}`;
    const params = ImportJobParamsSchema.parse({
      uploadId: jobId,
      module: MODULE,
      fileName: `${MODULE}.csv`,
      format: 'csv',
      sourcePath: 'source',
      mapping: MAPPINGS[MODULE].map((field, column) => ({ column, field })),
      mode: 'create',
      runWorkflows: false,
      actor: { uid: admin.uid, role: 'owner', platformRole: null },
    });
    let counterWrites = 0;
    const counterPath = crmPaths.counter(TENANT, MODULE);
    const stop = store.onChange('counters', (change) => {
      if (change.path === counterPath) counterWrites += 1;
    });
    await store.whenIdle();
    counterWrites = 0;
    if (global.gc) global.gc();
    let peakRss = process.memoryUsage().rss;
    const startRss = peakRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    store.meter.reset();
    const started = performance.now();
    let slices = 0;
    const job = await runSlicesToEnd(
      store,
      importPaths.job(TENANT, jobId),
      { id: jobId, params: params as unknown as Record<string, unknown>, createdBy: admin.uid },
      async (ctx: ImportSliceContext) => {
        slices += 1;
        return runImportSlice(ctx);
      },
      (base): ImportSliceContext => ({ ...base, services: { store, configs: services.configs, numbers: services.numbers, files } }),
      { tenantId: TENANT, sliceMs: SLICE_MS },
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const meter = store.meter.read();
    await store.whenIdle();
    stop();
    const counts = job.progress.counts as { created: number; failed: number };

    // Checks (after the measurement): every valid row in, numbers unique, the error file holds the invalid rows.
    const inModule = await store.aggregate({ collection: crmPaths.records(TENANT), where: [{ field: 'tokens', op: 'array-contains', value: MODULE }] }, { n: { op: 'count' } });
    const numbers = new Set<number>();
    let duplicates = 0;
    let after: number | null = null;
    for (;;) {
      const page = await store.query({
        collection: crmPaths.records(TENANT),
        where: [{ field: 'tokens', op: 'array-contains', value: MODULE }],
        orderBy: [{ field: 'seq' }],
        ...(after !== null ? { startAfter: [after] } : {}),
        limit: 2000,
      });
      for (const doc of page) {
        const seq = Number(doc.data.seq);
        if (numbers.has(seq)) duplicates += 1;
        numbers.add(seq);
      }
      if (page.length < 2000) break;
      after = Number(page[page.length - 1]?.data.seq);
    }
    const errorFile = outputs.get(String(job.result?.errorFile)) ?? null;
    let errorRows = 0;
    if (errorFile) {
      const { readTable } = await import('../src/services/imports/read-table.js');
      for await (const _row of readTable(createReadStream(errorFile), 'csv')) errorRows += 1;
      errorRows -= 1;
    }
    await store.close();
    const checks = {
      allValidRowsIn: inModule.n === rows - generated.invalid && counts.created === rows - generated.invalid,
      duplicateNumbers: duplicates,
      errorFileRows: errorRows,
      errorFileMatchesInvalid: errorRows === generated.invalid && counts.failed === generated.invalid,
    };
    return {
      module: MODULE,
      rows,
      invalidRows: generated.invalid,
      fileMB: Number((fileBytes / 1024 / 1024).toFixed(1)),
      slices,
      seconds: Number(seconds.toFixed(1)),
      rowsPerSecond: Math.round(rows / seconds),
      created: counts.created,
      failed: counts.failed,
      reads: meter.reads,
      writes: meter.writes,
      readsPerCreatedRow: Number((meter.reads / counts.created).toFixed(3)),
      writesPerCreatedRow: Number((meter.writes / counts.created).toFixed(3)),
      counterWrites,
      counterBudget: Math.floor(rows / 100),
      rssStartMB: Math.round(startRss / 1024 / 1024),
      rssPeakMB: Math.round(peakRss / 1024 / 1024),
      checks,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
let failed = false;
for (const rows of SIZES) {
  const result = await benchOne(rows);
  results.push(result);
  console.log(JSON.stringify(result));
  const checks = result.checks as { allValidRowsIn: boolean; duplicateNumbers: number; errorFileMatchesInvalid: boolean };
  if (!checks.allValidRowsIn || checks.duplicateNumbers > 0 || !checks.errorFileMatchesInvalid) failed = true;
}
process.exit(failed ? 1 : 0);
