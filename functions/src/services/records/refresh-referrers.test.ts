import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import type { TRecordResponse } from '../../api/schemas.js';
import type { DocumentChange } from '../../store/document-store.js';
import { refreshReferrers } from './refresh-referrers.js';

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

async function create(module: string, data: Record<string, unknown>) {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module, data })).record;
}

/** Renames the doctor through the callable and returns the change a trigger would be handed. */
async function rename(doctorId: string, version: number, name: string, eventId: string): Promise<DocumentChange> {
  const path = `crm_tenants/acme/records/${doctorId}`;
  const before = (await env.store.get(path))!.data;
  await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: doctorId, expectedVersion: version, data: { full_name: name } });
  const after = (await env.store.get(path))!.data;
  return { eventId, kind: 'updated', path, before, after, time: new Date() };
}

async function shownName(patientId: string): Promise<string | null | undefined> {
  const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: patientId });
  return record.related.primary_doctor?.display;
}

describe('refreshReferrers under production delivery (unordered, repeated)', () => {
  it('leaves the newest name when two renames are delivered in reverse order', async () => {
    const doctor = await create('doctors', buildDoctor({ full_name: 'Dr. First' }));
    const patient = await create('patients', buildPatient({ primary_doctor: doctor.id }));
    const first = await rename(doctor.id, 1, 'Dr. Second', 'e-1');
    const second = await rename(doctor.id, 2, 'Dr. Third', 'e-2');

    expect(await refreshReferrers(env.services, second)).toEqual({ updated: 1 });
    // The older event arrives last: its `after` says "Dr. Second", but the record says "Dr. Third".
    expect(await refreshReferrers(env.services, first)).toEqual({ updated: 0 });
    expect(await shownName(patient.id)).toBe('Dr. Third');
  });

  it('writes the current name even when only the older event is delivered', async () => {
    const doctor = await create('doctors', buildDoctor({ full_name: 'Dr. First' }));
    const patient = await create('patients', buildPatient({ primary_doctor: doctor.id }));
    const first = await rename(doctor.id, 1, 'Dr. Second', 'e-1');
    await rename(doctor.id, 2, 'Dr. Third', 'e-2');
    expect(await refreshReferrers(env.services, first)).toEqual({ updated: 1 });
    expect(await shownName(patient.id)).toBe('Dr. Third');
  });

  it('ends on the newest name when both events are handled concurrently, in either order', async () => {
    const doctor = await create('doctors', buildDoctor({ full_name: 'Dr. First' }));
    const patients = await Promise.all(
      Array.from({ length: 3 }, (_, index) => create('patients', buildPatient({ patient_id: `P-${index}`, primary_doctor: doctor.id }))),
    );
    const first = await rename(doctor.id, 1, 'Dr. Second', 'e-1');
    const second = await rename(doctor.id, 2, 'Dr. Third', 'e-2');
    await Promise.all([refreshReferrers(env.services, second), refreshReferrers(env.services, first), refreshReferrers(env.services, second)]);
    for (const patient of patients) expect(await shownName(patient.id)).toBe('Dr. Third');
  });

  it('writes nothing for a record deleted since the event', async () => {
    const doctor = await create('doctors', buildDoctor({ full_name: 'Dr. First' }));
    const patient = await create('patients', buildPatient({ primary_doctor: doctor.id }));
    const change = await rename(doctor.id, 1, 'Dr. Second', 'e-1');
    await env.store.delete(change.path);
    expect(await refreshReferrers(env.services, change)).toEqual({ updated: 0 });
    expect(await shownName(patient.id)).toBe('Dr. First');
  });
});
