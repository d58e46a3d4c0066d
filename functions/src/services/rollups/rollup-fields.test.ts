import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import type { TRecordResponse, TListRecordsResponse } from '../../api/schemas.js';
import type { TRecomputeRollupsResponse } from '../../api/rollups-merge-schemas.js';
import { onRecordWritten } from '../records/on-record-written.js';
import { realEstateFixtures } from './test-support/real-estate-fixtures.js';

/** Roll-up fields end to end: added like any field, kept by the record trigger, recomputed by a job, never written by users. */
describe('roll-up fields', () => {
  let env: TestEnv;
  let fixtures: Awaited<ReturnType<typeof realEstateFixtures>>;
  const addField = (field: Record<string, unknown>) => env.call(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'agents', field });
  const wonTotal = {
    key: 'won_total',
    label: 'Won total',
    type: 'rollup',
    indexed: true,
    options: { relationship: { module: 'deals', field: 'agent' }, aggregate: 'sum', field: 'agreed_price', filter: { field: 'stage', operator: 'equals', value: 'Closed Won' }, result: 'currency' },
  };
  const get = async (id: string) => (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: id })).record;

  beforeEach(async () => {
    env = await buildTestEnv();
    env.store.onChange('records', async (change) => {
      await onRecordWritten(env.services, change);
    });
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'real-estate' });
    fixtures = await realEstateFixtures(env);
  });

  it('follows child creates, edits, re-parentings and deletes, and sorts the list by its value', async () => {
    await addField(wonTotal);
    await addField({ key: 'deal_count', label: 'Deals', type: 'rollup', options: { relationship: { module: 'deals', field: 'agent' }, aggregate: 'count' } });
    const ann = await fixtures.agent('Ann');
    const bob = await fixtures.agent('Bob');
    const first = await fixtures.deal({ agent: ann.id, stage: 'Closed Won', agreed_price: 250000.5 });
    await fixtures.deal({ agent: ann.id, stage: 'Negotiation', agreed_price: 90000 });
    await env.store.whenIdle();
    expect((await get(ann.id)).data).toMatchObject({ won_total: 250000.5, deal_count: 2 });
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: first.id, expectedVersion: first.version, data: { agent: bob.id } });
    await env.store.whenIdle();
    expect((await get(ann.id)).data).toMatchObject({ won_total: 0, deal_count: 1 });
    expect((await get(bob.id)).data).toMatchObject({ won_total: 250000.5, deal_count: 1 });
    // The parent keeps its version: someone editing Ann meanwhile does not get a conflict.
    expect((await get(ann.id)).version).toBe(ann.version);
    const list = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'agents', sort: 'won_total', direction: 'desc' });
    expect(list.records.map((record) => record.display)).toEqual(['Bob', 'Ann']);
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: first.id });
    await env.store.whenIdle();
    expect((await get(bob.id)).data).toMatchObject({ won_total: 0, deal_count: 0 });
  });

  it('is refused on writes: computed by the CRM', async () => {
    await addField(wonTotal);
    const ann = await fixtures.agent('Ann');
    const error = await env.callError(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: ann.id, expectedVersion: ann.version, data: { won_total: 5 } });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/computed/);
  });

  it('refuses a relationship that does not point at the module, a field of the wrong type, and a date result for a sum', async () => {
    const bad = [
      { relationship: { module: 'deals', field: 'property' }, aggregate: 'count' },
      { relationship: { module: 'deals', field: 'agent' }, aggregate: 'sum', field: 'deal_name' },
      { relationship: { module: 'deals', field: 'agent' }, aggregate: 'max', field: 'closed_on' },
    ];
    for (const options of bad) {
      const error = await env.callError(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'agents', field: { key: 'r', label: 'R', type: 'rollup', options } });
      expect(error.code, JSON.stringify(options)).toBe('invalid-argument');
    }
  });

  it('names each cross-module problem at the request input it is about, on add and on edit', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ relationship: { module: 'deals', field: 'property' }, aggregate: 'count' }, 'field.options.relationship.field'],
      [{ relationship: { module: 'deals', field: 'agent' }, aggregate: 'sum', field: 'deal_name' }, 'field.options.field'],
      [{ relationship: { module: 'deals', field: 'agent' }, aggregate: 'count', filter: { field: 'nope', operator: 'equals', value: 1 } }, 'field.options.filter'],
      // A filter value the child field can never hold would make the roll-up silently count nothing.
      [{ relationship: { module: 'deals', field: 'agent' }, aggregate: 'count', filter: { field: 'agreed_price', operator: 'greater_than', value: 'abc' } }, 'field.options.filter.value'],
      [{ relationship: { module: 'deals', field: 'agent' }, aggregate: 'count', filter: { all: [{ field: 'stage', operator: 'equals', value: 'Closed Won' }, { field: 'stage', operator: 'not_equals', value: 'Closed Wonn' }] } }, 'field.options.filter.all[1].value'],
      [{ relationship: { module: 'deals', field: 'agent' }, aggregate: 'count', filter: { field: 'closed_on', operator: 'in', value: ['2026-01-01', 'soon'] } }, 'field.options.filter.value'],
    ];
    for (const [options, path] of cases) {
      const error = await env.callError(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'agents', field: { key: 'r', label: 'R', type: 'rollup', options } });
      const details = error.details as { issues: Array<{ path: string }>; field?: string };
      expect(details.issues.map((issue) => issue.path)).toEqual([path]);
      expect(details.field).toBe(path);
      expect(error.message).not.toMatch(/agents\.fields\[/);
    }
    // A filter value's problem is said by the field's own value check, in words the SPA translates.
    const wrongValue = await env.callError(env.users.acmeAdmin, 'crmAddField', {
      tenantId: 'acme',
      module: 'agents',
      field: { key: 'r', label: 'R', type: 'rollup', options: { relationship: { module: 'deals', field: 'agent' }, aggregate: 'count', filter: { field: 'agreed_price', operator: 'greater_than', value: 'abc' } } },
    });
    expect((wrongValue.details as { issues: Array<Record<string, unknown>> }).issues).toEqual([
      expect.objectContaining({ path: 'field.options.filter.value', messageKey: 'validation.notNumber', params: expect.objectContaining({ field: 'Agreed Price' }) }),
    ]);
    await addField({ key: 'f', label: 'F', type: 'formula', options: { expression: 'commission_rate', result_type: 'number' } });
    const edit = await env.callError(env.users.acmeAdmin, 'crmUpdateField', {
      tenantId: 'acme',
      module: 'agents',
      key: 'f',
      changes: { options: { expression: 'nope + 1', result_type: 'number' } },
    });
    expect((edit.details as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual(['changes.options.expression']);
  });

  it('accepts filter values the child field can hold: a number bound, a choice, a date, a boolean-free text contains', async () => {
    const filters = [
      { field: 'agreed_price', operator: 'greater_or_equal', value: 0 },
      { field: 'stage', operator: 'in', value: ['Closed Won', 'Negotiation'] },
      { field: 'closed_on', operator: 'less_than', value: '2026-01-01' },
      { field: 'deal_name', operator: 'contains', value: 'villa' },
    ];
    for (const [index, filter] of filters.entries()) {
      await addField({ key: `ok_${index}`, label: `Ok ${index}`, type: 'rollup', options: { relationship: { module: 'deals', field: 'agent' }, aggregate: 'count', filter } });
    }
  });

  it('a field added over existing records gets its values from a recompute job; one record can be recomputed in the call', async () => {
    const ann = await fixtures.agent('Ann');
    for (let index = 0; index < 3; index++) await fixtures.deal({ agent: ann.id, stage: 'Closed Won', agreed_price: 100 });
    await env.store.whenIdle();
    await addField(wonTotal);
    expect((await get(ann.id)).data.won_total).toBeUndefined();
    const started = await env.call<TRecomputeRollupsResponse>(env.users.acmeAdmin, 'crmRecomputeRollups', { tenantId: 'acme', module: 'agents' });
    expect(started.jobId).not.toBeNull();
    await env.services.jobs.whenIdle();
    expect((await get(ann.id)).data.won_total).toBe(300);
    const one = await env.call<TRecomputeRollupsResponse>(env.users.acmeAdmin, 'crmRecomputeRollups', { tenantId: 'acme', module: 'agents', field: 'won_total', recordId: ann.id });
    expect(one.values).toEqual({ won_total: 300 });
    const member = await env.callError(env.users.acmeMember, 'crmRecomputeRollups', { tenantId: 'acme', module: 'agents' });
    expect(member.code).toBe('permission-denied');
    const notRollup = await env.callError(env.users.acmeAdmin, 'crmRecomputeRollups', { tenantId: 'acme', module: 'agents', field: 'full_name' });
    expect(notRollup.code).toBe('not-found');
  });
});
