import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../../test-support/build-test-env.js';
import { buildAppointment, buildDoctor } from '../../test-support/record-fixtures.js';
import type { TListRecordsResponse, TRecordResponse, TRecordView } from '../../api/schemas.js';
import type { TCountGroupsResponse, TListCalendarResponse } from '../../api/search-schemas.js';
import { crmPaths } from '../paths.js';
import { resolveModule, type ResolvedModule } from '../config/tenant-config.js';
import { formatRecordNumber } from '../records/number-allocator.js';
import { recordIndexFields, withRecordIndex } from '../records/record-index.js';
import { recordToWriteData, type StoredRecord } from '../records/record-model.js';

let env: TestEnv;
const TOTAL = 250;
const STATUSES = ['New', 'Active', 'Discharged', 'Deceased'];

/** A deterministic shuffle of scores with ties and blanks, so the order is not the insertion order. */
const scoreOf = (index: number): number | null => (index % 17 === 0 ? null : (index * 7919) % 61);

beforeAll(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  // A tenant's custom number field, indexed while the module is empty (its slot is ready at once).
  await env.call(env.users.acmeOwner, 'crmAddField', {
    tenantId: 'acme', module: 'patients', field: { key: 'risk_score', label: { en: 'Risk score' }, type: 'number', indexed: true },
  });
  // An indexed datetime on the (still empty) appointments: calendars over it use its slot.
  await env.call(env.users.acmeOwner, 'crmAddField', {
    tenantId: 'acme', module: 'appointments', field: { key: 'visit_at', label: { en: 'Visit at' }, type: 'datetime', indexed: true },
  });
  const config = await env.services.configs.require('acme');
  const module = resolveModule(config, 'patients') as ResolvedModule;
  expect(module.slots.find((slot) => slot.field === 'risk_score')?.state).toBe('ready');
  const batch = env.store.batch();
  for (let index = 0; index < TOTAL; index += 1) {
    const score = scoreOf(index);
    const data: Record<string, unknown> = { full_name: `Patient ${index}`, status: STATUSES[index % 5] ?? null, ...(score === null ? {} : { risk_score: score }) };
    if (data.status === null) delete data.status;
    const number = formatRecordNumber(module.prefix, index + 1);
    const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000);
    const ownerId = env.users.acmeOwner.uid;
    const base = {
      module: 'patients', seq: index + 1, number, data, refs: {}, display: String(data.full_name), tokens: [],
      ownerId, createdBy: ownerId, updatedBy: ownerId, createdAt: at, updatedAt: at, deleted: false, deletedAt: null, deletedBy: null, version: 1,
    };
    const record: StoredRecord = withRecordIndex(base, recordIndexFields({ module, data, number, ownerId, deleted: false }));
    batch.set(crmPaths.record('acme', `p${String(index).padStart(4, '0')}`), recordToWriteData(record));
  }
  await batch.commit();
}, 60_000);

async function allPages(user: TestUser, input: Record<string, unknown>): Promise<{ pages: TRecordView[][]; reads: number[] }> {
  const pages: TRecordView[][] = [];
  const reads: number[] = [];
  let cursor: string | undefined;
  do {
    env.store.meter.reset();
    const response: TListRecordsResponse = await env.call(user, 'crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: 50, ...input, ...(cursor ? { cursor } : {}) });
    reads.push(env.store.meter.read().reads);
    pages.push(response.records);
    expect(response.plan.kind).toBe('index');
    cursor = response.nextCursor ?? undefined;
  } while (cursor);
  return { pages, reads };
}

describe('sort by a custom number field across pages', () => {
  it('5 pages of 50 are exactly all records in sorted order (ascending and descending, blanks first ascending)', async () => {
    const expected = Array.from({ length: TOTAL }, (_, index) => index)
      .map((index) => ({ id: `p${String(index).padStart(4, '0')}`, score: scoreOf(index) }))
      // Firestore's order: null before numbers, then ties by document name.
      .sort((a, b) => (a.score ?? -Infinity) - (b.score ?? -Infinity) || a.id.localeCompare(b.id));
    const ascending = await allPages(env.users.acmeOwner, { sort: 'risk_score', direction: 'asc' });
    expect(ascending.pages.map((page) => page.length)).toEqual([50, 50, 50, 50, 50]);
    expect(ascending.pages.flat().map((record) => record.id)).toEqual(expected.map((entry) => entry.id));
    // Each page reads its 50 records plus one to know a next page exists (and membership/config overhead): not the module.
    for (const reads of ascending.reads) expect(reads).toBeLessThan(60);
    const descending = await allPages(env.users.acmeOwner, { sort: 'risk_score', direction: 'desc' });
    expect(descending.pages.flat().map((record) => record.id)).toEqual([...expected].reverse().map((entry) => entry.id));
  });

  it('an equality filter and the sort are served together by the index, across pages', async () => {
    const mine = await allPages(env.users.acmeOwner, { sort: 'risk_score', direction: 'asc', filters: [{ field: 'status', op: 'eq', value: 'Active' }] });
    const scores = mine.pages.flat().map((record) => (typeof record.data.risk_score === 'number' ? record.data.risk_score : -Infinity));
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(mine.pages.flat().every((record) => record.data.status === 'Active')).toBe(true);
  });
});

describe('group counts', () => {
  it('counts records per option of a select field by aggregation, reading no record', async () => {
    env.store.meter.reset();
    const response = await env.call<TCountGroupsResponse>(env.users.acmeOwner, 'crmCountGroups', { tenantId: 'acme', module: 'patients', field: 'status' });
    const reads = env.store.meter.read().reads;
    const expected = (status: string | null) => Array.from({ length: TOTAL }, (_, index) => STATUSES[index % 5] ?? null).filter((value) => value === status).length;
    expect(response.total).toBe(TOTAL);
    expect(response.groups).toEqual([...STATUSES.map((value) => ({ value, count: expected(value) })), { value: null, count: expected(null) }]);
    // One billed read per aggregation (each counts under 1,000 entries), plus membership and config.
    // + 1: the tenant's access version doc, read once per call (field-level security applies on the next call).
    expect(reads).toBeLessThanOrEqual(STATUSES.length + 1 + 3 + 1);
  });

  it('refuses a field that is not a select field', async () => {
    expect((await env.callError(env.users.acmeOwner, 'crmCountGroups', { tenantId: 'acme', module: 'patients', field: 'full_name' })).code).toBe('invalid-argument');
  });
});

describe('calendar', () => {
  const at = ['2026-10-31T20:00:00Z', '2026-11-02T10:00:00Z', '2026-11-15T23:30:00Z', '2026-11-30T20:00:00Z', '2026-12-03T09:00:00Z'];
  const ids: string[] = [];
  beforeAll(async () => {
    const doctor = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor() })).record.id;
    for (const when of at) {
      const data = buildAppointment({ appointment_date: when, visit_at: when, patient: 'p0001', doctor });
      const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'appointments', data });
      ids.push(record.id);
    }
  });

  const calendar = (user: TestUser, from: string, to: string, field = 'appointment_date') =>
    env.call<TListCalendarResponse>(user, 'crmListCalendar', { tenantId: 'acme', module: 'appointments', field, from, to });

  it("returns the records on the range's days in the tenant's time zone, by date buckets", async () => {
    const utc = await calendar(env.users.acmeOwner, '2026-11-01', '2026-11-30');
    expect(utc.records.map((record) => record.id)).toEqual([ids[1], ids[2], ids[3]]);
    await env.call(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Asia/Kolkata' });
    // +05:30: Oct 31 20:00 UTC is Nov 1 01:30 there; Nov 30 20:00 UTC is Dec 1.
    const kolkata = await calendar(env.users.acmeOwner, '2026-11-01', '2026-11-30');
    expect(kolkata.records.map((record) => record.id)).toEqual([ids[0], ids[1], ids[2]]);
    const week = await calendar(env.users.acmeOwner, '2026-11-30', '2026-12-06');
    expect(week.records.map((record) => record.id)).toEqual([ids[3], ids[4]]);
    const day = await calendar(env.users.acmeOwner, '2026-11-16', '2026-11-16');
    // Nov 15 23:30 UTC is Nov 16 05:00 in Kolkata.
    expect(day.records.map((record) => record.id)).toEqual([ids[2]]);
    await env.call(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'UTC' });
  });

  it('uses one range query on the index slot when the date field is indexed', async () => {
    const config = await env.services.configs.require('acme');
    expect(resolveModule(config, 'appointments')?.slots.find((candidate) => candidate.field === 'visit_at')?.state).toBe('ready');
    const buckets = await calendar(env.users.acmeOwner, '2026-11-01', '2026-11-30');
    expect(buckets.queries).toBe(1);
    env.store.meter.reset();
    const response = await calendar(env.users.acmeOwner, '2026-11-01', '2026-11-30', 'visit_at');
    expect(response.queries).toBe(1);
    // The three records of the range (plus membership): the range query reads nothing outside it.
    // + 1: the tenant's access version doc, read once per call.
    expect(env.store.meter.read().reads).toBeLessThanOrEqual(3 + 3 + 1);
    expect(response.records.map((record) => record.id)).toEqual([ids[1], ids[2], ids[3]]);
  });

  it('refuses a field that is not a date and a range over 42 days', async () => {
    expect((await env.callError(env.users.acmeOwner, 'crmListCalendar', { tenantId: 'acme', module: 'appointments', field: 'reason', from: '2026-11-01', to: '2026-11-02' })).code).toBe('invalid-argument');
    expect((await env.callError(env.users.acmeOwner, 'crmListCalendar', { tenantId: 'acme', module: 'appointments', field: 'appointment_date', from: '2026-11-01', to: '2026-12-31' })).code).toBe('invalid-argument');
  });
});
