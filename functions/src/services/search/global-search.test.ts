import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../../test-support/build-test-env.js';
import { buildAppointment, buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import type { TRecordResponse } from '../../api/schemas.js';
import type { TSearchRecordsResponse } from '../../api/search-schemas.js';
import { crmPaths } from '../paths.js';
import { resolveModule, type ResolvedModule } from '../config/tenant-config.js';
import { formatRecordNumber } from '../records/number-allocator.js';
import { recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { recordToWriteData, type StoredRecord } from '../records/record-model.js';
import { SEARCH_READ_BOUND } from './global-search.js';

let env: TestEnv;
const ids: Record<string, string> = {};

async function create(user: TestUser, module: string, data: Record<string, unknown>): Promise<string> {
  const { record } = await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module, data });
  return record.id;
}

async function search(user: TestUser, text: string): Promise<{ response: TSearchRecordsResponse; reads: number }> {
  env.store.meter.reset();
  const response = await env.call<TSearchRecordsResponse>(user, 'crmSearchRecords', { tenantId: 'acme', text });
  return { response, reads: env.store.meter.read().reads };
}

/** Writes `count` patients straight to the store (indexed as the service would), numbered after `from`. */
async function seedPatients(from: number, count: number, name: (index: number) => string): Promise<void> {
  const config = await env.services.configs.require('acme');
  const module = resolveModule(config, 'patients') as ResolvedModule;
  const batch = env.store.batch();
  for (let index = from; index < from + count; index += 1) {
    const data = { full_name: name(index), status: 'Active' };
    const number = formatRecordNumber(module.prefix, 1000 + index);
    const at = new Date(Date.UTC(2026, 0, 1) + index * 1000);
    const base = {
      module: 'patients', seq: 1000 + index, number, data, refs: {}, display: data.full_name, tokens: [],
      ownerId: env.users.acmeOwner.uid, createdBy: env.users.acmeOwner.uid, updatedBy: env.users.acmeOwner.uid,
      createdAt: at, updatedAt: at, deleted: false, deletedAt: null, deletedBy: null, version: 1,
    };
    const record: StoredRecord = withRecordIndex(base, recordIndexFields({ module, data, number, ownerId: base.ownerId, deleted: false }));
    batch.set(crmPaths.record('acme', `seed${String(index).padStart(5, '0')}`), recordToWriteData(record));
  }
  await batch.commit();
}

beforeAll(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  const { acmeOwner, acmeMember } = env.users;
  ids.ada = await create(acmeOwner, 'patients', buildPatient({ full_name: 'Ada Lovelace' }));
  ids.jose = await create(acmeOwner, 'patients', buildPatient({ full_name: 'José Núñez', patient_id: 'P-2002' }));
  ids.doctor = await create(acmeOwner, 'doctors', buildDoctor({ full_name: 'Dr. Adam Lovell' }));
  ids.appointment = await create(acmeOwner, 'appointments', buildAppointment({ appointment_number: 'Lovelace follow-up', patient: ids.ada, doctor: ids.doctor }));
  ids.ownersChart = await create(acmeOwner, 'medical_records', { title: 'Lovelace chart by the owner', record_type: 'Lab Result', patient: ids.ada, visit_date: '2026-11-02' });
  ids.membersChart = await create(acmeMember, 'medical_records', { title: 'Lovelace chart by the member', record_type: 'Lab Result', patient: ids.ada, visit_date: '2026-11-03' });
  await env.store.whenIdle();
}, 60_000);

describe('global search', () => {
  it('finds records of every readable module by a prefix, case- and accent-insensitive, in one query', async () => {
    const { response } = await search(env.users.acmeOwner, 'LOVEL');
    expect(response.queries).toBe(1);
    expect(new Set(response.hits.map((hit) => hit.module))).toEqual(new Set(['patients', 'doctors', 'appointments', 'medical_records']));
    const ada = response.hits.find((hit) => hit.id === ids.ada);
    expect(ada).toMatchObject({ module: 'patients', display: 'Ada Lovelace' });
    expect((await search(env.users.acmeOwner, 'nunez')).response.hits.map((hit) => hit.id)).toEqual([ids.jose]);
    expect((await search(env.users.acmeOwner, 'JOSÉ')).response.hits.map((hit) => hit.id)).toEqual([ids.jose]);
  });

  it('matches every word of several (each as a prefix) and the record number', async () => {
    // "Dr. Adam Lovell" matches both words as prefixes too; "lovela" leaves only Ada Lovelace.
    expect((await search(env.users.acmeOwner, 'lov ada')).response.hits.map((hit) => hit.id).sort()).toEqual([ids.ada, ids.doctor].sort());
    expect((await search(env.users.acmeOwner, 'ada lovela')).response.hits.map((hit) => hit.id)).toEqual([ids.ada]);
    const number = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: ids.jose })).record.number;
    expect((await search(env.users.acmeOwner, number)).response.hits.map((hit) => hit.id)).toContain(ids.jose);
  });

  it('gives a second line: the searchable field that matched, else the status', async () => {
    const { response } = await search(env.users.acmeOwner, 'p-2002');
    expect(response.hits.find((hit) => hit.id === ids.jose)?.context).toEqual({ field: 'patient_id', value: 'P-2002' });
    expect((await search(env.users.acmeOwner, 'ada')).response.hits.find((hit) => hit.id === ids.ada)?.context).toEqual({ field: 'email', value: 'ada@example.com' });
    expect((await search(env.users.acmeOwner, 'lovelace')).response.hits.find((hit) => hit.id === ids.ada)?.context).toEqual({ field: 'status', value: 'New' });
  });

  it("never shows (or reads) another owner's record to a read_own member", async () => {
    const { response, reads } = await search(env.users.acmeMember, 'chart');
    expect(response.hits.map((hit) => hit.id)).toEqual([ids.membersChart]);
    // The owner-scoped token leaves the owner's chart out of the query: nothing of it is read.
    expect(response.scanned).toBe(1);
    expect(reads).toBeLessThan(10);
    expect((await search(env.users.acmeMember, 'lovelace')).response.hits.map((hit) => hit.id)).not.toContain(ids.ownersChart);
    // The owner reads every chart.
    expect((await search(env.users.acmeOwner, 'chart')).response.hits.map((hit) => hit.id).sort()).toEqual([ids.ownersChart, ids.membersChart].sort());
  });

  it('leaves out modules the caller may not read, without reading their records', async () => {
    const doc = await env.store.get(crmPaths.tenant('acme'));
    const permissions = structuredClone(doc?.data.permissions) as Record<string, Record<string, string[]>>;
    (permissions.member as Record<string, string[]>).doctors = [];
    await env.store.update(crmPaths.tenant('acme'), { permissions });
    env.services.configs.invalidate('acme');
    try {
      const { response } = await search(env.users.acmeMember, 'lovell');
      expect(response.hits.map((hit) => hit.module)).not.toContain('doctors');
      expect(response.scanned).toBe(0);
    } finally {
      (permissions.member as Record<string, string[]>).doctors = ['read'];
      await env.store.update(crmPaths.tenant('acme'), { permissions });
      env.services.configs.invalidate('acme');
    }
  });

  it('costs the same reads per keystroke whatever the number of records (bounded, one query)', async () => {
    await seedPatients(0, 100, (index) => `Patrick Number${index}`);
    const small = await search(env.users.acmeOwner, 'patr');
    await seedPatients(100, 400, (index) => `Patrick Number${index}`);
    const large = await search(env.users.acmeOwner, 'patr');
    expect(small.response.queries).toBe(1);
    expect(large.response.queries).toBe(1);
    expect(large.response.scanned).toBe(SEARCH_READ_BOUND);
    expect(large.reads).toBe(small.reads);
    // Newest (highest number) first.
    expect(large.response.hits[0]?.display).toBe('Patrick Number499');
  });

  it('answers nothing, reading nothing, for text without words', async () => {
    const { response } = await search(env.users.acmeOwner, ' -- ');
    expect(response).toEqual({ hits: [], queries: 0, scanned: 0, truncated: false });
  });
});
