import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import type { TRecordResponse } from '../../api/schemas.js';
import type { TListRecordHistoryResponse } from '../../api/history-schemas.js';
import type { Caller } from '../caller.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import { onRecordWritten } from '../records/on-record-written.js';
import { MERGE_START, MERGED_FROM_CHANGE_FIELD, planMerge, runMergeStep, type MergeCursor, type MergeParams } from './merge-records.js';

/**
 * Five accounts merged into one, with records pointing at them from three
 * other modules (contacts, opportunities, tasks) and from accounts
 * themselves (parent account), some of them in the trash. After the merge:
 * every reference that named a loser names the winner, with the winner's
 * name shown; the losers are in the trash with their history; nothing of
 * theirs is deleted; the winner has the chosen values and says where they came from.
 */
describe('merge', () => {
  let env: TestEnv;
  let owner: Caller;
  let accounts: Array<TRecordResponse['record']>;
  let referrers: string[];

  const create = async (module: string, data: Record<string, unknown>) =>
    (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module, data })).record;

  beforeEach(async () => {
    env = await buildTestEnv();
    // The record trigger as the embedded runtime runs it: history, display refresh, roll-ups.
    env.store.onChange('records', async (change) => {
      await onRecordWritten(env.services, change);
    });
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'corporate' });
    owner = { uid: 'acme-owner', email: null, tenantId: 'acme', tenantName: 'Acme', role: 'owner', platformRole: null } as unknown as Caller;
    accounts = [];
    for (let index = 0; index < 5; index++) {
      accounts.push(await create('accounts', { name: `Acme Corp ${index}`, status: 'Active', phone: `+1 555 000 000${index}`, ...(index === 2 ? { industry: 'Finance' } : {}) }));
    }
    referrers = [];
    for (const [index, account] of accounts.entries()) {
      referrers.push((await create('contacts', { full_name: `Contact ${index}`, status: 'Active', account: account.id })).id);
      referrers.push((await create('opportunities', { name: `Deal ${index}`, account: account.id, amount: 1000 * (index + 1), expected_close_date: '2026-12-01', stage: 'Prospecting' })).id);
      referrers.push((await create('tasks', { title: `Call ${index}`, status: 'Not Started', related_account: account.id })).id);
    }
    // An account whose parent is a loser, and a contact in the trash that points at a loser.
    referrers.push((await create('accounts', { name: 'Subsidiary', status: 'Active', parent_account: accounts[3]?.id })).id);
    const trashed = await create('contacts', { full_name: 'Old Contact', status: 'Inactive', account: accounts[4]?.id });
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: trashed.id });
    referrers.push(trashed.id);
  });

  const plan = () =>
    planMerge(env.services, owner, {
      module: 'accounts',
      winnerId: accounts[0]!.id,
      recordIds: accounts.map((account) => account.id),
      fields: { name: accounts[1]!.id, industry: accounts[2]!.id, phone: accounts[0]!.id },
    });

  async function runFrom(params: MergeParams, start: MergeCursor, stopAfter = Infinity): Promise<MergeCursor> {
    let cursor = start;
    for (let steps = 0; cursor.step !== 'done' && steps < stopAfter; steps++) {
      cursor = (await runMergeStep(env.services, 'acme', 'job-1', params, cursor)).cursor;
    }
    return cursor;
  }

  async function read(id: string): Promise<StoredRecord> {
    const doc = await env.store.get(crmPaths.record('acme', id));
    return asStoredRecord(doc!.data);
  }

  async function expectMerged() {
    await env.store.whenIdle();
    const winnerId = accounts[0]!.id;
    const loserIds = accounts.slice(1).map((account) => account.id);
    const winner = await read(winnerId);
    expect(winner.data).toMatchObject({ name: 'Acme Corp 1', industry: 'Finance', phone: '+1 555 000 0000' });
    expect(winner.deleted).toBe(false);
    for (const id of referrers) {
      const record = await read(id);
      const pointer = record.data.account ?? record.data.related_account ?? record.data.parent_account;
      expect(pointer, `${record.number} points at the winner`).toBe(winnerId);
      const key = Object.keys(record.refs).find((field) => record.refs[field]?.id === winnerId);
      expect(key && record.refs[key]?.display).toBe('Acme Corp 1');
      for (const loser of loserIds) expect(record.links).not.toContain(`ref:${loser}`);
    }
    // Nothing anywhere still points at a loser.
    for (const loser of loserIds) {
      const left = await env.store.query({ collection: crmPaths.records('acme'), where: [{ field: 'links', op: 'array-contains', value: `ref:${loser}` }] });
      expect(left.map((doc) => doc.id)).toEqual([]);
      const record = await read(loser);
      expect(record.deleted).toBe(true);
      expect((record as StoredRecord & { mergedInto?: unknown }).mergedInto).toEqual({ recordId: winnerId, jobId: 'job-1' });
      const history = await env.call<TListRecordHistoryResponse>(env.users.acmeOwner, 'crmListRecordHistory', { tenantId: 'acme', recordId: loser });
      expect(history.entries.map((entry) => entry.kind)).toContain('created');
    }
    const history = await env.call<TListRecordHistoryResponse>(env.users.acmeOwner, 'crmListRecordHistory', { tenantId: 'acme', recordId: winnerId, pageSize: 100 });
    const merged = history.entries.filter((entry) => entry.changes.some((change) => change.field === MERGED_FROM_CHANGE_FIELD));
    expect(merged).toHaveLength(1);
    expect(merged[0]?.changes[0]?.to).toEqual(accounts.slice(1).map((account) => account.number));
    // The unique name moved with the value: the loser's name now belongs to the winner, the winner's old name is free.
    const again = await env.callError(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'accounts', data: { name: 'Acme Corp 1', status: 'Active' } });
    expect(again.code).toBe('already-exists');
    await create('accounts', { name: 'Acme Corp 0', status: 'Active' });
  }

  it('merges 5 records and re-points references from three modules and its own', async () => {
    const params = await plan();
    expect(params.loserIds).toHaveLength(4);
    expect(await runFrom(params, MERGE_START)).toMatchObject({ step: 'done' });
    await expectMerged();
  });

  it('a merge interrupted half-way and resumed from an older checkpoint ends the same, each record moved once', async () => {
    const params = await plan();
    // Run part of the way (winner, some referrers), "crash", then resume from the start: everything re-runs.
    const halfway = await runFrom(params, MERGE_START, 3);
    expect(halfway.step).toBe('referrers');
    const versionsMidway = new Map<string, number>();
    for (const id of referrers) versionsMidway.set(id, (await read(id)).version);
    expect(await runFrom(params, MERGE_START)).toMatchObject({ step: 'done' });
    await expectMerged();
    // A record re-pointed before the crash was not written again (its version moved at most once in all).
    for (const id of referrers) {
      const record = await read(id);
      expect(record.version - (versionsMidway.get(id) ?? 0)).toBeLessThanOrEqual(1);
    }
    // Once more from the start after it finished: nothing changes.
    const before = await Promise.all([...referrers, ...accounts.map((account) => account.id)].map(async (id) => (await read(id)).version));
    await runFrom(params, MERGE_START);
    const after = await Promise.all([...referrers, ...accounts.map((account) => account.id)].map(async (id) => (await read(id)).version));
    expect(after).toEqual(before);
  });

  it('refuses records of another module, in the trash, a single record, and callers without delete', async () => {
    const contact = await create('contacts', { full_name: 'X', status: 'Active' });
    await expect(planMerge(env.services, owner, { module: 'accounts', winnerId: accounts[0]!.id, recordIds: [accounts[0]!.id, contact.id], fields: {} })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(planMerge(env.services, owner, { module: 'accounts', winnerId: accounts[0]!.id, recordIds: [accounts[0]!.id], fields: {} })).rejects.toMatchObject({ code: 'invalid-input' });
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: accounts[4]!.id });
    await expect(planMerge(env.services, owner, { module: 'accounts', winnerId: accounts[0]!.id, recordIds: [accounts[0]!.id, accounts[4]!.id], fields: {} })).rejects.toMatchObject({ code: 'precondition' });
    const member = { ...owner, uid: 'acme-member', role: 'member' } as Caller;
    await expect(planMerge(env.services, member, { module: 'accounts', winnerId: accounts[0]!.id, recordIds: [accounts[0]!.id, accounts[1]!.id], fields: {} })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('runs as a job from crmMergeRecords; a slice that dies half-way is retried from its checkpoint and nothing is lost', async () => {
    // Kill the job's slice once, in the middle of re-pointing (the 8th transaction after the start).
    const original = env.store.runTransaction.bind(env.store);
    let calls = 0;
    let killed = false;
    env.store.runTransaction = (async (fn: Parameters<typeof original>[0]) => {
      calls += 1;
      if (!killed && calls === 8) {
        killed = true;
        throw new Error('instance lost mid-slice');
      }
      return original(fn);
    }) as typeof env.store.runTransaction;
    const { jobId } = await env.call<{ jobId: string }>(env.users.acmeOwner, 'crmMergeRecords', {
      tenantId: 'acme',
      module: 'accounts',
      winnerId: accounts[0]!.id,
      recordIds: accounts.map((account) => account.id),
      fields: { name: accounts[1]!.id, industry: accounts[2]!.id },
    });
    await env.services.jobs.whenIdle();
    expect(killed).toBe(true);
    const job = await env.call<{ job: { status: string; progress: { counts: Record<string, number> }; result: unknown } }>(env.users.acmeOwner, 'crmGetJob', { tenantId: 'acme', jobId });
    expect(job.job.status).toBe('done');
    expect(job.job.progress.counts.deleted).toBe(4);
    // 12 records of three modules pointed at a loser, plus the subsidiary and the trashed contact: each counted once despite the crash.
    expect(job.job.progress.counts.updated).toBe(14);
    env.store.runTransaction = original;
    // The job id marks the winner: the expectations of a direct run hold with its own id.
    const winner = await read(accounts[0]!.id);
    expect((winner as StoredRecord & { merge?: { jobId: string } }).merge?.jobId).toBe(jobId);
    await env.store.whenIdle();
    for (const loser of accounts.slice(1)) {
      const left = await env.store.query({ collection: crmPaths.records('acme'), where: [{ field: 'links', op: 'array-contains', value: `ref:${loser.id}` }] });
      expect(left).toEqual([]);
      expect((await read(loser.id)).deleted).toBe(true);
    }
    for (const id of referrers) {
      const record = await read(id);
      expect(record.data.account ?? record.data.related_account ?? record.data.parent_account).toBe(accounts[0]!.id);
    }
  });
});
