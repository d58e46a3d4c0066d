import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { ManualMigrationDriver } from '../template-lifecycle/migration-driver.js';
import { runMigrationToCompletion } from '../template-lifecycle/migration-runner.js';
import { configureTemplateLifecycle } from '../template-lifecycle/template-lifecycle.js';
import type { TConfigResponse, TListRecordsResponse, TRecordResponse } from '../../api/schemas.js';
import type { TMigrationProgressResponse } from '../../api/template-schemas.js';
import type { TGetDashboardDataResponse, TSaveDashboardResponse } from '../../api/dashboard-schemas.js';

let env: TestEnv;
let driver: ManualMigrationDriver;

beforeEach(async () => {
  env = await buildTestEnv();
  driver = new ManualMigrationDriver();
  configureTemplateLifecycle(env.services, { driver });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
  await env.call(env.users.acmeOwner, 'crmCreateModule', {
    tenantId: 'acme',
    module: { slug: 'deals', label: 'Deals' },
    fields: [
      { key: 'name', label: 'Name', type: 'text' },
      { key: 'stage', label: 'Stage', type: 'select', options: ['Open', 'Won'] },
      { key: 'amount', label: 'Amount', type: 'number', indexed: true },
      { key: 'fee', label: 'Fee', type: 'currency' },
      { key: 'close', label: 'Close', type: 'date' },
    ],
  });
});

async function create(data: Record<string, unknown>) {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'deals', data })).record;
}

async function list(input: Record<string, unknown>) {
  return env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'deals', ...input });
}

async function listAll(input: Record<string, unknown>): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ ...input, pageSize: 3, ...(cursor ? { cursor } : {}) });
    names.push(...page.records.map((record) => String(record.data.name)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return names;
}

async function slotsOf(module = 'deals') {
  const { config } = await env.call<TConfigResponse>(env.users.acmeOwner, 'crmBootstrap', { tenantId: 'acme' });
  return config.modules.find((candidate) => candidate.slug === module)?.index_slots ?? [];
}

describe('index slots', () => {
  it('sorts a list by an indexed field across every page, records without a value first when ascending', async () => {
    for (const [name, amount] of [['a', 50], ['b', 10], ['c', undefined], ['d', 40], ['e', -5], ['f', 30], ['g', 20]] as const) {
      await create({ name, stage: 'Open', ...(amount === undefined ? {} : { amount }) });
    }
    expect(await listAll({ sort: 'amount', direction: 'asc' })).toEqual(['c', 'e', 'b', 'g', 'f', 'd', 'a']);
    expect(await listAll({ sort: 'amount', direction: 'desc' })).toEqual(['a', 'd', 'f', 'g', 'b', 'e', 'c']);
    expect(await listAll({ sort: 'amount', direction: 'desc', filters: [{ field: 'stage', op: 'eq', value: 'Open' }] })).toHaveLength(7);
  });

  it('refuses to sort by a field that is not indexed, saying how to index it', async () => {
    const error = await env.callError(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'deals', sort: 'fee' });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/"fee" is not indexed: an admin can mark it indexed/);
  });

  it('backfills existing records when a field becomes indexed, with progress, resumably, then sums and sorts by it', async () => {
    for (let index = 0; index < 25; index += 1) await create({ name: `r${String(index).padStart(2, '0')}`, stage: index % 2 ? 'Won' : 'Open', fee: index });
    await env.call(env.users.acmeOwner, 'crmUpdateField', { tenantId: 'acme', module: 'deals', key: 'fee', changes: { indexed: true } });
    expect(await slotsOf()).toEqual([
      { field: 'amount', slot: 0, state: 'ready' },
      { field: 'fee', slot: 1, state: 'backfilling' },
    ]);
    const [started] = driver.started;
    if (!started) throw new Error('no reindex job was started');

    // Until the backfill is done, figures and sorts over the field say so instead of being partial.
    const saved = await env.call<TSaveDashboardResponse>(env.users.acmeAdmin, 'crmSaveDashboard', {
      tenantId: 'acme',
      dashboard: {
        name: 'Fees',
        widgets: [{ id: 'won-fees', type: 'metric_card', title: 'Won fees', position: { x: 0, y: 0, w: 3, h: 2 }, config: { module: 'deals', aggregation: 'sum', field: 'fee', filter: { stage: 'Won' } } }],
      },
    });
    const render = () => env.call<TGetDashboardDataResponse>(env.users.acmeAdmin, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: saved.dashboard.id });
    expect((await render()).widgets[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/"fee" is still being indexed/) });
    expect((await env.callError(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'deals', sort: 'fee' })).message).toMatch(/still being indexed/);

    // Two batches, then a stop: the job keeps its cursor and reports progress.
    const first = await runMigrationToCompletion({ store: env.store, settleMs: 0 }, { ...started, batchSize: 10, maxBatches: 2 });
    expect(first.done).toBe(false);
    const progress = await env.call<TMigrationProgressResponse>(env.users.acmeOwner, 'crmMigrationProgress', { tenantId: 'acme', jobId: started.jobId });
    expect(progress.migration).toMatchObject({ kind: 'reindex', indexing: ['deals.fee'], status: 'running', processed: 20, total: 25, percent: 80 });

    const rest = await runMigrationToCompletion({ store: env.store, settleMs: 0 }, { ...started, batchSize: 10 });
    expect(rest.done).toBe(true);
    env.services.configs.invalidate('acme');
    expect((await slotsOf()).find((slot) => slot.field === 'fee')?.state).toBe('ready');

    const wonFees = Array.from({ length: 25 }, (_, index) => index).filter((index) => index % 2 === 1).reduce((total, index) => total + index, 0);
    expect((await render()).widgets[0]).toMatchObject({ status: 'ok', value: wonFees });
    expect((await listAll({ sort: 'fee', direction: 'desc' })).slice(0, 3)).toEqual(['r24', 'r23', 'r22']);
  });

  it('does not treat the backfill as an edit: no history entry, no version change', async () => {
    const record = await create({ name: 'x', fee: 5 });
    await env.call(env.users.acmeOwner, 'crmUpdateField', { tenantId: 'acme', module: 'deals', key: 'fee', changes: { indexed: true } });
    const [started] = driver.started;
    if (!started) throw new Error('no reindex job was started');
    const before = await env.store.get(`crm_tenants/acme/records/${record.id}`);
    await runMigrationToCompletion({ store: env.store, settleMs: 0 }, started);
    const after = await env.store.get(`crm_tenants/acme/records/${record.id}`);
    expect(after?.data.s1).toBe(5);
    expect(after?.data.version).toBe(before?.data.version);
    const { isMigrationWrite } = await import('./record-model.js');
    expect(isMigrationWrite(before?.data ?? null, after?.data ?? null)).toBe(true);
  });

  it('keeps a slot when other fields change, and frees it when the field is un-indexed', async () => {
    await env.call(env.users.acmeOwner, 'crmAddField', { tenantId: 'acme', module: 'deals', field: { key: 'cost', label: 'Cost', type: 'number', indexed: true } });
    expect(await slotsOf()).toEqual([
      { field: 'amount', slot: 0, state: 'ready' },
      { field: 'cost', slot: 1, state: 'ready' },
    ]);
    await env.call(env.users.acmeOwner, 'crmUpdateField', { tenantId: 'acme', module: 'deals', key: 'amount', changes: { indexed: false } });
    expect(await slotsOf()).toEqual([{ field: 'cost', slot: 1, state: 'ready' }]);
    expect(driver.started).toEqual([]);
  });

  it('refuses a sixth indexed field, naming them', async () => {
    for (const key of ['n1', 'n2', 'n3', 'n4']) {
      await env.call(env.users.acmeOwner, 'crmAddField', { tenantId: 'acme', module: 'deals', field: { key, label: key, type: 'number', indexed: true } });
    }
    const error = await env.callError(env.users.acmeOwner, 'crmUpdateField', { tenantId: 'acme', module: 'deals', key: 'fee', changes: { indexed: true } });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe(
      'deals.fields: 6 indexed fields ("amount", "fee", "n1", "n2", "n3", "n4", counting those dashboards sum or average); a module has 5 index slots: un-index some',
    );
  });

  it('refuses to index a text field', async () => {
    const error = await env.callError(env.users.acmeOwner, 'crmUpdateField', { tenantId: 'acme', module: 'deals', key: 'name', changes: { indexed: true } });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/only number, currency, date and datetime fields can be indexed; "name" is text/);
  });
});

describe('catching up a tenant configured before index slots', () => {
  it('indexes the fields its dashboards sum, rewrites records of the old layout, and searches and sums work again', async () => {
    await env.call(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme',
      module: { slug: 'orders', label: 'Orders' },
      fields: [
        { key: 'title', label: 'Title', type: 'text' },
        { key: 'total', label: 'Total', type: 'currency' },
      ],
    });
    const records = [];
    for (const [title, total] of [['Blue widget', 10], ['Red gadget', 32]] as const) {
      records.push((await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'orders', data: { title, total } })).record);
    }
    // The old layout: search prefixes in `tokens`, no `search` array, no slots.
    for (const record of records) {
      const doc = await env.store.get(`crm_tenants/acme/records/${record.id}`);
      const data = { ...(doc?.data ?? {}) };
      data.tokens = [...(data.tokens as string[]), ...(data.search as string[])];
      delete data.search;
      await env.store.set(`crm_tenants/acme/records/${record.id}`, data);
    }
    const widget = { id: 'total', type: 'metric_card', title: 'Total', position: { x: 0, y: 0, w: 3, h: 2 }, config: { module: 'orders', aggregation: 'sum', field: 'total' } };
    // A dashboard saved before slots existed (written directly: saving now requires the field to be indexed).
    await env.store.set('crm_tenants/acme/dashboards/legacy', { key: 'legacy', name: 'Legacy', widgets: [widget], role_restriction: null, is_default: false, source: 'custom', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    const searchBefore = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'orders', search: 'gadget', sort: 'number' });
    expect(searchBefore.records).toEqual([]);

    const { jobId } = await env.services.config.reindexTenant('acme', 'ops');
    expect(driver.started).toContainEqual({ tenantId: 'acme', jobId });
    const outcome = await runMigrationToCompletion({ store: env.store, settleMs: 0 }, { tenantId: 'acme', jobId });
    expect(outcome).toMatchObject({ done: true, migrated: 2 });
    env.services.configs.invalidate('acme');

    expect((await slotsOf('orders'))).toEqual([{ field: 'total', slot: 0, state: 'ready' }]);
    const searchAfter = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'orders', search: 'gadget', sort: 'number' });
    expect(searchAfter.records.map((record) => record.data.title)).toEqual(['Red gadget']);
    const data = await env.call<TGetDashboardDataResponse>(env.users.acmeAdmin, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: 'legacy' });
    expect(data.widgets[0]).toMatchObject({ status: 'ok', value: 42 });

    // Running it again rewrites nothing.
    const again = await env.services.config.reindexTenant('acme', 'ops');
    expect(await runMigrationToCompletion({ store: env.store, settleMs: 0 }, { tenantId: 'acme', jobId: again.jobId })).toMatchObject({ done: true, migrated: 0 });
  });
});
