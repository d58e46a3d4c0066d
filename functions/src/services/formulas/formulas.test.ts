import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import type { TConfigResponse, TListRecordsResponse, TRecordResponse } from '../../api/schemas.js';
import type { TRecomputeFormulasResponse } from '../../api/formulas-schemas.js';
import type { DocumentChange } from '../../store/document-store.js';
import { refreshFormulaDependents, MAX_INLINE_DEPENDENTS } from './formula-dependents.js';

let env: TestEnv;
let now = new Date('2026-03-10T10:00:00Z');

beforeEach(async () => {
  now = new Date('2026-03-10T10:00:00Z');
  env = await buildTestEnv({ now: () => now });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
  const module = (slug: string, fields: unknown[]) => env.call(env.users.acmeOwner, 'crmCreateModule', { tenantId: 'acme', module: { slug, label: slug }, fields });
  await module('doctors', [
    { key: 'name', label: 'Name', type: 'text' },
    { key: 'email', label: 'Email', type: 'email' },
  ]);
  await module('patients', [
    { key: 'name', label: 'Name', type: 'text' },
    { key: 'primary_doctor', label: 'Doctor', type: 'relationship', options: { related_module: 'doctors', display_field: 'name' } },
  ]);
  await module('visits', [
    { key: 'title', label: 'Title', type: 'text' },
    { key: 'patient', label: 'Patient', type: 'relationship', options: { related_module: 'patients', display_field: 'name' } },
    { key: 'fee', label: 'Fee', type: 'currency' },
    { key: 'qty', label: 'Qty', type: 'number' },
    { key: 'due', label: 'Due', type: 'date' },
    { key: 'total', label: 'Total', type: 'formula', indexed: true, options: { expression: 'fee * qty * 1.005', result_type: 'currency' } },
    { key: 'doctor_email', label: 'Doctor email', type: 'formula', options: { expression: 'patient.primary_doctor.email', result_type: 'text' } },
    { key: 'overdue', label: 'Overdue', type: 'formula', options: { expression: 'due < TODAY()', result_type: 'checkbox' } },
  ]);
});

async function create(module: string, data: Record<string, unknown>) {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module, data })).record;
}

async function update(recordId: string, version: number, data: Record<string, unknown>) {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId, expectedVersion: version, data })).record;
}

async function get(recordId: string) {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId })).record;
}

async function changeOf(recordId: string, write: () => Promise<unknown>, eventId: string): Promise<DocumentChange> {
  const path = `crm_tenants/acme/records/${recordId}`;
  const before = (await env.store.get(path))!.data;
  await write();
  const after = (await env.store.get(path))!.data;
  return { eventId, kind: 'updated', path, before, after, time: new Date() };
}

describe('formula fields', () => {
  it('are computed and stored on create and update, follow paths, and refuse being written', async () => {
    const doctor = await create('doctors', { name: 'Dr. A', email: 'a@clinic.test' });
    const patient = await create('patients', { name: 'Pat', primary_doctor: doctor.id });
    const visit = await create('visits', { title: 'V1', patient: patient.id, fee: 20, qty: 3, due: '2026-03-09' });
    expect(visit.data).toMatchObject({ total: 60.3, doctor_email: 'a@clinic.test', overdue: true });

    const updated = await update(visit.id, visit.version, { qty: 1, due: '2026-03-20' });
    expect(updated.data).toMatchObject({ total: 20.1, overdue: false });

    const error = await env.callError(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: visit.id, expectedVersion: updated.version, data: { total: 5 } });
    expect(error.code).toBe('invalid-argument');
    expect(JSON.stringify(error.details)).toContain('validation.computed');
  });

  it('stores values that lists filter and sort on, like a field of the result type', async () => {
    for (const [title, fee] of [['a', 30], ['b', 10], ['c', 20]] as const) await create('visits', { title, fee, qty: 1 });
    const sorted = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'visits', sort: 'total', direction: 'asc' });
    expect(sorted.records.map((record) => record.data.title)).toEqual(['b', 'c', 'a']);
    const filtered = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', {
      tenantId: 'acme',
      module: 'visits',
      filters: [{ field: 'total', op: 'eq', value: 20.1 }],
    });
    expect(filtered.records.map((record) => record.data.title)).toEqual(['c']);
  });

  it('refuses a formula with a type error or a cycle when the field is saved, naming the position', async () => {
    const typeError = await env.callError(env.users.acmeOwner, 'crmAddField', {
      tenantId: 'acme',
      module: 'visits',
      field: { key: 'bad', label: 'Bad', type: 'formula', options: { expression: 'title * 2', result_type: 'number' } },
    });
    expect(typeError.code).toBe('invalid-argument');
    expect(JSON.stringify(typeError.details)).toContain('at character 1: the left side of \\"*\\" must be number, not text');

    await env.call(env.users.acmeOwner, 'crmAddField', {
      tenantId: 'acme',
      module: 'visits',
      field: { key: 'double', label: 'Double', type: 'formula', options: { expression: 'total * 2', result_type: 'number' } },
    });
    const cycle = await env.callError(env.users.acmeOwner, 'crmUpdateField', {
      tenantId: 'acme',
      module: 'visits',
      key: 'total',
      changes: { options: { expression: 'double + 1', result_type: 'currency' } },
    });
    expect(JSON.stringify(cycle.details)).toContain('cycle');
  });

  it('recomputes records that read a changed related record through a 2-hop path, from the record handler', async () => {
    const doctor = await create('doctors', { name: 'Dr. A', email: 'a@clinic.test' });
    const patient = await create('patients', { name: 'Pat', primary_doctor: doctor.id });
    const visit = await create('visits', { title: 'V1', patient: patient.id });
    const unrelated = await create('visits', { title: 'V2' });

    const change = await changeOf(doctor.id, () => update(doctor.id, doctor.version, { email: 'new@clinic.test' }), 'ev-1');
    expect((await get(visit.id)).data.doctor_email).toBe('a@clinic.test');
    expect(await refreshFormulaDependents(env.services, change)).toEqual({ recomputed: 1, continued: false });
    expect((await get(visit.id)).data.doctor_email).toBe('new@clinic.test');
    expect((await get(unrelated.id)).data.doctor_email).toBeUndefined();
    // Redelivered: the values are current, nothing is written again.
    expect(await refreshFormulaDependents(env.services, change)).toEqual({ recomputed: 0, continued: false });
    // A change no formula reads costs no walk at all.
    const renamed = await changeOf(doctor.id, async () => update(doctor.id, (await get(doctor.id)).version, { name: 'Dr. B' }), 'ev-2');
    expect(await refreshFormulaDependents(env.services, renamed)).toEqual({ recomputed: 0, continued: false });
  });

  it('continues a fan-out beyond the inline bound on a job', async () => {
    const doctor = await create('doctors', { name: 'Dr. A', email: 'a@clinic.test' });
    const patient = await create('patients', { name: 'Pat', primary_doctor: doctor.id });
    const count = MAX_INLINE_DEPENDENTS + 7;
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) ids.push((await create('visits', { title: `V${index}`, patient: patient.id })).id);
    const change = await changeOf(doctor.id, () => update(doctor.id, doctor.version, { email: 'b@clinic.test' }), 'ev-fan');
    expect(await refreshFormulaDependents(env.services, change)).toEqual({ recomputed: MAX_INLINE_DEPENDENTS, continued: true });
    await env.services.jobs.whenIdle();
    const emails = await Promise.all(ids.map(async (id) => (await get(id)).data.doctor_email));
    expect(new Set(emails)).toEqual(new Set(['b@clinic.test']));
  });

  it('reaches every dependent of a record, past one page of the walk back (210 visits of one patient)', async () => {
    const doctor = await create('doctors', { name: 'Dr. A', email: 'a@clinic.test' });
    const patient = await create('patients', { name: 'Pat', primary_doctor: doctor.id });
    const ids: string[] = [];
    for (let index = 0; index < 210; index += 1) ids.push((await create('visits', { title: `V${index}`, patient: patient.id })).id);
    const change = await changeOf(doctor.id, () => update(doctor.id, doctor.version, { email: 'c@clinic.test' }), 'ev-many');
    expect(await refreshFormulaDependents(env.services, change)).toEqual({ recomputed: MAX_INLINE_DEPENDENTS, continued: true });
    await env.services.jobs.whenIdle();
    const stale = (await env.store.query({ collection: 'crm_tenants/acme/records', where: [{ field: 'tokens', op: 'array-contains', value: 'visits' }] }))
      .filter((doc) => (doc.data.data as { doctor_email?: string }).doctor_email !== 'c@clinic.test');
    expect(stale).toHaveLength(0);
  });

  it('recomputes existing records of a module after a formula field is added, as a job', async () => {
    const visit = await create('visits', { title: 'V1', fee: 10, qty: 2 });
    await env.call(env.users.acmeOwner, 'crmAddField', {
      tenantId: 'acme',
      module: 'visits',
      field: { key: 'label', label: 'Label', type: 'formula', options: { expression: 'UPPER(title) & " x" & TEXT(qty)', result_type: 'text' } },
    });
    expect((await get(visit.id)).data.label).toBeUndefined();
    const { job } = await env.call<TRecomputeFormulasResponse>(env.users.acmeOwner, 'crmRecomputeFormulas', { tenantId: 'acme', module: 'visits' });
    expect(job.kind).toBe('formula-recompute');
    await env.services.jobs.whenIdle();
    expect((await get(visit.id)).data.label).toBe('V1 x2');
    const member = await env.callError(env.users.acmeMember, 'crmRecomputeFormulas', { tenantId: 'acme', module: 'visits' });
    expect(member.code).toBe('permission-denied');
  });
});

describe('validation rules', () => {
  async function saveRules(rules: unknown[]) {
    return env.call<TConfigResponse>(env.users.acmeOwner, 'crmSaveValidationRules', { tenantId: 'acme', module: 'visits', rules });
  }

  it('are checked on create, update and workflow-free paths, at the field they name; a blank operand does not block', async () => {
    await saveRules([{ key: 'due_after_creation', expression: 'due >= created_at', message: { en: 'Due must not be before creation', es: 'x' }, field: 'due' }]);
    const refused = await env.callError(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'visits', data: { title: 'V', due: '2026-03-01' } });
    expect(refused.code).toBe('invalid-argument');
    expect(refused.details).toMatchObject({ issues: [{ path: 'data.due', message: 'Due must not be before creation', messageKey: 'formulas.ruleFailed' }] });
    const blank = await create('visits', { title: 'no due date' });
    const ok = await create('visits', { title: 'V', due: '2026-03-10' });
    const updateRefused = await env.callError(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: ok.id, expectedVersion: ok.version, data: { due: '2026-01-01' } });
    expect(updateRefused.code).toBe('invalid-argument');
    expect((await get(ok.id)).data.due).toBe('2026-03-10');
    expect(blank.data.title).toBe('no due date');
  });

  it('are refused when saved with a non-condition, an unknown field or a bad expression', async () => {
    const notCondition = await env.callError(env.users.acmeOwner, 'crmSaveValidationRules', {
      tenantId: 'acme', module: 'visits', rules: [{ key: 'r', expression: 'fee + 1', message: 'm' }],
    });
    expect(JSON.stringify(notCondition.details)).toContain('must be a condition');
    const unknown = await env.callError(env.users.acmeOwner, 'crmSaveValidationRules', {
      tenantId: 'acme', module: 'visits', rules: [{ key: 'r', expression: 'fee > 1', message: 'm', field: 'nope' }],
    });
    expect(JSON.stringify(unknown.details)).toContain('\\"nope\\" is not a field of visits');
    const member = await env.callError(env.users.acmeMember, 'crmSaveValidationRules', { tenantId: 'acme', module: 'visits', rules: [] });
    expect(member.code).toBe('permission-denied');
  });
});

describe('cost of formulas per record write (deterministic, metered like Firestore bills)', () => {
  it('a 2-hop path formula adds exactly 2 reads and no write to a create; the same-record formulas add none', async () => {
    const doctor = await create('doctors', { name: 'Dr. A', email: 'a@clinic.test' });
    const patient = await create('patients', { name: 'Pat', primary_doctor: doctor.id });
    const measure = async (data: Record<string, unknown>) => {
      env.store.meter.reset();
      await create('visits', data);
      return env.store.meter.read();
    };
    // Warm the configuration cache so both creates pay the same fixed costs.
    await measure({ title: 'warm' });
    const withoutPath = await measure({ title: 'no patient', fee: 10, qty: 2 });
    const withPath = await measure({ title: 'with patient', patient: patient.id, fee: 10, qty: 2 });
    // The relationship check reads the patient once (1 read, as before formulas); the path reads the patient again and the doctor.
    expect(withPath.reads - withoutPath.reads).toBe(3);
    expect(withPath.writes).toBe(withoutPath.writes);
    console.log(`formula cost per create: ${withoutPath.reads} reads / ${withoutPath.writes} writes without a path, ${withPath.reads} / ${withPath.writes} with a 2-hop path`);
  });
});

describe('TODAY() formulas over days', () => {
  it('store the day their value changes and are recomputed on that day by a sweep that reads only due records', async () => {
    const { sweepDueFormulas } = await import('./sweep-due-formulas.js');
    const visit = await create('visits', { title: 'later', due: '2026-03-12' });
    await create('visits', { title: 'no date' });
    expect(visit.data.overdue).toBe(false);
    const stored = (await env.store.get(`crm_tenants/acme/records/${visit.id}`))!.data;
    expect(stored.formulaDue).toBe('2026-03-13');
    const deps = { store: env.store, configs: env.services.configs, now: () => now };

    now = new Date('2026-03-12T10:00:00Z');
    env.store.meter.reset();
    expect(await sweepDueFormulas(deps, { tenantId: 'acme', deadline: Date.now() + 60_000 })).toMatchObject({ examined: 0, changed: 0 });
    expect((await get(visit.id)).data.overdue).toBe(false);

    now = new Date('2026-03-13T10:00:00Z');
    expect(await sweepDueFormulas(deps, { tenantId: 'acme', deadline: Date.now() + 60_000 })).toMatchObject({ examined: 1, changed: 1 });
    expect((await get(visit.id)).data.overdue).toBe(true);
  });
});
