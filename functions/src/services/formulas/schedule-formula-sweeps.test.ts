import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import type { TRecordResponse } from '../../api/schemas.js';
import { formulaSweepPath, nextLocalMidnight, startDueFormulaSweeps, type ScheduleSweepDeps } from './schedule-formula-sweeps.js';
import { FORMULA_SWEEP_INTERVAL_MS, startFormulaSweepTimer } from '../../runtime/formula-sweep-timer.js';

/**
 * The daily TODAY() sweep is started per tenant when its local day turns (fake clock):
 * Tokyo is UTC+9, so its day turns at 15:00 UTC, nine hours before UTC's.
 */
let env: TestEnv;
let now: Date;
let deps: ScheduleSweepDeps;

const run = () => startDueFormulaSweeps(deps, { deadline: Date.now() + 60_000 });

async function ageOf(recordId: string): Promise<unknown> {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId })).record.data.age_days;
}

beforeEach(async () => {
  now = new Date('2026-03-10T10:00:00Z');
  env = await buildTestEnv({ now: () => now });
  deps = { store: env.store, configs: env.services.configs, jobs: env.services.jobs, now: () => now };
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
  await env.call(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Asia/Tokyo' });
  await env.call(env.users.acmeOwner, 'crmCreateModule', {
    tenantId: 'acme',
    module: { slug: 'people', label: 'People' },
    fields: [
      { key: 'name', label: 'Name', type: 'text' },
      { key: 'date_of_birth', label: 'Born', type: 'date' },
    ],
  });
});

async function addAgeFormula(): Promise<void> {
  await env.call(env.users.acmeOwner, 'crmAddField', {
    tenantId: 'acme',
    module: 'people',
    field: { key: 'age_days', label: 'Age (days)', type: 'formula', options: { expression: 'DATEDIFF(date_of_birth, TODAY())', result_type: 'number' } },
  });
  // What the SPA does after saving a formula field; the recompute job puts the tenant on the daily schedule.
  await env.call(env.users.acmeOwner, 'crmRecomputeFormulas', { tenantId: 'acme', module: 'people' });
  await env.services.jobs.whenIdle();
}

describe('daily TODAY() formula sweeps', () => {
  it('next local midnight is in the tenant zone', () => {
    expect(nextLocalMidnight(new Date('2026-03-10T10:00:00Z'), 'Asia/Tokyo').toISOString()).toBe('2026-03-10T15:00:00.000Z');
    expect(nextLocalMidnight(new Date('2026-03-10T15:00:00Z'), 'Asia/Tokyo').toISOString()).toBe('2026-03-11T15:00:00.000Z');
    expect(nextLocalMidnight(new Date('2026-03-10T10:00:00Z'), 'UTC').toISOString()).toBe('2026-03-11T00:00:00.000Z');
    // New York springs forward on 2026-03-08: that midnight is 05:00 UTC, the next one 04:00 UTC.
    expect(nextLocalMidnight(new Date('2026-03-07T12:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(nextLocalMidnight(new Date('2026-03-08T12:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('every zone a tenant can pick turns its day on a quarter hour, so a run every 15 minutes is never late (Kolkata +5:30, Kathmandu +5:45, and all the rest)', () => {
    expect(FORMULA_SWEEP_INTERVAL_MS).toBe(15 * 60_000);
    expect(nextLocalMidnight(new Date('2026-03-10T10:00:00Z'), 'Asia/Kolkata').toISOString()).toBe('2026-03-10T18:30:00.000Z');
    expect(nextLocalMidnight(new Date('2026-03-10T10:00:00Z'), 'Asia/Kathmandu').toISOString()).toBe('2026-03-10T18:15:00.000Z');
    const offQuarter = Intl.supportedValuesOf('timeZone').filter((zone) =>
      ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z'].some((now) => nextLocalMidnight(new Date(now), zone).getTime() % FORMULA_SWEEP_INTERVAL_MS !== 0),
    );
    expect(offQuarter).toEqual([]);
  });

  it('a DATEDIFF(date_of_birth, TODAY()) value changes after midnight in the tenant zone, not in UTC', async () => {
    const person = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'people', data: { name: 'Ada', date_of_birth: '2026-03-01' },
    })).record;
    await addAgeFormula();
    expect(await ageOf(person.id)).toBe(9);
    expect((await env.store.get(formulaSweepPath('acme')))?.data).toMatchObject({ nextSweepAt: new Date('2026-03-10T15:00:00Z'), timeZone: 'Asia/Tokyo' });

    // 23:00 in Tokyo: nothing is due, and finding that out costs one query (billed as one read), not a read per tenant.
    now = new Date('2026-03-10T14:00:00Z');
    env.store.meter.reset();
    expect(await run()).toEqual({ examined: 0, started: 0, deferred: 0, removed: 0 });
    expect(env.store.meter.read().reads).toBe(1);
    expect(await ageOf(person.id)).toBe(9);

    // 00:00 in Tokyo, still 10 March in UTC: the tenant's day turned, the sweep runs, the value follows.
    now = new Date('2026-03-10T15:00:00Z');
    expect(await run()).toEqual({ examined: 1, started: 1, deferred: 0, removed: 0 });
    await env.services.jobs.whenIdle();
    expect(await ageOf(person.id)).toBe(10);
    expect((await env.store.get(formulaSweepPath('acme')))?.data).toMatchObject({ nextSweepAt: new Date('2026-03-11T15:00:00Z'), lastDay: '2026-03-11' });
    const jobs = await env.services.jobs.list('acme', { kind: 'formula-due' });
    expect(jobs.map((job) => [job.id, job.status])).toEqual([['formula-due-2026-03-11', 'done']]);

    // The next run (and UTC's own midnight) start nothing: the tenant is not due again until Tokyo's next midnight.
    now = new Date('2026-03-11T00:00:00Z');
    expect(await run()).toMatchObject({ examined: 0, started: 0 });
    expect(await ageOf(person.id)).toBe(10);
  });

  it('a repeated run for the same local day starts the sweep once (at-least-once scheduler)', async () => {
    await addAgeFormula();
    now = new Date('2026-03-10T15:30:00Z');
    await run();
    // As if the run had crashed before moving nextSweepAt: the tenant is due again the same day.
    await env.store.update(formulaSweepPath('acme'), { nextSweepAt: new Date('2026-03-10T15:00:00Z') });
    expect(await run()).toMatchObject({ started: 1 });
    await env.services.jobs.whenIdle();
    expect(await env.services.jobs.list('acme', { kind: 'formula-due' })).toHaveLength(1);
  });

  it('a change of time zone makes the tenant due at once, then follows the new zone', async () => {
    await addAgeFormula();
    now = new Date('2026-03-10T11:00:00Z');
    await env.call(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'America/New_York' });
    expect(await run()).toMatchObject({ examined: 1, started: 1 });
    expect((await env.store.get(formulaSweepPath('acme')))?.data).toMatchObject({ nextSweepAt: new Date('2026-03-11T04:00:00Z'), lastDay: '2026-03-10', timeZone: 'America/New_York' });
    // Tokyo's midnight (15:00 UTC) no longer counts.
    now = new Date('2026-03-10T15:00:00Z');
    expect(await run()).toMatchObject({ examined: 0 });
  });

  it('tenants without clock formulas are not scheduled, and leave the schedule when they drop them', async () => {
    await env.call(env.users.acmeOwner, 'crmRecomputeFormulas', { tenantId: 'acme', module: 'people' });
    await env.services.jobs.whenIdle();
    expect(await env.store.get(formulaSweepPath('acme'))).toBeNull();
    await addAgeFormula();
    expect(await env.store.get(formulaSweepPath('acme'))).not.toBeNull();
    await env.call(env.users.acmeOwner, 'crmDeactivateField', { tenantId: 'acme', module: 'people', key: 'age_days' });
    now = new Date('2026-03-10T15:00:00Z');
    expect(await run()).toMatchObject({ examined: 1, started: 0, removed: 1 });
    expect(await env.store.get(formulaSweepPath('acme'))).toBeNull();
  });

  it('the embedded runtime runs the same schedule on a timer, once at start', async () => {
    await addAgeFormula();
    now = new Date('2026-03-10T15:00:00Z');
    const stop = startFormulaSweepTimer(env.services, { intervalMs: 60 * 60_000 });
    try {
      await expect.poll(async () => (await env.services.jobs.list('acme', { kind: 'formula-due' })).length, { timeout: 30_000 }).toBe(1);
    } finally {
      stop();
    }
  });
});
