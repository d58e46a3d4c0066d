import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { buildPatient } from '../../test-support/record-fixtures.js';
import type { TRecordResponse } from '../../api/schemas.js';

let env: TestEnv;
let patientId: string;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  patientId = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient() })).record.id;
});

const medicalRecord = (attachment: Record<string, unknown>) => ({
  tenantId: 'acme',
  module: 'medical_records',
  data: { title: 'Scan', record_type: 'Imaging', patient: patientId, visit_date: '2026-03-01', attachment },
});

describe('file values', () => {
  it("accepts a file uploaded to the tenant's folder of the module (where storage.rules let the SPA upload)", async () => {
    const attachment = { name: 'scan.pdf', path: 'crm/acme/medical_records/7f3c/scan.pdf', size: 1024, content_type: 'application/pdf' };
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', medicalRecord(attachment));
    expect(record.data.attachment).toEqual(attachment);
  });

  it("refuses a path in another tenant's or another module's folder, naming the field and the folder", async () => {
    for (const path of ['crm/globex/medical_records/7f3c/scan.pdf', 'crm/acme/patients/7f3c/scan.pdf', 'crm/acme/medical_records/', 'elsewhere/scan.pdf']) {
      const error = await env.callError(env.users.acmeOwner, 'crmCreateRecord', medicalRecord({ name: 'scan.pdf', path }));
      expect(error.code, path).toBe('invalid-argument');
      expect(error.message, path).toContain('data.attachment');
      expect(error.message, path).toContain('crm/acme/medical_records/');
    }
  });

  it('refuses the same on update, and leaves the record as it was', async () => {
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', medicalRecord({ name: 'a.pdf', path: 'crm/acme/medical_records/1/a.pdf' }));
    const error = await env.callError(env.users.acmeOwner, 'crmUpdateRecord', {
      tenantId: 'acme',
      recordId: record.id,
      expectedVersion: 1,
      data: { attachment: { name: 'b.pdf', path: 'crm/globex/medical_records/1/b.pdf' } },
    });
    expect(error.code).toBe('invalid-argument');
    const after = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: record.id });
    expect(after.record.version).toBe(1);
  });
});
