import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { buildDoctor } from '../../test-support/record-fixtures.js';
import type { TRecordResponse, TListRecordsResponse } from '../../api/schemas.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord } from '../records/record-model.js';
import { importPaths } from './import-paths.js';
import { ImportJobParamsSchema, type ImportJobParams } from './import-params.js';
import { runImportSlice, type ImportSliceContext } from './import-slice.js';
import { runRevertSlice, type RevertSliceContext } from './revert-slice.js';
import { MemoryFiles, runSlicesToEnd, type HarnessJob } from './test-support/slice-harness.js';

let env: TestEnv;
let files: MemoryFiles;

beforeEach(async () => {
  env = await buildTestEnv();
  files = new MemoryFiles();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

const PATIENT_HEADER = 'Patient ID,Full name,Date of birth,Phone,Status,Primary doctor,Email';

function patientRow(i: number, overrides: Partial<Record<'id' | 'name' | 'dob' | 'phone' | 'status' | 'doctor' | 'email', string>> = {}): string {
  const cells = {
    id: `P-${i}`,
    name: `Patient ${i}`,
    dob: '1980-01-02',
    phone: '+1 555 010 0000',
    status: 'New',
    doctor: '',
    email: `p${i}@example.com`,
    ...overrides,
  };
  return [cells.id, cells.name, cells.dob, cells.phone, cells.status, cells.doctor, cells.email].join(',');
}

const PATIENT_MAPPING = [
  { column: 0, field: 'patient_id' },
  { column: 1, field: 'full_name' },
  { column: 2, field: 'date_of_birth' },
  { column: 3, field: 'phone' },
  { column: 4, field: 'status' },
  { column: 5, field: 'primary_doctor' },
  { column: 6, field: 'email' },
];

function paramsFor(jobId: string, overrides: Partial<ImportJobParams> = {}): ImportJobParams {
  return ImportJobParamsSchema.parse({
    uploadId: jobId,
    module: 'patients',
    fileName: 'patients.csv',
    format: 'csv',
    sourcePath: `crm/acme/_imports/${jobId}/patients.csv`,
    mapping: PATIENT_MAPPING,
    mode: 'create',
    actor: { uid: env.users.acmeAdmin.uid, role: 'admin', platformRole: null },
    ...overrides,
  });
}

async function runImport(jobId: string, csv: string, overrides: Partial<ImportJobParams> = {}, options: { sliceMs?: number; onCheckpoint?: (count: number) => void } = {}): Promise<HarnessJob> {
  const params = paramsFor(jobId, overrides);
  await files.write(params.sourcePath, csv);
  return runSlicesToEnd(
    env.store,
    importPaths.job('acme', jobId),
    { id: jobId, params: params as unknown as Record<string, unknown>, createdBy: params.actor.uid },
    runImportSlice,
    (base): ImportSliceContext => ({ ...base, services: { store: env.store, configs: env.services.configs, numbers: env.services.numbers, files } }),
    { tenantId: 'acme', ...(options.sliceMs !== undefined ? { sliceMs: options.sliceMs } : {}), ...(options.onCheckpoint ? { onCheckpoint: options.onCheckpoint } : {}) },
  );
}

async function runRevert(importJobId: string, jobId: string, total: number): Promise<HarnessJob> {
  return runSlicesToEnd(
    env.store,
    importPaths.job('acme', jobId),
    { id: jobId, params: { importJobId, module: 'patients', total, actor: { uid: env.users.acmeAdmin.uid, role: 'admin', platformRole: null } }, createdBy: env.users.acmeAdmin.uid },
    runRevertSlice,
    (base): RevertSliceContext => ({ ...base, services: { store: env.store, configs: env.services.configs } }),
    { tenantId: 'acme' },
  );
}

async function listPatients(): Promise<TListRecordsResponse['records']> {
  const all: TListRecordsResponse['records'] = [];
  let cursor: string | null = null;
  do {
    const page: TListRecordsResponse = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: 100, ...(cursor ? { cursor } : {}) });
    all.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('import job: create', () => {
  it('creates valid rows with numbers, unique claims and related display values; collects invalid rows with row, column and message', async () => {
    const doctor = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor({ full_name: 'Dr. Grace Hopper' }) })).record;
    const csv = [
      PATIENT_HEADER,
      patientRow(1, { doctor: 'dr. grace hopper' }),
      patientRow(2, { email: 'not-an-email' }),
      patientRow(3, { doctor: 'Dr. Nobody' }),
      patientRow(4, { status: 'active' }),
      patientRow(5, { id: 'P-1' }),
    ].join('\n');
    const job = await runImport('job1', csv);
    expect(job.progress.counts).toMatchObject({ created: 2, failed: 3 });
    expect(job.progress.total).toBe(5);
    const patients = await listPatients();
    expect(patients.map((p) => p.data.patient_id).sort()).toEqual(['P-1', 'P-4']);
    const first = patients.find((p) => p.data.patient_id === 'P-1');
    expect(first?.related.primary_doctor).toEqual({ id: doctor.id, display: 'Dr. Grace Hopper' });
    expect(patients.find((p) => p.data.patient_id === 'P-4')?.data.status).toBe('Active');
    expect(new Set(patients.map((p) => p.number)).size).toBe(2);

    const errorFile = String(job.result?.errorFile);
    const lines = parse(files.text(errorFile), { bom: true }) as string[][];
    expect(lines[0]).toEqual([...PATIENT_HEADER.split(','), 'Row', 'Errors']);
    expect(lines.map((line) => line.slice(-2))).toEqual([
      ['Row', 'Errors'],
      ['3', 'Email: "Email" must be an email address like name@example.com'],
      ['4', 'Primary doctor: "Primary Doctor": no Doctor record "Dr. Nobody"'],
      ['6', 'Patient ID: "Patient ID" is already used by another row of this file'],
    ]);
    // The failed rows keep their original cells, ready to fix and import again.
    expect(lines[1]?.slice(0, 7)).toEqual(patientRow(2, { email: 'not-an-email' }).split(','));
  });

  it('writes the error file in the importer\'s language', async () => {
    const job = await runImport('job-es', [PATIENT_HEADER, patientRow(1, { email: 'x' })].join('\n'), { language: 'es' });
    const text = files.text(String(job.result?.errorFile));
    expect(text).toContain('Fila,Errores');
    expect(text).toContain('debe ser un correo electrónico como nombre@ejemplo.com');
  });

  it('writes the counter at most once per 100 rows (leased number blocks)', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => patientRow(i + 1));
    let counterWrites = 0;
    const counterPath = crmPaths.counter('acme', 'patients');
    const stop = env.store.onChange('counters', (change) => {
      if (change.path === counterPath) counterWrites += 1;
    });
    const job = await runImport('job-many', [PATIENT_HEADER, ...rows].join('\n'));
    await env.store.whenIdle();
    stop();
    expect(job.progress.counts).toEqual({ created: 450 });
    expect(counterWrites).toBeGreaterThan(0);
    expect(counterWrites).toBeLessThanOrEqual(Math.ceil(450 / 100));
    const patients = await listPatients();
    expect(patients).toHaveLength(450);
    expect(new Set(patients.map((p) => p.number)).size).toBe(450);
  });

  it('marks imported records so their history says "from import" and the trigger can skip workflows', async () => {
    await runImport('job-mark', [PATIENT_HEADER, patientRow(1)].join('\n'), { runWorkflows: false });
    const [patient] = await listPatients();
    const doc = await env.store.get(crmPaths.record('acme', String(patient?.id)));
    expect((doc?.data as { imported?: unknown }).imported).toEqual({ jobId: 'job-mark', row: 2, workflows: false });
  });
});

describe('import job: resume after a crash', () => {
  it('a slice that dies mid-way re-runs from its checkpoint: no duplicates, nothing lost', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => patientRow(i + 1, i % 50 === 7 ? { email: 'bad' } : {}));
    const params = paramsFor('job-crash');
    await files.write(params.sourcePath, [PATIENT_HEADER, ...rows].join('\n'));
    // The third chunk dies inside its transaction (before the commit), as a killed instance would.
    let checkpoints = 0;
    const crash = runImport('job-crash', [PATIENT_HEADER, ...rows].join('\n'), {}, {
      onCheckpoint: () => {
        checkpoints += 1;
        if (checkpoints === 4) throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    const partial = (await env.store.get(importPaths.job('acme', 'job-crash')))?.data as unknown as HarnessJob;
    expect(partial.progress.done).toBeGreaterThan(0);
    expect(partial.progress.done).toBeLessThan(300);
    const job = await runImport('job-crash', [PATIENT_HEADER, ...rows].join('\n'));
    expect(job.progress.counts).toMatchObject({ created: 294, failed: 6 });
    const patients = await listPatients();
    expect(patients).toHaveLength(294);
    expect(new Set(patients.map((p) => p.data.patient_id)).size).toBe(294);
    expect(new Set(patients.map((p) => p.number)).size).toBe(294);
  });

  it('stops at the deadline and continues in the next slice', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => patientRow(i + 1));
    const job = await runImport('job-slices', [PATIENT_HEADER, ...rows].join('\n'), {}, { sliceMs: 0 });
    expect(job.progress.counts).toMatchObject({ created: 250 });
    expect(await listPatients()).toHaveLength(250);
  });
});

describe('import job: update and upsert', () => {
  it('upsert by a unique field: the second import of the same file updates and creates nothing', async () => {
    const csv = [PATIENT_HEADER, patientRow(1), patientRow(2)].join('\n');
    const first = await runImport('up1', csv, { mode: 'upsert', matchKey: 'patient_id' });
    expect(first.progress.counts).toMatchObject({ created: 2 });
    const changed = [PATIENT_HEADER, patientRow(1, { name: 'Renamed One' }), patientRow(2)].join('\n');
    const second = await runImport('up2', changed, { mode: 'upsert', matchKey: 'patient_id' });
    expect(second.progress.counts).toEqual({ updated: 1, unchanged: 1 });
    const patients = await listPatients();
    expect(patients).toHaveLength(2);
    expect(patients.find((p) => p.data.patient_id === 'P-1')?.data.full_name).toBe('Renamed One');
  });

  it('update only: unmatched rows are errors; match by record number works', async () => {
    await runImport('seed', [PATIENT_HEADER, patientRow(1), patientRow(2)].join('\n'));
    const csv = ['Number,Full name', 'PAT-000001,Changed', 'PAT-000099,Ghost', 'XYZ-1,Wrong'].join('\n');
    const job = await runImport('upd', csv, { mode: 'update', matchKey: '_number', mapping: [{ column: 0, field: '_number' }, { column: 1, field: 'full_name' }] });
    expect(job.progress.counts).toEqual({ updated: 1, failed: 2 });
    const patients = await listPatients();
    expect(patients.find((p) => p.number === 'PAT-000001')?.data.full_name).toBe('Changed');
  });

  it('a member with update_own only updates their own records; the rest are row errors', async () => {
    await env.call(env.users.acmeMember, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: { patient_id: 'P-1', full_name: 'Mine', date_of_birth: '1980-01-01', phone: '+1 555 010 0000', status: 'New' } });
    await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: { patient_id: 'P-2', full_name: 'Not mine', date_of_birth: '1980-01-01', phone: '+1 555 010 0000', status: 'New' } });
    const csv = ['Patient ID,Full name', 'P-1,Mine edited', 'P-2,Not mine edited'].join('\n');
    const job = await runImport('own', csv, {
      mode: 'update',
      matchKey: 'patient_id',
      mapping: [{ column: 0, field: 'patient_id' }, { column: 1, field: 'full_name' }],
      actor: { uid: env.users.acmeMember.uid, role: 'member', platformRole: null },
    });
    expect(job.progress.counts).toMatchObject({ updated: 1, failed: 1 });
    const names = (await listPatients()).map((p) => p.data.full_name).sort();
    expect(names).toEqual(['Mine edited', 'Not mine']);
  });
});

describe('revert', () => {
  it('soft-deletes created records, restores updated ones, and reports a record a user edited since', async () => {
    await runImport('base', [PATIENT_HEADER, patientRow(1), patientRow(2)].join('\n'));
    const csv = [PATIENT_HEADER, patientRow(1, { name: 'Imported One' }), patientRow(2, { name: 'Imported Two' }), patientRow(3)].join('\n');
    const imported = await runImport('imp', csv, { mode: 'upsert', matchKey: 'patient_id' });
    expect(imported.progress.counts).toMatchObject({ created: 1, updated: 2 });
    // A user edits P-2 after the import.
    const p2 = (await listPatients()).find((p) => p.data.patient_id === 'P-2');
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: p2?.id, expectedVersion: p2?.version, data: { full_name: 'Edited by hand' } });

    const revert = await runRevert('imp', 'rev', 3);
    expect(revert.result).toMatchObject({ deleted: 1, restored: 1, conflicts: 1, conflictNumbers: [p2?.number] });
    const patients = await listPatients();
    expect(patients.map((p) => [p.data.patient_id, p.data.full_name]).sort()).toEqual([
      ['P-1', 'Patient 1'],
      ['P-2', 'Edited by hand'],
    ]);
    const [log] = await env.store.query({ collection: importPaths.createdLogs('acme', 'imp') });
    const createdId = (log?.data.created as string[])[0] ?? '';
    const created = await env.store.get(crmPaths.record('acme', createdId));
    expect(asStoredRecord(created?.data ?? {}).deleted).toBe(true);
    expect(asStoredRecord(created?.data ?? {}).data.patient_id).toBe('P-3');
  });
});
