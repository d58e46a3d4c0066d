import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { buildPatient } from '../../test-support/record-fixtures.js';
import type { Caller } from '../caller.js';
import { isCrmError } from '../errors.js';
import { isStoreError } from '../../store/document-store.js';
import { resolveModule } from '../config/tenant-config.js';
import { buildRecordIndex } from '../records/record-tokens.js';
import { recordToWriteData, type StoredRecord } from '../records/record-model.js';
import { buildHospitalUpgrade } from './fixtures/build-hospital-upgrade.js';
import { ManualMigrationDriver } from './migration-driver.js';
import { parseMigrationJob } from './migration-job.js';
import { runMigrationBatch, runMigrationToCompletion } from './migration-runner.js';
import { configureTemplateLifecycle, type TemplateLifecycle } from './template-lifecycle.js';
import { createServices } from '../create-services.js';

/** A clock past the settle window, so tests need not wait for it. */
const LATER = (): Date => new Date(Date.now() + 10 * 60_000);

const OWNER: Caller = { uid: 'acme-owner', tenantId: 'acme', tenantName: 'Acme Clinic', role: 'owner', platformRole: null };

let env: TestEnv;
let lifecycle: TemplateLifecycle;

beforeEach(async () => {
  env = await buildTestEnv();
  lifecycle = configureTemplateLifecycle(env.services, { driver: new ManualMigrationDriver() });
  await env.services.config.selectTemplate(OWNER, 'hospital');
});

/** Seed value of record i, so the expected migrated value is known without keeping the records. */
function seedData(i: number): Record<string, unknown> {
  return {
    ...buildPatient({ patient_id: `P-${i}`, full_name: `Patient ${i}` }),
    insurance_provider: `Insurer ${i % 7}`,
    gender: i % 3 === 0 ? 'Prefer not to say' : 'Female',
    ...(i % 5 === 0 ? { allergies: 'Dust' } : {}),
  };
}

/** Writes `count` records under the 1.0.0 schema straight into the store (as 1.0.0 would have), returning id → seed index. */
async function seedRecords(count: number): Promise<Map<string, number>> {
  const config = await env.services.configs.require('acme');
  const module = resolveModule(config, 'patients');
  if (!module) throw new Error('no patients');
  const ids = new Map<string, number>();
  const createdAt = new Date('2026-01-01T00:00:00Z');
  for (let start = 0; start < count; start += 500) {
    const batch = env.store.batch();
    for (let i = start; i < Math.min(count, start + 500); i += 1) {
      const id = env.store.newId();
      const data = seedData(i);
      const number = `PAT-${String(i + 1).padStart(6, '0')}`;
      const record: StoredRecord = {
        module: 'patients', seq: i + 1, number, data, refs: {}, display: String(data.full_name),
        // The real index: a record whose index is stale would also be rewritten by the migration.
        ...buildRecordIndex({ module: 'patients', fields: module.fields, data, number, ownerId: OWNER.uid, deleted: false }),
        ownerId: OWNER.uid, createdBy: OWNER.uid, updatedBy: OWNER.uid, createdAt, updatedAt: createdAt,
        deleted: false, deletedAt: null, deletedBy: null, version: 1,
      };
      batch.set(`crm_tenants/acme/records/${id}`, recordToWriteData(record));
      ids.set(id, i);
    }
    await batch.commit();
  }
  return ids;
}

async function upgradeToHospital11(): Promise<string> {
  const draft = await lifecycle.console.saveDraft('root', { template: buildHospitalUpgrade() });
  await lifecycle.console.publishDraft('root', { draftId: draft.draftId, changeNote: 'test' });
  const { migration } = await lifecycle.upgrades.apply(OWNER, { targetVersion: '1.1.0' });
  if (!migration) throw new Error('expected a migration job');
  return migration.jobId;
}

async function readJob(jobId: string) {
  const doc = await env.store.get(`crm_tenants/acme/migrations/${jobId}`);
  if (!doc) throw new Error('job missing');
  return parseMigrationJob(doc.data);
}

/** Users keep working while the migration runs: edits to old records, new records, retried on conflicts. */
function startUsers(seeded: readonly string[]) {
  const edits = new Map<string, { updates: number; insurer?: string; address?: string }>();
  const created: string[] = [];
  let stop = false;
  let operations = 0;
  let failure: unknown = null;
  const loop = (async () => {
    for (let n = 0; !stop; n += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      if (n % 10 === 9) {
        const { id } = await env.services.records.create(OWNER, 'patients', buildPatient({ patient_id: `NEW-${n}`, insurer: 'NewCo', preferred_language: 'Spanish' }));
        created.push(id);
        continue;
      }
      const id = seeded[(n * 7919) % seeded.length] ?? '';
      const change = n % 2 === 0 ? { insurer: `User insurer ${n}` } : { address: `${n} Main St` };
      for (;;) {
        const current = await env.services.records.get(OWNER, id);
        try {
          await env.services.records.update(OWNER, id, change, current.version);
          break;
        } catch (error) {
          // Someone (the migration) saved first: reload and apply again, as the SPA tells users to.
          if (!isCrmError(error, 'version-conflict') && !isStoreError(error, 'aborted')) throw error;
        }
      }
      const entry = edits.get(id) ?? { updates: 0 };
      edits.set(id, { ...entry, updates: entry.updates + 1, ...change });
      operations += 1;
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  return {
    edits,
    created,
    operations: () => operations,
    stop: async () => {
      stop = true;
      await loop;
      if (failure) throw failure;
    },
  };
}

describe('runMigrationBatch', () => {
  it('migrates 20,000 records exactly once through a stop, a crash mid-batch and a resume, losing no concurrent write', async () => {
    const ids = await seedRecords(20_000);
    const seeded = [...ids.keys()];
    const jobId = await upgradeToHospital11();
    const users = startUsers(seeded);

    // 1. A runner stops after 30 batches (process recycled between batches).
    const first = await runMigrationToCompletion({ store: env.store, now: LATER }, { tenantId: 'acme', jobId, batchSize: 450, maxBatches: 15 });
    expect(first.done).toBe(false);
    const afterStop = await readJob(jobId);
    expect(afterStop.processed).toBe(6_750);

    // 2. The next runner crashes inside its 3rd batch, before the commit: that batch leaves no trace.
    let crashes = 0;
    const crashing = runMigrationToCompletion(
      { store: env.store, now: LATER, beforeCommit: ({ batchNumber }) => { if (batchNumber === afterStop.batches + 3) { crashes += 1; throw new Error('instance died'); } } },
      { tenantId: 'acme', jobId, batchSize: 450 },
    );
    await expect(crashing).rejects.toThrow('instance died');
    expect(crashes).toBe(1);
    const afterCrash = await readJob(jobId);
    expect(afterCrash.batches).toBe(afterStop.batches + 2);
    expect(afterCrash.processed).toBe(6_750 + 2 * 450);
    expect(afterCrash.status).toBe('running');

    // 3. A fresh runner resumes from the stored cursor to the end while users keep writing.
    const resumed = await runMigrationToCompletion({ store: env.store, now: LATER }, { tenantId: 'acme', jobId, batchSize: 450 });
    expect(resumed.done).toBe(true);
    await users.stop();
    expect(users.operations()).toBeGreaterThan(20);

    const job = await readJob(jobId);
    expect(job.status).toBe('done');
    expect(job.migrated).toBe(20_000);

    const docs = await env.store.query({ collection: 'crm_tenants/acme/records' });
    expect(docs).toHaveLength(20_000 + users.created.length);
    const createdIds = new Set(users.created);
    let checked = 0;
    for (const doc of docs) {
      const record = doc.data as unknown as StoredRecord & { migration?: { jobId: string } };
      if (createdIds.has(doc.id)) {
        // Created under 1.1.0: never touched by the migration.
        expect(record.migration).toBeUndefined();
        expect(record.version).toBe(1);
        expect(record.data).toMatchObject({ insurer: 'NewCo', preferred_language: 'Spanish' });
        continue;
      }
      const i = ids.get(doc.id);
      if (i === undefined) throw new Error(`unexpected record ${doc.id}`);
      const edit = users.edits.get(doc.id);
      const seed = seedData(i);
      // Exactly once: one version for the seed, one per user edit, one for the migration.
      expect(record.version).toBe(2 + (edit?.updates ?? 0));
      expect(record.migration?.jobId).toBe(jobId);
      expect(record.schemaVersion).toBe('1.1.0');
      expect(record.data).not.toHaveProperty('insurance_provider');
      expect(record.data).not.toHaveProperty('allergies');
      expect(record.data.insurer).toBe(edit?.insurer ?? seed.insurance_provider);
      if (edit?.address) expect(record.data.address).toBe(edit.address);
      expect(record.data.gender).toBe(seed.gender === 'Prefer not to say' ? 'Undisclosed' : 'Female');
      expect(record.data.preferred_language).toBe('English');
      if (seed.allergies) expect(record.data.medical_notes).toBe('Dust');
      expect(record.tokens).toContain(`patients|f:gender=${String(record.data.gender)}`);
      checked += 1;
    }
    expect(checked).toBe(20_000);
    // Speed is a bench figure (npm run bench), not a timed assertion: a busy machine must not fail this test.
  }, 600_000);

  it('measures cost and speed: two reads and one write per migrated record, plus a few per batch', async () => {
    await seedRecords(5_000);
    const jobId = await upgradeToHospital11();
    env.store.meter.reset();
    const started = performance.now();
    const outcome = await runMigrationToCompletion({ store: env.store, now: LATER }, { tenantId: 'acme', jobId, batchSize: 400 });
    const seconds = (performance.now() - started) / 1000;
    const { reads, writes } = env.store.meter.read();
    const perRecord = { reads: reads / outcome.migrated, writes: writes / outcome.migrated };
    console.info(`migration: ${outcome.migrated} records in ${seconds.toFixed(2)} s (${Math.round(outcome.migrated / seconds)} records/s), ` +
      `${perRecord.reads.toFixed(3)} reads and ${perRecord.writes.toFixed(3)} writes per record, ${outcome.batches} batches`);
    expect(outcome.migrated).toBe(5_000);
    // Per record: the page query and the transactional re-read; per batch: job and config, each read
    // before and in the transaction (the config in it marks index slots ready when the job ends).
    // The last batch is the settle sweep: job, config, an empty query (billed one read), job and config again.
    expect(reads).toBe(2 * 5_000 + 4 * (outcome.batches - 1) + 5);
    expect(writes).toBe(5_000 + outcome.batches);
  }, 60_000);

  it('lets two runners race on one job without migrating a batch twice', async () => {
    await seedRecords(1_000);
    const jobId = await upgradeToHospital11();
    const [a, b] = await Promise.all([
      runMigrationToCompletion({ store: env.store, now: LATER }, { tenantId: 'acme', jobId, batchSize: 100 }),
      runMigrationToCompletion({ store: env.store, now: LATER }, { tenantId: 'acme', jobId, batchSize: 100 }),
    ]);
    expect(a.migrated + b.migrated).toBe(1_000);
    expect((await readJob(jobId)).migrated).toBe(1_000);
  });

  it('finishes at once for a job already done, and treats a deleted record as nothing to do', async () => {
    const ids = await seedRecords(3);
    const jobId = await upgradeToHospital11();
    await env.store.delete(`crm_tenants/acme/records/${[...ids.keys()][0]}`);
    expect(await runMigrationBatch({ store: env.store, now: LATER }, { tenantId: 'acme', jobId, batchSize: 10 })).toMatchObject({ done: false, migrated: 2 });
    expect(await runMigrationBatch({ store: env.store, now: LATER }, { tenantId: 'acme', jobId })).toMatchObject({ done: true, migrated: 0 });
    expect(await runMigrationBatch({ store: env.store, now: LATER }, { tenantId: 'acme', jobId })).toEqual({ done: true, examined: 0, migrated: 0, raced: false });
  });

  it('finishes right after the scan when one process owns the store (no settle window)', async () => {
    await seedRecords(3);
    const jobId = await upgradeToHospital11();
    // The real clock, not LATER: with the default window this job would still be settling.
    const outcome = await runMigrationToCompletion({ store: env.store, settleMs: 0 }, { tenantId: 'acme', jobId });
    expect(outcome.migrated).toBe(3);
    expect((await readJob(jobId)).status).toBe('done');
  });

  it('settles: waits out stale configuration caches, then migrates records such an instance created with the old schema', async () => {
    await seedRecords(10);
    const jobId = await upgradeToHospital11();
    const walked = await runMigrationBatch({ store: env.store }, { tenantId: 'acme', jobId, batchSize: 50 });
    expect(walked).toMatchObject({ done: false, migrated: 10 });
    const waiting = await runMigrationBatch({ store: env.store }, { tenantId: 'acme', jobId });
    expect(waiting.done).toBe(false);
    expect(waiting.waitMs).toBeGreaterThan(60_000);
    expect((await readJob(jobId)).phase).toBe('settle');

    // An instance that cached the 1.0.0 configuration creates a record after the walk passed.
    const config = await env.services.configs.require('acme');
    const module = resolveModule(config, 'patients');
    const data = seedData(3);
    const now = new Date();
    const stale: StoredRecord = {
      module: 'patients', seq: 99, number: 'PAT-000099', data, refs: {}, display: null,
      ...buildRecordIndex({ module: 'patients', fields: module?.fields ?? [], data, number: 'PAT-000099', ownerId: OWNER.uid, deleted: false }),
      ownerId: OWNER.uid, createdBy: OWNER.uid, updatedBy: OWNER.uid, createdAt: now, updatedAt: now,
      deleted: false, deletedAt: null, deletedBy: null, version: 1, schemaVersion: '1.0.0',
    };
    await env.store.set('crm_tenants/acme/records/zz-stale', recordToWriteData(stale));

    const outcome = await runMigrationToCompletion({ store: env.store, now: LATER }, { tenantId: 'acme', jobId });
    expect(outcome).toMatchObject({ done: true, migrated: 1 });
    const migrated = (await env.store.get('crm_tenants/acme/records/zz-stale'))?.data as unknown as StoredRecord;
    expect(migrated.schemaVersion).toBe('1.1.0');
    expect(migrated.data).toMatchObject({ insurer: 'Insurer 3', gender: 'Undisclosed', preferred_language: 'English' });
    expect((await readJob(jobId)).status).toBe('done');
  });

  it('makes an instance whose cached configuration predates the upgrade re-read it before updating a migrated record', async () => {
    const ids = await seedRecords(1);
    const [id] = [...ids.keys()];
    // A second instance that loaded the 1.0.0 configuration before the upgrade.
    const other = createServices({ store: env.store });
    await other.configs.require('acme');
    const jobId = await upgradeToHospital11();
    await runMigrationToCompletion({ store: env.store, now: LATER }, { tenantId: 'acme', jobId });
    const before = await env.store.get(`crm_tenants/acme/records/${id}`);
    // Validated against the upgraded configuration: the old key is refused, nothing is written...
    const error = await other.records.update(OWNER, id ?? '', { insurance_provider: 'Stale write' }, 2).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'invalid-input')).toBe(true);
    expect((await env.store.get(`crm_tenants/acme/records/${id}`))?.data).toEqual(before?.data);
    // ...and the new key is accepted.
    const fresh = await other.records.update(OWNER, id ?? '', { insurer: 'Fresh write' }, 2);
    expect(fresh.data.insurer).toBe('Fresh write');
  });
});
