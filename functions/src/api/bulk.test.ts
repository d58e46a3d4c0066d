import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { createAcmePatient } from '../test-support/create-patient.js';
import { onRecordWritten } from '../services/records/on-record-written.js';
import type { TStartJobResponse } from './export-schemas.js';
import type { TRecordResponse } from './schemas.js';
import type { TListRecordHistoryResponse } from './history-schemas.js';

let env: TestEnv;

const createPatient = (user: TestUser, overrides?: Record<string, unknown>) => createAcmePatient(env, user, overrides);

async function runBulk(user: TestUser, request: Record<string, unknown>) {
  const { jobId } = await env.call<TStartJobResponse>(user, 'crmStartBulkAction', { tenantId: 'acme', module: 'patients', ...request });
  await env.services.jobs.whenIdle();
  const job = await env.services.jobs.get('acme', jobId);
  expect(job?.status, JSON.stringify(job?.error)).toBe('done');
  return job!;
}

const get = async (id: string) => (await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmGetRecord', { tenantId: 'acme', recordId: id })).record;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

describe('crmStartBulkAction', () => {
  it('edits a field on the ticked records, reporting a record changed since it was selected instead of overwriting it', async () => {
    const a = await createPatient(env.users.acmeAdmin);
    const b = await createPatient(env.users.acmeAdmin);
    // Someone edits b after the user saw it.
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: b.id, expectedVersion: b.version, data: { full_name: 'Edited meanwhile' } });
    const job = await runBulk(env.users.acmeAdmin, {
      selection: { ids: [{ id: a.id, version: a.version }, { id: b.id, version: b.version }] },
      action: 'edit_field',
      field: 'status',
      value: 'Discharged',
    });
    expect(job.progress).toMatchObject({ total: 2, done: 2, counts: { updated: 1, conflict: 1 } });
    expect(job.result).toMatchObject({ selected: 2, issues: [{ id: b.id, number: b.number, outcome: 'conflict' }] });
    expect((await get(a.id)).data.status).toBe('Discharged');
    expect((await get(b.id)).data).toMatchObject({ status: 'New', full_name: 'Edited meanwhile' });
  });

  it("finds nothing of another tenant's records sent under one's own tenant", async () => {
    const a = await createPatient(env.users.acmeAdmin);
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
    const { jobId } = await env.call<TStartJobResponse>(env.users.globexOwner, 'crmStartBulkAction', {
      tenantId: 'globex', module: 'patients', selection: { ids: [{ id: a.id, version: a.version }] }, action: 'edit_field', field: 'full_name', value: 'Hacked',
    });
    await env.services.jobs.whenIdle();
    expect((await env.services.jobs.get('globex', jobId))?.progress.counts).toEqual({ not_found: 1 });
    expect((await get(a.id)).data.full_name).toBe('Ada Lovelace');
  });

  it('refuses a value the field refuses before starting a job', async () => {
    const a = await createPatient(env.users.acmeAdmin);
    const error = await env.callError(env.users.acmeAdmin, 'crmStartBulkAction', {
      tenantId: 'acme', module: 'patients', selection: { ids: [{ id: a.id, version: 1 }] }, action: 'edit_field', field: 'status', value: 'Sleeping',
    });
    expect(error.code).toBe('invalid-argument');
    expect(await env.services.jobs.list('acme', { kind: 'bulk' })).toEqual([]);
  });

  it('refuses a role without the right at all (admins may not delete patients in the hospital template)', async () => {
    const a = await createPatient(env.users.acmeAdmin);
    const error = await env.callError(env.users.acmeAdmin, 'crmStartBulkAction', {
      tenantId: 'acme', module: 'patients', selection: { ids: [{ id: a.id, version: 1 }] }, action: 'delete',
    });
    expect(error.code).toBe('permission-denied');
  });

  it('deletes and restores all records matching a view', async () => {
    const active = [await createPatient(env.users.acmeAdmin, { status: 'Active' }), await createPatient(env.users.acmeAdmin, { status: 'Active' })];
    const other = await createPatient(env.users.acmeAdmin, { status: 'New' });
    const deleted = await runBulk(env.users.acmeOwner, { selection: { view: { filters: [{ field: 'status', op: 'eq', value: 'Active' }] } }, action: 'delete' });
    expect(deleted.progress).toMatchObject({ total: 2, done: 2, counts: { updated: 2 } });
    for (const record of active) expect((await get(record.id)).deleted).toBe(true);
    expect((await get(other.id)).deleted).toBe(false);
    const restored = await runBulk(env.users.acmeOwner, { selection: { view: { deleted: true } }, action: 'restore' });
    expect(restored.progress.counts).toEqual({ updated: 2 });
    for (const record of active) expect((await get(record.id)).deleted).toBe(false);
  });

  it('changes the owner to a member, and the history says so', async () => {
    // The record trigger, as the embedded runtime feeds it: it writes the history.
    const stopFeed = env.store.onChange('records', async (change) => {
      await onRecordWritten(env.services, change);
    });
    const a = await createPatient(env.users.acmeAdmin);
    await expect(env.callError(env.users.acmeAdmin, 'crmStartBulkAction', {
      tenantId: 'acme', module: 'patients', selection: { ids: [{ id: a.id, version: 1 }] }, action: 'change_owner', ownerId: 'globex-member',
    })).resolves.toMatchObject({ code: 'invalid-argument' });
    const job = await runBulk(env.users.acmeAdmin, { selection: { ids: [{ id: a.id, version: 1 }] }, action: 'change_owner', ownerId: 'acme-member' });
    expect(job.progress.counts).toEqual({ updated: 1 });
    expect((await get(a.id)).ownerId).toBe('acme-member');
    // The member now sees it among their own records (owner-scoped tokens moved).
    await env.store.whenIdle();
    const history = await env.call<TListRecordHistoryResponse>(env.users.acmeAdmin, 'crmListRecordHistory', { tenantId: 'acme', recordId: a.id });
    expect(history.entries[0]?.changes).toEqual([{ field: '_owner', from: 'acme-admin', to: 'acme-member' }]);
    stopFeed();
  });

  it('with update_own, a bulk edit of 5,000 matching records changes only the caller\'s own', async () => {
    const own = new Set<string>();
    const patients = Array.from({ length: 5_000 }, (_, index) => index);
    for (let start = 0; start < patients.length; start += 100) {
      await Promise.all(
        patients.slice(start, start + 100).map(async (index) => {
          const owner = index % 5 === 0 ? env.users.acmeMember : index % 2 === 0 ? env.users.acmeMember2 : env.users.acmeAdmin;
          const record = await createPatient(owner, { patient_id: `P-${index}`, status: 'Active' });
          if (owner === env.users.acmeMember) own.add(record.id);
        }),
      );
    }
    const job = await runBulk(env.users.acmeMember, { selection: { view: { filters: [{ field: 'status', op: 'eq', value: 'Active' }] } }, action: 'edit_field', field: 'allergies', value: 'Bulk checked' });
    expect(job.progress).toMatchObject({ total: 5_000, done: 5_000, counts: { updated: 1_000, forbidden: 4_000 } });
    const changed = await env.store.query({
      collection: 'crm_tenants/acme/records',
      where: [{ field: 'tokens', op: 'array-contains', value: 'patients' }],
      orderBy: [{ field: 'createdAt', direction: 'desc' }, { field: '__name__', direction: 'desc' }],
      limit: 6_000,
    });
    const edited = changed.filter((doc) => (doc.data.data as Record<string, unknown>).allergies === 'Bulk checked').map((doc) => doc.id);
    expect(edited).toHaveLength(1_000);
    expect(edited.every((id) => own.has(id))).toBe(true);
  }, 300_000);
});
