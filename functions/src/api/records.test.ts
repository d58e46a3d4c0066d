import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../test-support/build-test-env.js';
import { buildAppointment, buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import type { TListRecordsResponse, TRecordResponse } from './schemas.js';

let env: TestEnv;

async function setUpHospital(tenantId = 'acme') {
  const owner = tenantId === 'acme' ? env.users.acmeOwner : env.users.globexOwner;
  await env.call(owner, 'crmSelectTemplate', { tenantId, templateSlug: 'hospital' });
}

async function create(user: TestEnv['users'][keyof TestEnv['users']], module: string, data: Record<string, unknown>, tenantId = 'acme') {
  return (await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId, module, data })).record;
}

beforeEach(async () => {
  env = await buildTestEnv();
  await setUpHospital();
});

describe('creating records', () => {
  it('numbers records with the module prefix and applies defaults', async () => {
    const doctor = await create(env.users.acmeOwner, 'doctors', buildDoctor());
    const patient = await create(env.users.acmeOwner, 'patients', buildPatient());
    const appointment = await create(env.users.acmeOwner, 'appointments', buildAppointment({ patient: patient.id, doctor: doctor.id }));
    expect(doctor.number).toBe('DOC-000001');
    expect(patient.number).toBe('PAT-000001');
    expect(appointment.number).toBe('APT-000001');
    expect(appointment.data.duration_minutes).toBe(30);
    expect(appointment.version).toBe(1);
    expect(appointment.ownerId).toBe(env.users.acmeOwner.uid);
  });

  it('returns the display value of related records', async () => {
    const doctor = await create(env.users.acmeOwner, 'doctors', buildDoctor({ full_name: 'Dr. Gregory House' }));
    const patient = await create(env.users.acmeOwner, 'patients', buildPatient({ primary_doctor: doctor.id }));
    const fetched = (await env.call<TRecordResponse>(env.users.acmeMember, 'crmGetRecord', { tenantId: 'acme', recordId: patient.id })).record;
    expect(fetched.related.primary_doctor).toEqual({ id: doctor.id, display: 'Dr. Gregory House' });
  });

  it('refuses a relationship to a record of the wrong module', async () => {
    const patient = await create(env.users.acmeOwner, 'patients', buildPatient());
    const error = await env.callError(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme',
      module: 'patients',
      data: buildPatient({ patient_id: 'P-2', primary_doctor: patient.id }),
    });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('primary_doctor');
  });

  it('refuses a value already used in a unique field, naming the holder', async () => {
    await create(env.users.acmeOwner, 'patients', buildPatient({ patient_id: 'P-7' }));
    const error = await env.callError(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme',
      module: 'patients',
      data: buildPatient({ patient_id: 'p-7' }),
    });
    expect(error.code).toBe('already-exists');
    expect(error.message).toContain('PAT-000001');
  });

  it('hands out unique numbers to concurrent creates', async () => {
    const created = await Promise.all(
      Array.from({ length: 60 }, (_, index) => create(env.users.acmeOwner, 'doctors', buildDoctor({ license_number: `L-${index}` }))),
    );
    expect(new Set(created.map((record) => record.number)).size).toBe(60);
  });
});

describe('updating records', () => {
  it('applies a partial update and bumps the version', async () => {
    const patient = await create(env.users.acmeOwner, 'patients', buildPatient());
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmUpdateRecord', {
      tenantId: 'acme',
      recordId: patient.id,
      expectedVersion: 1,
      data: { status: 'Active', email: null },
    });
    expect(record.data.status).toBe('Active');
    expect(record.data.full_name).toBe('Ada Lovelace');
    expect(record.data).not.toHaveProperty('email');
    expect(record.version).toBe(2);
  });

  it('refuses a stale version so two editors cannot overwrite each other', async () => {
    const patient = await create(env.users.acmeOwner, 'patients', buildPatient());
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: patient.id, expectedVersion: 1, data: { status: 'Active' } });
    const error = await env.callError(env.users.acmeAdmin, 'crmUpdateRecord', {
      tenantId: 'acme',
      recordId: patient.id,
      expectedVersion: 1,
      data: { status: 'Discharged' },
    });
    expect(error.code).toBe('aborted');
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: patient.id });
    expect(record.data.status).toBe('Active');
  });

  it('keeps related display values fresh when the related record is renamed', async () => {
    const doctor = await create(env.users.acmeOwner, 'doctors', buildDoctor({ full_name: 'Dr. Old Name' }));
    const patient = await create(env.users.acmeOwner, 'patients', buildPatient({ primary_doctor: doctor.id }));
    const { onRecordWritten } = await import('../services/records/on-record-written.js');
    const before = (await env.store.get(`crm_tenants/acme/records/${doctor.id}`))!.data;
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: doctor.id, expectedVersion: 1, data: { full_name: 'Dr. New Name' } });
    const after = (await env.store.get(`crm_tenants/acme/records/${doctor.id}`))!.data;
    const change = { eventId: 'e1', kind: 'updated' as const, path: `crm_tenants/acme/records/${doctor.id}`, before, after, time: new Date() };
    expect(await onRecordWritten(env.services, change)).toEqual({ updated: 1 });
    expect(await onRecordWritten(env.services, change)).toEqual({ updated: 0 });
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: patient.id });
    expect(record.related.primary_doctor?.display).toBe('Dr. New Name');
  });

  it('reads no referrers when a change touches no displayed value', async () => {
    const doctor = await create(env.users.acmeOwner, 'doctors', buildDoctor());
    await create(env.users.acmeOwner, 'patients', buildPatient({ primary_doctor: doctor.id }));
    const { refreshReferrers } = await import('../services/records/refresh-referrers.js');
    const path = `crm_tenants/acme/records/${doctor.id}`;
    const before = (await env.store.get(path))!.data;
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: doctor.id, expectedVersion: 1, data: { status: 'On Leave' } });
    const after = (await env.store.get(path))!.data;
    env.store.meter.reset();
    const result = await refreshReferrers(env.services, { eventId: 'e2', kind: 'updated', path, before, after, time: new Date() });
    expect(result).toEqual({ updated: 0 });
    expect(env.store.meter.read().reads).toBe(0);
  });
});

describe('deleting and restoring', () => {
  it('moves a record to the trash and back', async () => {
    const doctor = await create(env.users.acmeOwner, 'doctors', buildDoctor());
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: doctor.id });
    const live = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'doctors' });
    const trash = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'doctors', deleted: true });
    expect(live.records).toHaveLength(0);
    expect(trash.records.map((record) => record.id)).toEqual([doctor.id]);
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmRestoreRecord', { tenantId: 'acme', recordId: doctor.id });
    expect(record.deleted).toBe(false);
    const again = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'doctors' });
    expect(again.records).toHaveLength(1);
  });

  it('refuses deletion to a role without delete rights', async () => {
    const patient = await create(env.users.acmeOwner, 'patients', buildPatient());
    const error = await env.callError(env.users.acmeAdmin, 'crmDeleteRecord', { tenantId: 'acme', recordId: patient.id });
    expect(error.code).toBe('permission-denied');
  });
});

describe('listing records', () => {
  beforeEach(async () => {
    const doctor = await create(env.users.acmeOwner, 'doctors', buildDoctor({ full_name: 'Dr. Who' }));
    const names = ['Ada Lovelace', 'Alan Turing', 'Grace Murray', 'Edsger Dijkstra', 'Barbara Liskov'];
    for (const [index, name] of names.entries()) {
      await create(env.users.acmeOwner, 'patients', buildPatient({
        patient_id: `P-${index}`,
        full_name: name,
        status: index % 2 === 0 ? 'Active' : 'New',
        blood_group: index < 2 ? 'A+' : 'O-',
        ...(index === 0 ? { primary_doctor: doctor.id } : {}),
      }));
    }
  });

  async function list(data: Record<string, unknown>, user = env.users.acmeOwner) {
    return env.call<TListRecordsResponse>(user, 'crmListRecords', { tenantId: 'acme', module: 'patients', ...data });
  }

  it('sorts by number in both directions', async () => {
    const ascending = await list({ sort: 'number', direction: 'asc' });
    expect(ascending.records.map((record) => record.number)).toEqual(['PAT-000001', 'PAT-000002', 'PAT-000003', 'PAT-000004', 'PAT-000005']);
    const descending = await list({ sort: 'number', direction: 'desc' });
    expect(descending.records[0]?.number).toBe('PAT-000005');
  });

  it('filters on any field, combining filters', async () => {
    expect((await list({ filters: [{ field: 'status', op: 'eq', value: 'Active' }] })).records).toHaveLength(3);
    const both = await list({ filters: [{ field: 'status', op: 'eq', value: 'Active' }, { field: 'blood_group', op: 'eq', value: 'A+' }] });
    expect(both.records.map((record) => record.data.full_name)).toEqual(['Ada Lovelace']);
    const inList = await list({ filters: [{ field: 'blood_group', op: 'in', value: ['A+', 'B+'] }] });
    expect(inList.records).toHaveLength(2);
  });

  it('searches text in searchable fields by word prefix', async () => {
    const result = await list({ search: 'tur' });
    expect(result.records.map((record) => record.data.full_name)).toEqual(['Alan Turing']);
    expect((await list({ search: 'ada love' })).records).toHaveLength(1);
    expect((await list({ search: 'nobody' })).records).toHaveLength(0);
  });

  it('pages with cursors without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page: TListRecordsResponse = await list({ sort: 'number', direction: 'asc', pageSize: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.records.map((record) => record.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['PAT-000001', 'PAT-000002', 'PAT-000003', 'PAT-000004', 'PAT-000005']);
  });

  it('refuses a cursor from another query', async () => {
    const page = await list({ sort: 'number', pageSize: 2 });
    const error = await env.callError(env.users.acmeOwner, 'crmListRecords', {
      tenantId: 'acme', module: 'patients', sort: 'created_at', pageSize: 2, cursor: page.nextCursor,
    });
    expect(error.code).toBe('invalid-argument');
  });

  it('lists the related records of a record (a doctor\'s patients)', async () => {
    const doctorId = (await list({ search: 'lovelace' })).records[0]?.related.primary_doctor?.id;
    const result = await list({ filters: [{ field: 'primary_doctor', op: 'eq', value: doctorId }] });
    expect(result.records.map((record) => record.data.full_name)).toEqual(['Ada Lovelace']);
  });
});

describe('owner-scoped permissions', () => {
  it('lets a read_own member list only their own records', async () => {
    const { users } = env;
    const patient = await create(users.acmeOwner, 'patients', buildPatient());
    await create(users.acmeOwner, 'medical_records', { title: 'Owner note', record_type: 'Lab Result', patient: patient.id, visit_date: '2026-11-01' }).catch(() => undefined);
    const own = await create(users.acmeMember, 'medical_records', { title: 'Mine', record_type: 'Lab Result', patient: patient.id, visit_date: '2026-11-02' }).catch((error: unknown) => {
      throw error;
    });
    const result = await env.call<TListRecordsResponse>(users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'medical_records' });
    expect(result.records.map((record) => record.id)).toEqual([own.id]);
    const others = await env.call<TListRecordsResponse>(users.acmeMember2, 'crmListRecords', { tenantId: 'acme', module: 'medical_records' });
    expect(others.records).toHaveLength(0);
  });

  it('lets update_own members edit only records they own', async () => {
    const { users } = env;
    const doctor = await create(users.acmeOwner, 'doctors', buildDoctor());
    const patient = await create(users.acmeOwner, 'patients', buildPatient());
    const mine = await create(users.acmeMember, 'appointments', buildAppointment({ patient: patient.id, doctor: doctor.id }));
    const theirs = await create(users.acmeOwner, 'appointments', buildAppointment({ patient: patient.id, doctor: doctor.id }));
    await env.call(users.acmeMember, 'crmUpdateRecord', { tenantId: 'acme', recordId: mine.id, expectedVersion: 1, data: { status: 'Completed' } });
    const error = await env.callError(users.acmeMember, 'crmUpdateRecord', { tenantId: 'acme', recordId: theirs.id, expectedVersion: 1, data: { status: 'Completed' } });
    expect(error.code).toBe('permission-denied');
  });

  it('lets a super admin act in any tenant without membership', async () => {
    const { SUPER_ADMIN } = await import('../test-support/build-test-env.js');
    const record = await create(SUPER_ADMIN, 'doctors', buildDoctor(), 'acme');
    expect(record.number).toBe('DOC-000001');
  });
});
