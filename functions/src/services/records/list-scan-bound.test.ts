import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import type { TListRecordsResponse } from '../../api/schemas.js';
import { resolveModule, type ResolvedModule } from '../config/tenant-config.js';
import { formatRecordNumber } from './number-allocator.js';
import { recordIndexFields, withRecordIndex } from './record-index.js';
import { recordToWriteData, type StoredRecord } from './record-model.js';
import { MAX_SCANNED } from './list-records.js';

/**
 * A filter no index can serve (text inside a textarea) over 2,600 patients,
 * of which every 97th mentions penicillin: each call reads at most
 * MAX_SCANNED documents, says it scans and how far it got, and the caller
 * continues from the cursor until the whole module has been scanned once.
 */
const TOTAL = 2_600;
let env: TestEnv;

beforeAll(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  const config = await env.services.configs.require('acme');
  const module = resolveModule(config, 'patients') as ResolvedModule;
  let batch = env.store.batch();
  for (let index = 0; index < TOTAL; index += 1) {
    const data = { full_name: `Patient ${index}`, status: 'Active', allergies: index % 97 === 0 ? 'Severe penicillin reaction' : 'None known' };
    const number = formatRecordNumber(module.prefix, index + 1);
    const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000);
    const base = {
      module: 'patients', seq: index + 1, number, data, refs: {}, display: data.full_name, tokens: [],
      ownerId: env.users.acmeOwner.uid, createdBy: env.users.acmeOwner.uid, updatedBy: env.users.acmeOwner.uid,
      createdAt: at, updatedAt: at, deleted: false, deletedAt: null, deletedBy: null, version: 1,
    };
    const record: StoredRecord = withRecordIndex(base, recordIndexFields({ module, data, number, ownerId: base.ownerId, deleted: false }));
    batch.set(`crm_tenants/acme/records/p${String(index).padStart(5, '0')}`, recordToWriteData(record));
    if (index % 400 === 399) {
      await batch.commit();
      batch = env.store.batch();
    }
  }
  await batch.commit();
}, 60_000);

const allergyFilter = { field: 'allergies', op: 'contains', value: 'penicillin' };

async function list(input: Record<string, unknown>): Promise<{ response: TListRecordsResponse; reads: number }> {
  env.store.meter.reset();
  const response = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'patients', ...input });
  return { response, reads: env.store.meter.read().reads };
}

describe('search', () => {
  it('is served by the search index in the lists\' default order (highest number first)', async () => {
    // "2599" is in the name of one patient and the number (PAT-002599) of the one before it.
    const { response } = await list({ search: '2599', sort: 'number', direction: 'desc', pageSize: 50 });
    // Only the matching records are read: the index answers the whole condition.
    expect(response.plan).toMatchObject({ kind: 'index', servedBy: 'search', scannedConditions: [], scannedThisCall: 2 });
    expect(response.records.map((record) => record.data.full_name)).toEqual(['Patient 2599', 'Patient 2598']);
  });

  it('narrows by the index on its longest word and checks the other words on what it read', async () => {
    const { response } = await list({ search: 'patient 2599', sort: 'number', direction: 'desc', pageSize: 5, explain: true });
    expect(response.plan).toMatchObject({ kind: 'scan', servedBy: 'search', scannedConditions: ['search'] });
  });
});

describe('a list filter no index can serve', () => {
  it('says before running that it scans, which condition and how far per call, reading no record', async () => {
    const { response, reads } = await list({ filters: [allergyFilter], explain: true });
    expect(response.records).toEqual([]);
    expect(response.plan).toEqual({ kind: 'scan', servedBy: null, scannedConditions: ['allergies'], scanBound: MAX_SCANNED, scannedThisCall: 0, scanned: 0 });
    // Only the caller's membership checks: no record is read to explain.
    expect(reads).toBeLessThan(5);
  });

  it('never reads more than the scan bound per call, reports how far it got, and continues on demand until done', async () => {
    const overhead = (await list({ filters: [allergyFilter], explain: true })).reads;
    const found: string[] = [];
    let cursor: string | undefined;
    let scannedBefore = 0;
    let calls = 0;
    for (;;) {
      const { response, reads } = await list({ filters: [allergyFilter], pageSize: 50, ...(cursor ? { cursor, scannedBefore } : {}) });
      calls += 1;
      expect(response.plan.kind).toBe('scan');
      expect(response.plan.scannedThisCall).toBeLessThanOrEqual(MAX_SCANNED);
      expect(reads - overhead).toBeLessThanOrEqual(MAX_SCANNED);
      // An empty last batch still bills one read (Firestore's minimum per query), within the bound.
      expect(reads - overhead - response.plan.scannedThisCall).toBeGreaterThanOrEqual(0);
      expect(reads - overhead - response.plan.scannedThisCall).toBeLessThanOrEqual(1);
      expect(response.plan.scanned).toBe(scannedBefore + response.plan.scannedThisCall);
      found.push(...response.records.map((record) => String(record.data.full_name)));
      if (!response.nextCursor) break;
      expect(response.scanLimited).toBe(true);
      cursor = response.nextCursor;
      scannedBefore = response.plan.scanned;
    }
    expect(calls).toBe(Math.ceil(TOTAL / MAX_SCANNED));
    expect(scannedBefore).toBeLessThan(TOTAL);
    const expected = Array.from({ length: TOTAL }, (_, index) => index).filter((index) => index % 97 === 0).reverse().map((index) => `Patient ${index}`);
    expect(found).toEqual(expected);
  });

  it('is served by the index when the filter is an equality on a choice field', async () => {
    const { response, reads } = await list({ filters: [{ field: 'status', op: 'eq', value: 'Active' }], pageSize: 20 });
    expect(response.plan).toMatchObject({ kind: 'index', servedBy: 'status', scannedConditions: [], scannedThisCall: 21 });
    expect(response.records).toHaveLength(20);
    expect(reads).toBeLessThan(30);
  });
});

describe('the plan names what the index narrows the list to', () => {
  it("is the caller's own records for read_own, the trash when listing it, nothing for the whole module", async () => {
    const asMember = await env.call<TListRecordsResponse>(env.users.acmeMember, 'crmListRecords', {
      tenantId: 'acme', module: 'medical_records', filters: [{ field: 'diagnosis', op: 'contains', value: 'flu' }], explain: true,
    });
    expect(asMember.plan).toMatchObject({ kind: 'scan', servedBy: 'owner', scannedConditions: ['diagnosis'] });
    expect((await list({ filters: [allergyFilter], explain: true, deleted: true })).response.plan).toMatchObject({ kind: 'scan', servedBy: 'trash' });
    expect((await list({ filters: [allergyFilter], explain: true })).response.plan.servedBy).toBeNull();
  });
});
