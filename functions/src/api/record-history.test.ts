import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentChange } from '../store/document-store.js';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import { onRecordWritten } from '../services/records/on-record-written.js';
import { historyEntryFor, writeRecordHistory } from '../services/records/record-history.js';
import type { THistoryEntryView, TListRecordHistoryResponse } from './history-schemas.js';
import type { TRecordResponse } from './schemas.js';
import { setLogSink } from '../services/logging/log.js';

/**
 * History is kept by the record trigger; here the store's change feed drives
 * `onRecordWritten` as the embedded runtime does, and `settle()` waits for it.
 */
let env: TestEnv;
let changes: DocumentChange[];
let stopFeed: () => void;

beforeEach(async () => {
  env = await buildTestEnv();
  changes = [];
  stopFeed = env.store.onChange('records', async (change) => {
    changes.push(change);
    await onRecordWritten(env.services, change);
  });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
});

afterEach(() => stopFeed());

const settle = () => env.store.whenIdle();

async function record(name: 'crmCreateRecord' | 'crmUpdateRecord' | 'crmDeleteRecord' | 'crmRestoreRecord', data: Record<string, unknown>, user: TestUser = env.users.acmeOwner) {
  const { record: result } = await env.call<TRecordResponse>(user, name, { tenantId: 'acme', ...data });
  await settle();
  return result;
}

async function history(recordId: string, extra: Record<string, unknown> = {}, user: TestUser = env.users.acmeOwner) {
  return env.call<TListRecordHistoryResponse>(user, 'crmListRecordHistory', { tenantId: 'acme', recordId, ...extra });
}

async function historyDocs(recordId: string) {
  return env.store.query({ collection: `crm_tenants/acme/records/${recordId}/history` });
}

/** created → updated twice (once by an admin) → deleted → restored. */
async function patientWithFiveChanges() {
  const patient = await record('crmCreateRecord', { module: 'patients', data: buildPatient({ email: 'ada@example.com' }) });
  await record('crmUpdateRecord', { recordId: patient.id, expectedVersion: 1, data: { status: 'Active', email: null } }, env.users.acmeAdmin);
  await record('crmUpdateRecord', { recordId: patient.id, expectedVersion: 2, data: { full_name: 'Ada King', phone: '+1 555 0199' } });
  await record('crmDeleteRecord', { recordId: patient.id });
  await record('crmRestoreRecord', { recordId: patient.id });
  return patient;
}

describe('record history (kept by the record trigger)', () => {
  it('keeps one entry per change, newest first, with the field diffs, the actor and the version', async () => {
    const patient = await patientWithFiveChanges();
    const { entries, nextCursor } = await history(patient.id);
    expect(nextCursor).toBeNull();
    const summary = (entry: THistoryEntryView) => [entry.kind, entry.version, entry.by, entry.changes];
    expect(entries.map(summary)).toEqual([
      ['restored', 5, 'acme-owner', [{ field: '_deleted', from: true, to: false }]],
      ['deleted', 4, 'acme-owner', [{ field: '_deleted', from: false, to: true }]],
      ['updated', 3, 'acme-owner', [
        { field: 'full_name', from: 'Ada Lovelace', to: 'Ada King' },
        { field: 'phone', from: '+1 555 0101', to: '+1 555 0199' },
      ]],
      ['updated', 2, 'acme-admin', [
        { field: 'email', from: 'ada@example.com', to: null },
        { field: 'status', from: 'New', to: 'Active' },
      ]],
      ['created', 1, 'acme-owner', expect.arrayContaining([
        { field: 'full_name', from: null, to: 'Ada Lovelace' },
        { field: 'email', from: null, to: 'ada@example.com' },
      ])],
    ]);
    const created = entries[4]!;
    expect(created.changes.every((change) => change.from === null && change.to !== null)).toBe(true);
    const fields = created.changes.map((change) => change.field);
    expect(fields).toEqual([...fields].sort());
    for (const entry of entries) expect(Number.isNaN(Date.parse(entry.at))).toBe(false);
  });

  it('pages newest first with a cursor, and refuses a cursor of another record', async () => {
    const patient = await patientWithFiveChanges();
    const first = await history(patient.id, { pageSize: 2 });
    expect(first.entries.map((entry) => entry.version)).toEqual([5, 4]);
    const second = await history(patient.id, { pageSize: 2, cursor: first.nextCursor });
    expect(second.entries.map((entry) => entry.version)).toEqual([3, 2]);
    const third = await history(patient.id, { pageSize: 2, cursor: second.nextCursor });
    expect(third.entries.map((entry) => entry.version)).toEqual([1]);
    expect(third.nextCursor).toBeNull();

    const other = await record('crmCreateRecord', { module: 'patients', data: buildPatient({ patient_id: 'P-2' }) });
    const error = await env.callError(env.users.acmeOwner, 'crmListRecordHistory', { tenantId: 'acme', recordId: other.id, cursor: first.nextCursor });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('cursor');
  });

  it('writes nothing new when the same event is delivered again', async () => {
    const patient = await record('crmCreateRecord', { module: 'patients', data: buildPatient() });
    await record('crmUpdateRecord', { recordId: patient.id, expectedVersion: 1, data: { status: 'Active' } });
    const update = changes.find((change) => change.kind === 'updated' && change.path.endsWith(patient.id));
    expect(update).toBeDefined();
    const before = await historyDocs(patient.id);
    expect(before).toHaveLength(2);
    env.store.meter.reset();
    expect(await writeRecordHistory(env.store, update!)).toBe('duplicate');
    await onRecordWritten(env.services, update!);
    const after = await historyDocs(patient.id);
    expect(after.map((doc) => [doc.id, doc.data])).toEqual(before.map((doc) => [doc.id, doc.data]));
  });

  it('keeps no entry for display-value propagation (refs only) or a no-op save', async () => {
    const doctor = await record('crmCreateRecord', { module: 'doctors', data: buildDoctor({ full_name: 'Dr. Old Name' }) });
    const patient = await record('crmCreateRecord', { module: 'patients', data: buildPatient({ primary_doctor: doctor.id }) });
    await record('crmUpdateRecord', { recordId: doctor.id, expectedVersion: 1, data: { full_name: 'Dr. New Name' } });
    // The trigger did rewrite the patient (its refs), and that write kept no history.
    const refreshed = (await env.store.get(`crm_tenants/acme/records/${patient.id}`))!.data as { refs: Record<string, { display: string }> };
    expect(refreshed.refs.primary_doctor?.display).toBe('Dr. New Name');
    expect(changes.filter((change) => change.kind === 'updated' && change.path.endsWith(patient.id))).toHaveLength(1);
    expect((await history(patient.id)).entries.map((entry) => entry.kind)).toEqual(['created']);
    expect((await history(doctor.id)).entries.map((entry) => entry.kind)).toEqual(['updated', 'created']);

    await record('crmUpdateRecord', { recordId: doctor.id, expectedVersion: 2, data: { full_name: 'Dr. New Name' } });
    expect((await history(doctor.id)).entries).toHaveLength(2);
  });

  it('keeps no entry for a template-upgrade migration rewrite (schemaVersion + migration marker)', () => {
    const before = { module: 'patients', data: { full_name: 'Ada' }, deleted: false, version: 3, schemaVersion: '1.0.0', updatedBy: 'u1' };
    const after = { ...before, data: { name: 'Ada' }, version: 4, schemaVersion: '1.1.0', migration: { jobId: 'j1', version: '1.1.0' } };
    expect(historyEntryFor({ before, after, time: new Date() })).toBeNull();
    // A user's later edit of a migrated record still counts, though the marker stays on it.
    const edited = { ...after, data: { name: 'Ada K' }, version: 5 };
    expect(historyEntryFor({ before: after, after: edited, time: new Date() })?.changes).toEqual([{ field: 'name', from: 'Ada', to: 'Ada K' }]);
  });

  it('is readable by whoever may read the record, and answers not-found to a member who may not', async () => {
    const patient = await record('crmCreateRecord', { module: 'patients', data: buildPatient() });
    expect((await history(patient.id, {}, env.users.acmeMember)).entries).toHaveLength(1);
    // Members now see only their own patients; this one is the owner's.
    await env.store.update('crm_tenants/acme', { 'permissions.member.patients': ['create', 'read_own'] });
    env.services.configs.invalidate('acme');
    const error = await env.callError(env.users.acmeMember, 'crmListRecordHistory', { tenantId: 'acme', recordId: patient.id });
    expect(error.code).toBe('not-found');
    expect((await history(patient.id, {}, env.users.acmeAdmin)).entries).toHaveLength(1);
  });

  it("answers not-found for another tenant's record id, and for an unknown id", async () => {
    const patient = await record('crmCreateRecord', { module: 'patients', data: buildPatient() });
    const foreign = await env.callError(env.users.globexOwner, 'crmListRecordHistory', { tenantId: 'globex', recordId: patient.id });
    expect(foreign.code).toBe('not-found');
    const unknown = await env.callError(env.users.acmeOwner, 'crmListRecordHistory', { tenantId: 'acme', recordId: 'nope' });
    expect(unknown.code).toBe('not-found');
  });

  it('a failing history write is logged and the other handlers still run', async () => {
    const doctor = await record('crmCreateRecord', { module: 'doctors', data: buildDoctor({ full_name: 'Dr. A' }) });
    const patient = await record('crmCreateRecord', { module: 'patients', data: buildPatient({ primary_doctor: doctor.id }) });
    const before = (await env.store.get(`crm_tenants/acme/records/${doctor.id}`))!.data;
    await env.store.update(`crm_tenants/acme/records/${doctor.id}`, { 'data.full_name': 'Dr. B', version: 2 });
    const after = (await env.store.get(`crm_tenants/acme/records/${doctor.id}`))!.data;
    await settle();
    const change: DocumentChange = { eventId: 'e-fail', kind: 'updated', path: `crm_tenants/acme/records/${doctor.id}`, before, after, time: new Date() };
    const create = env.store.create.bind(env.store);
    const logged: string[] = [];
    env.store.create = async (path, data) => (path.includes('/history/') ? Promise.reject(new Error('history down')) : create(path, data));
    const restoreSink = setLogSink((_severity, message) => void logged.push(message));
    try {
      // A plain Error is not transient: logged, and the event completes (no retry).
      await onRecordWritten(env.services, { ...change, after: { ...after, data: { ...(after.data as object), full_name: 'Dr. C' } } });
    } finally {
      env.store.create = create;
      restoreSink();
    }
    expect(logged.some((message) => message.includes('history failed'))).toBe(true);
    const refreshed = (await env.store.get(`crm_tenants/acme/records/${patient.id}`))!.data as { refs: Record<string, { display: string }> };
    // The display refresh re-reads the record (events arrive out of order), so it shows the stored name.
    expect(refreshed.refs.primary_doctor?.display).toBe('Dr. B');
  });
});
