import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import { tenantFiles } from '../services/files/file-store.js';
import type { MemoryFileStore } from '../services/files/memory-file-store.js';
import { historyEntryFor } from '../services/records/record-history.js';
import { crmPaths } from '../services/paths.js';
import type { TJobView } from './job-schemas.js';
import type { TListRecordsResponse, TRecordResponse } from './schemas.js';
import type { TJobStartedResponse, TPreviewImportResponse, TStartImportUploadResponse } from './import-schemas.js';

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
});

const HEADER = 'Patient ID,Full name,Date of birth,Phone,Status,Primary doctor';
const row = (id: string, name: string, doctor = '', dob = '1980-01-02') => `${id},${name},${dob},+1 555 010 0000,New,${doctor}`;

/** Upload as the SPA does: ask for a slot, then put the bytes where it says (here straight into the memory file store). */
async function upload(user: TestUser, csv: string, tenantId = 'acme', module = 'patients', fileName = 'patients.csv'): Promise<string> {
  const slot = await env.call<TStartImportUploadResponse>(user, 'crmStartImportUpload', { tenantId, module, fileName, size: csv.length });
  expect(slot.method).toBe('PUT');
  await env.services.files.write(tenantFiles.importSource(tenantId, slot.uploadId, fileName), csv);
  return slot.uploadId;
}

async function importAndWait(user: TestUser, uploadId: string, options: Record<string, unknown>, tenantId = 'acme'): Promise<TJobView> {
  const { jobId } = await env.call<TJobStartedResponse>(user, 'crmStartImport', { tenantId, uploadId, options });
  await env.services.jobs.whenIdle();
  return (await env.call<{ job: TJobView }>(user, 'crmGetJob', { tenantId, jobId })).job;
}

const MAPPING = ['patient_id', 'full_name', 'date_of_birth', 'phone', 'status', 'primary_doctor'].map((field, column) => ({ column, field }));

async function patients(tenantId = 'acme', user = env.users.acmeOwner): Promise<TListRecordsResponse['records']> {
  return (await env.call<TListRecordsResponse>(user, 'crmListRecords', { tenantId, module: 'patients', pageSize: 100 })).records;
}

describe('import callables', () => {
  it('preview suggests the mapping and marks bad cells; the job imports valid rows and the error file holds the rest', async () => {
    await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor({ full_name: 'Dr. House' }) });
    const uploadId = await upload(env.users.acmeMember, [HEADER, row('P-1', 'Ada', 'Dr. House'), row('P-2', 'Bob', '', '2026-02-30'), row('P-3', 'Cy', 'Dr. Who')].join('\n'));
    const bare = await env.call<TPreviewImportResponse>(env.users.acmeMember, 'crmPreviewImport', { tenantId: 'acme', uploadId });
    expect(bare.header).toEqual(HEADER.split(','));
    expect(bare.suggested).toEqual(MAPPING);
    expect(bare.matchKeys).toContain('patient_id');
    const checked = await env.call<TPreviewImportResponse>(env.users.acmeMember, 'crmPreviewImport', { tenantId: 'acme', uploadId, options: { mapping: MAPPING, mode: 'create' } });
    expect(checked.errors.map((error) => [error.row, error.column, error.field])).toEqual([
      [3, 2, 'date_of_birth'],
      [4, 5, 'primary_doctor'],
    ]);

    const job = await importAndWait(env.users.acmeMember, uploadId, { mapping: MAPPING, mode: 'create' });
    expect(job.status).toBe('done');
    expect(job.progress).toMatchObject({ total: 3, done: 3, counts: { created: 1, failed: 2 } });
    const list = await patients();
    expect(list.map((p) => [p.data.full_name, p.related.primary_doctor?.display, p.ownerId])).toEqual([['Ada', 'Dr. House', env.users.acmeMember.uid]]);

    const file = await env.call<{ url: string; fileName: string }>(env.users.acmeMember, 'crmGetImportErrorFile', { tenantId: 'acme', jobId: job.id });
    expect(file.fileName).toBe('patients-errors.csv');
    const stored = (env.services.files as MemoryFileStore).list(`crm/acme/_jobs/${job.id}/`);
    expect(stored).toEqual([`crm/acme/_jobs/${job.id}/import-errors.csv`]);
    // The error file is the importer's and the admins': another member gets not-found.
    expect((await env.callError(env.users.acmeMember2, 'crmGetImportErrorFile', { tenantId: 'acme', jobId: job.id })).code).toBe('not-found');

    // The mapping is remembered for this user and module.
    const again = await upload(env.users.acmeMember, [HEADER, row('P-9', 'Zed')].join('\n'));
    const preview = await env.call<TPreviewImportResponse>(env.users.acmeMember, 'crmPreviewImport', { tenantId: 'acme', uploadId: again });
    expect(preview.saved?.mapping).toEqual(MAPPING);
  });

  it('upsert by a unique field twice: the second run updates and creates nothing; revert restores all but the record a user edited since', async () => {
    const first = await importAndWait(env.users.acmeAdmin, await upload(env.users.acmeAdmin, [HEADER, row('P-1', 'Ada'), row('P-2', 'Bob')].join('\n')), { mapping: MAPPING, mode: 'upsert', matchKey: 'patient_id' });
    expect(first.progress.counts).toMatchObject({ created: 2 });
    const second = await importAndWait(env.users.acmeAdmin, await upload(env.users.acmeAdmin, [HEADER, row('P-1', 'Ada Changed'), row('P-2', 'Bob Changed')].join('\n')), {
      mapping: MAPPING,
      mode: 'upsert',
      matchKey: 'patient_id',
    });
    expect(second.progress.counts).toEqual({ updated: 2 });
    expect((await patients()).map((p) => p.data.full_name).sort()).toEqual(['Ada Changed', 'Bob Changed']);

    const bob = (await patients()).find((p) => p.data.patient_id === 'P-2');
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: bob?.id, expectedVersion: bob?.version, data: { full_name: 'Bob by hand' } });
    const { jobId } = await env.call<TJobStartedResponse>(env.users.acmeAdmin, 'crmRevertImport', { tenantId: 'acme', jobId: second.id });
    await env.services.jobs.whenIdle();
    const revert = (await env.call<{ job: TJobView }>(env.users.acmeAdmin, 'crmGetJob', { tenantId: 'acme', jobId })).job;
    expect(revert.result).toMatchObject({ restored: 1, conflicts: 1, conflictNumbers: [bob?.number] });
    expect((await patients()).map((p) => p.data.full_name).sort()).toEqual(['Ada', 'Bob by hand']);
    expect((await env.callError(env.users.acmeAdmin, 'crmRevertImport', { tenantId: 'acme', jobId: second.id })).code).toBe('already-exists');
  });

  it('refuses from the server what the role may not do: no create, or no update for update modes', async () => {
    // Members may only read doctors.
    expect((await env.callError(env.users.acmeMember, 'crmStartImportUpload', { tenantId: 'acme', module: 'doctors', fileName: 'd.csv', size: 10 })).code).toBe('permission-denied');
    // Admins may create doctors but not delete...; members may create patients but update only their own: update mode is allowed (own records only).
    const uploadId = await upload(env.users.acmeMember, [HEADER, row('P-1', 'Ada')].join('\n'));
    const job = await importAndWait(env.users.acmeMember, uploadId, { mapping: MAPPING, mode: 'update', matchKey: 'patient_id' });
    expect(job.progress.counts).toEqual({ failed: 1 });
    // The owner of new records is the importer unless an admin says otherwise.
    const other = await upload(env.users.acmeMember, [HEADER, row('P-5', 'Eve')].join('\n'));
    expect((await env.callError(env.users.acmeMember, 'crmStartImport', { tenantId: 'acme', uploadId: other, options: { mapping: MAPPING, mode: 'create', ownerId: env.users.acmeOwner.uid } })).code).toBe('invalid-argument');
    // Someone else's upload is not found.
    expect((await env.callError(env.users.acmeMember2, 'crmPreviewImport', { tenantId: 'acme', uploadId: other })).code).toBe('not-found');
  });

  it('is tenant-isolated: another tenant cannot use an upload, and relationship cells only find records of the importing tenant', async () => {
    await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor({ full_name: 'Dr. Acme Only' }) });
    const acmeUpload = await upload(env.users.acmeOwner, [HEADER, row('P-1', 'Ada', 'Dr. Acme Only')].join('\n'));
    expect((await env.callError(env.users.globexOwner, 'crmPreviewImport', { tenantId: 'globex', uploadId: acmeUpload })).code).toBe('not-found');
    expect((await env.callError(env.users.globexOwner, 'crmPreviewImport', { tenantId: 'acme', uploadId: acmeUpload })).code).toBe('permission-denied');

    const globexUpload = await upload(env.users.globexOwner, [HEADER, row('P-1', 'Ada', 'Dr. Acme Only'), row('P-2', 'Bo')].join('\n'), 'globex');
    const job = await importAndWait(env.users.globexOwner, globexUpload, { mapping: MAPPING, mode: 'create' }, 'globex');
    expect(job.progress.counts).toMatchObject({ created: 1, failed: 1 });
    // The same patient id in two tenants: unique values are per tenant.
    expect((await patients('globex', env.users.globexOwner)).map((p) => p.data.patient_id)).toEqual(['P-2']);
    // An upsert in globex does not match acme's records.
    await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-7' }) });
    const upsert = await importAndWait(env.users.globexOwner, await upload(env.users.globexOwner, [HEADER, row('P-7', 'Globex Seven')].join('\n'), 'globex'), { mapping: MAPPING, mode: 'upsert', matchKey: 'patient_id' }, 'globex');
    expect(upsert.progress.counts).toEqual({ created: 1 });
    expect((await patients()).find((p) => p.data.patient_id === 'P-7')?.data.full_name).toBe('Ada Lovelace');
  });

  it('a slice that fails mid-way (a store fault) is retried by the runner from its checkpoint: nothing twice, nothing lost', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => row(`P-${i}`, `Name ${i}`));
    const uploadId = await upload(env.users.acmeAdmin, [HEADER, ...rows].join('\n'));
    const realRun = env.store.runTransaction.bind(env.store);
    let chunkCommits = 0;
    env.store.runTransaction = (async (fn: Parameters<typeof realRun>[0]) =>
      realRun(async (tx) => {
        const result = await fn(tx);
        // Fail the third chunk's commit, once: the transaction's writes are thrown away with it.
        if (result && typeof result === 'object' && 'phase' in result) {
          chunkCommits += 1;
          if (chunkCommits === 3) throw new Error('simulated crash before commit');
        }
        return result;
      })) as typeof env.store.runTransaction;
    const job = await importAndWait(env.users.acmeAdmin, uploadId, { mapping: MAPPING, mode: 'create' });
    env.store.runTransaction = realRun;
    expect(chunkCommits).toBeGreaterThan(3);
    expect(job.status).toBe('done');
    expect(job.progress).toMatchObject({ done: 400, counts: { created: 400 } });
    expect(job.progress.counts.failed).toBeUndefined();
    const all = await env.store.query({ collection: crmPaths.records('acme'), where: [{ field: 'tokens', op: 'array-contains', value: 'patients' }] });
    expect(all).toHaveLength(400);
    expect(new Set(all.map((doc) => doc.data.number)).size).toBe(400);
    expect(new Set(all.map((doc) => (doc.data.data as { patient_id: string }).patient_id)).size).toBe(400);
  });
});

describe('history of imported records', () => {
  it('says the change came from the import', () => {
    const after = { module: 'patients', data: { full_name: 'Ada' }, version: 1, createdBy: 'u1', imported: { jobId: 'job-42', row: 2, workflows: true } };
    expect(historyEntryFor({ before: null, after, time: new Date() })?.source).toEqual({ kind: 'import', jobId: 'job-42' });
    // A later hand edit keeps the marker on the record but is not "from import".
    const edited = { ...after, data: { full_name: 'Ada L.' }, version: 2, updatedBy: 'u2' };
    expect(historyEntryFor({ before: after, after: edited, time: new Date() })?.source).toBeUndefined();
  });
});
