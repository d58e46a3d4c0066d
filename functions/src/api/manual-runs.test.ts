import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { createAcmePatient } from '../test-support/create-patient.js';
import { onRecordWritten } from '../services/records/on-record-written.js';
import { runBulkSlice } from '../services/bulk/bulk-job.js';
import type { CheckpointUpdate } from '../services/jobs/job-handler.js';
import type { TAccessSettingsResponse } from './access-schemas.js';
import type { TStartJobResponse } from './export-schemas.js';
import type { TListManualWorkflowsResponse, TRunWorkflowResponse } from './manual-runs-schemas.js';
import type { TListWorkflowRunsResponse, TWorkflowResponse } from './workflow-schemas.js';

let env: TestEnv;

const createPatient = (user: TestUser, overrides?: Record<string, unknown>) => createAcmePatient(env, user, overrides);

/** "Call back new patients": a manual workflow that creates a task, only for records whose status is New. */
async function saveWorkflow(definition: Record<string, unknown> = {}, tenantId = 'acme', user: TestUser = env.users.acmeAdmin): Promise<string> {
  return (
    await env.call<TWorkflowResponse>(user, 'crmSaveWorkflow', {
      tenantId,
      module: 'patients',
      definition: {
        name: 'Call back',
        trigger_type: 'manual',
        trigger_conditions: { field: 'status', operator: 'equals', value: 'New' },
        actions: [{ type: 'create_task', title: 'Call {{data.full_name}}' }],
        ...definition,
      },
    })
  ).workflow.id;
}

const run = (user: TestUser, request: Record<string, unknown>) => env.call<TRunWorkflowResponse>(user, 'crmRunWorkflow', { tenantId: 'acme', ...request });
const tasks = async (tenantId = 'acme') => (await env.store.query({ collection: `crm_tenants/${tenantId}/tasks` })).map((doc) => doc.data);
const runsOf = async (recordId: string) =>
  (await env.call<TListWorkflowRunsResponse>(env.users.acmeAdmin, 'crmListWorkflowRuns', { tenantId: 'acme', recordId })).runs.filter((entry) => entry.trigger === 'manual');

beforeEach(async () => {
  env = await buildTestEnv();
  // Record events run workflows as the embedded runtime runs them: manual workflows must not be among them.
  env.store.onChange('records', async (change) => {
    await onRecordWritten(env.services, change);
  });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

describe('crmRunWorkflow', () => {
  it('runs a manual workflow on one record, logs it like an event-triggered run, and a retried request runs nothing twice', async () => {
    const workflowId = await saveWorkflow();
    const patient = await createPatient(env.users.acmeAdmin, { full_name: 'Grace Hopper' });
    await env.store.whenIdle();
    expect(await tasks()).toEqual([]); // creating the record ran nothing: the workflow is manual

    const first = await run(env.users.acmeAdmin, { workflowId, recordId: patient.id, runId: 'click-1' });
    expect(first).toMatchObject({ outcome: 'ran', number: patient.number, reason: null, repeated: false });
    expect((await tasks()).map((task) => task.title)).toEqual(['Call Grace Hopper']);
    const [log] = await runsOf(patient.id);
    expect(log).toMatchObject({ id: first.logId, workflowId, trigger: 'manual', eventKind: 'manual', status: 'success', recordNumber: patient.number });
    expect((await env.store.get(`crm_tenants/acme/workflow_logs/${first.logId}`))?.data.triggeredBy).toBe(env.users.acmeAdmin.uid);

    const retried = await run(env.users.acmeAdmin, { workflowId, recordId: patient.id, runId: 'click-1' });
    expect(retried).toMatchObject({ outcome: 'ran', logId: first.logId, repeated: true });
    expect(await tasks()).toHaveLength(1);

    // A new click is a new run.
    await run(env.users.acmeAdmin, { workflowId, recordId: patient.id, runId: 'click-2' });
    expect(await tasks()).toHaveLength(2);
    expect(await runsOf(patient.id)).toHaveLength(2);
  });

  it('skips a record its conditions do not match, with the reason, logged as skipped', async () => {
    const workflowId = await saveWorkflow();
    const patient = await createPatient(env.users.acmeAdmin, { status: 'Active' });
    const answer = await run(env.users.acmeAdmin, { workflowId, recordId: patient.id });
    expect(answer).toMatchObject({ outcome: 'skipped', repeated: false });
    expect(answer.reason).toContain('status equals');
    expect(await tasks()).toEqual([]);
    expect(await runsOf(patient.id)).toMatchObject([{ status: 'skipped', trigger: 'manual' }]);
  });

  it('refuses event-triggered and switched-off workflows, and records in the trash', async () => {
    const patient = await createPatient(env.users.acmeAdmin);
    const onCreate = await saveWorkflow({ name: 'On create', trigger_type: 'record_created' });
    const notManual = await env.callError(env.users.acmeAdmin, 'crmRunWorkflow', { tenantId: 'acme', workflowId: onCreate, recordId: patient.id });
    expect(notManual).toMatchObject({ code: 'failed-precondition' });
    expect(notManual.details).toMatchObject({ messageKey: 'manualRuns.errors.notManual' });

    const off = await saveWorkflow({ name: 'Off', is_active: false });
    expect((await env.callError(env.users.acmeAdmin, 'crmRunWorkflow', { tenantId: 'acme', workflowId: off, recordId: patient.id })).code).toBe('failed-precondition');

    const manual = await saveWorkflow();
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: patient.id });
    expect((await env.callError(env.users.acmeAdmin, 'crmRunWorkflow', { tenantId: 'acme', workflowId: manual, recordId: patient.id })).code).toBe('failed-precondition');
    expect((await env.callError(env.users.acmeAdmin, 'crmRunWorkflow', { tenantId: 'acme', workflowId: 'no-such-workflow', recordId: patient.id })).code).toBe('not-found');
    await env.store.whenIdle();
    expect((await tasks()).map((task) => task.title)).toEqual(['Call Ada Lovelace']); // only the record_created workflow ran, on create
  });

  it('needs update on the record: a member with update_own runs it on own records only', async () => {
    const workflowId = await saveWorkflow();
    const others = await createPatient(env.users.acmeAdmin);
    const own = await createPatient(env.users.acmeMember);
    const refused = await env.callError(env.users.acmeMember, 'crmRunWorkflow', { tenantId: 'acme', workflowId, recordId: others.id });
    expect(refused).toMatchObject({ code: 'permission-denied' });
    expect(refused.details).toMatchObject({ messageKey: 'manualRuns.errors.notEditable' });
    expect(await run(env.users.acmeMember, { workflowId, recordId: own.id })).toMatchObject({ outcome: 'ran' });
    expect(await tasks()).toHaveLength(1);
    // doctors: members may only read, so no manual workflow of doctors is theirs to run or list.
    expect((await env.callError(env.users.acmeMember, 'crmListManualWorkflows', { tenantId: 'acme', module: 'doctors' })).code).toBe('permission-denied');
  });

  it("finds nothing of another tenant's record sent under one's own tenant", async () => {
    const acmePatient = await createPatient(env.users.acmeAdmin);
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
    const globexWorkflow = await saveWorkflow({}, 'globex', env.users.globexOwner);
    const error = await env.callError(env.users.globexOwner, 'crmRunWorkflow', { tenantId: 'globex', workflowId: globexWorkflow, recordId: acmePatient.id });
    expect(error.code).toBe('not-found');
    expect(await tasks('acme')).toEqual([]);
    expect(await tasks('globex')).toEqual([]);
  });

  it('a member neither sees nor runs a workflow whose conditions read a field hidden from them', async () => {
    const visible = await saveWorkflow({ name: 'Visible' });
    const probing = await saveWorkflow({ name: 'Probe', trigger_conditions: { field: 'insurance_number', operator: 'equals', value: 'INS-1' } });
    await saveWorkflow({ name: 'On create', trigger_type: 'record_created' });
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', matrix: settings.matrix, fieldPermissions: { member: { patients: { insurance_number: 'none' } } }, expectedRevision: settings.revision,
    });
    const own = await createPatient(env.users.acmeMember);
    const listed = await env.call<TListManualWorkflowsResponse>(env.users.acmeMember, 'crmListManualWorkflows', { tenantId: 'acme', module: 'patients' });
    expect(listed.workflows).toEqual([{ id: visible, module: 'patients', name: 'Visible', description: null }]);
    const admin = await env.call<TListManualWorkflowsResponse>(env.users.acmeAdmin, 'crmListManualWorkflows', { tenantId: 'acme', module: 'patients' });
    expect(admin.workflows.map((workflow) => workflow.name).sort()).toEqual(['Probe', 'Visible']);
    const refused = await env.callError(env.users.acmeMember, 'crmRunWorkflow', { tenantId: 'acme', workflowId: probing, recordId: own.id });
    expect(refused).toMatchObject({ code: 'permission-denied' });
    expect(refused.details).toMatchObject({ messageKey: 'access.errors.fieldNotQueryable' });
  });
});

describe('bulk action run_workflow', () => {
  async function startRun(user: TestUser, request: Record<string, unknown>) {
    const { jobId } = await env.call<TStartJobResponse>(user, 'crmStartBulkAction', { tenantId: 'acme', module: 'patients', action: 'run_workflow', ...request });
    await env.services.jobs.whenIdle();
    const job = await env.services.jobs.get('acme', jobId);
    expect(job?.status, JSON.stringify(job?.error)).toBe('done');
    return job!;
  }

  it('runs on every selected record it may, counting ran / skipped / forbidden with reasons, each run in the log', async () => {
    const workflowId = await saveWorkflow();
    const mine = await createPatient(env.users.acmeMember, { full_name: 'Mine New' });
    const mineActive = await createPatient(env.users.acmeMember, { full_name: 'Mine Active', status: 'Active' });
    const others = await createPatient(env.users.acmeAdmin, { full_name: 'Not Mine' });
    const job = await startRun(env.users.acmeMember, {
      workflowId,
      selection: { ids: [mine, mineActive, others].map((record) => ({ id: record.id, version: record.version })) },
    });
    expect(job.progress).toMatchObject({ total: 3, done: 3, counts: { ran: 1, skipped: 1, forbidden: 1 } });
    expect(job.result).toMatchObject({
      selected: 3,
      action: 'run_workflow',
      issues: expect.arrayContaining([
        expect.objectContaining({ id: mineActive.id, outcome: 'skipped', message: expect.stringContaining('status equals') }),
        expect.objectContaining({ id: others.id, outcome: 'forbidden' }),
      ]),
    });
    expect((await tasks()).map((task) => task.title)).toEqual(['Call Mine New']);
    const [log] = await runsOf(mine.id);
    expect(log).toMatchObject({ trigger: 'manual', eventKind: 'manual', status: 'success' });
    expect((await env.store.get(`crm_tenants/acme/workflow_logs/${log!.id}`))?.data.jobId).toBe(job.id);
    expect(await runsOf(others.id)).toEqual([]);
  });

  it('a slice re-run from before its checkpoint (a crash) runs the workflow on no record twice', async () => {
    const workflowId = await saveWorkflow({ trigger_conditions: undefined });
    const records = [];
    for (let index = 0; index < 5; index += 1) records.push(await createPatient(env.users.acmeAdmin, { full_name: `Patient ${index}` }));
    const job = await startRun(env.users.acmeAdmin, { workflowId, selection: { ids: records.map((record) => ({ id: record.id, version: record.version })) } });
    expect(job.progress.counts).toEqual({ ran: 5 });
    expect(await tasks()).toHaveLength(5);

    // The same job, resumed from no checkpoint at all: every record comes round again.
    const saved: CheckpointUpdate[] = [];
    await runBulkSlice({
      services: env.services,
      tenantId: 'acme',
      job: { ...job, cursor: null },
      deadline: Date.now() + 600_000,
      checkpoint: async (update) => {
        saved.push(update);
      },
    });
    const counts = saved.reduce<Record<string, number>>((sum, update) => {
      for (const [key, value] of Object.entries(update.counts ?? {})) sum[key] = (sum[key] ?? 0) + value;
      return sum;
    }, {});
    expect(counts).toEqual({ ran: 5 });
    expect(await tasks()).toHaveLength(5);
    for (const record of records) expect(await runsOf(record.id)).toHaveLength(1);
  });

  it('runs on "all matching" a view, and refuses a workflow of another module or a non-manual one before any record is touched', async () => {
    const workflowId = await saveWorkflow();
    await createPatient(env.users.acmeAdmin, { full_name: 'View One' });
    await createPatient(env.users.acmeAdmin, { full_name: 'View Two', status: 'Active' });
    const job = await startRun(env.users.acmeAdmin, { workflowId, selection: { view: { filters: [] } } });
    expect(job.progress).toMatchObject({ done: 2, counts: { ran: 1, skipped: 1 } });

    const onCreate = await saveWorkflow({ name: 'On create', trigger_type: 'record_created' });
    const error = await env.callError(env.users.acmeAdmin, 'crmStartBulkAction', {
      tenantId: 'acme', module: 'patients', action: 'run_workflow', workflowId: onCreate, selection: { view: { filters: [] } },
    });
    expect(error.code).toBe('failed-precondition');
    const missing = await env.callError(env.users.acmeAdmin, 'crmStartBulkAction', { tenantId: 'acme', module: 'patients', action: 'run_workflow', selection: { view: { filters: [] } } });
    expect(missing.code).toBe('invalid-argument');
    const otherModule = await env.callError(env.users.acmeAdmin, 'crmStartBulkAction', {
      tenantId: 'acme', module: 'appointments', action: 'run_workflow', workflowId, selection: { view: { filters: [] } },
    });
    expect(otherModule.code).toBe('invalid-argument');
    expect(await env.services.jobs.list('acme', { limit: 10 })).toHaveLength(1);
  });
});
