import { beforeEach, describe, expect, it } from 'vitest';
import { buildAppointment, buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import { onRecordWritten } from '../records/on-record-written.js';
import type { TListTasksResponse, TListWorkflowsResponse, TWorkflowResponse } from '../../api/workflow-schemas.js';
import { buildDefinition, buildWorkflowEnv, type WorkflowEnv } from './test-support/build-workflow-env.js';

let env: WorkflowEnv;

async function clearWorkflows(): Promise<void> {
  const { workflows } = await env.call<TListWorkflowsResponse>(env.users.acmeOwner, 'crmListWorkflows', { tenantId: 'acme' });
  for (const workflow of workflows) await env.call(env.users.acmeOwner, 'crmDeleteWorkflow', { tenantId: 'acme', workflowId: workflow.id });
}

async function save(module: string, definition: Record<string, unknown>): Promise<string> {
  return (await env.call<TWorkflowResponse>(env.users.acmeOwner, 'crmSaveWorkflow', { tenantId: 'acme', module, definition: buildDefinition(definition) })).workflow.id;
}

const email = (subject: string) => ({ type: 'send_email', to: 'ops@example.com', subject, body: '{{record.number}}' });

beforeEach(async () => {
  env = await buildWorkflowEnv();
});

describe('template workflows (seeded at selection)', () => {
  it('welcomes a new patient by mail with the tenant name and the record values', async () => {
    await env.create('patients', buildPatient({ full_name: 'Ada <b>Lovelace</b>', patient_id: 'P-42' }));
    const [mail] = await env.outbox();
    expect(mail?.to).toEqual(['ada@example.com']);
    expect(mail?.message.subject).toBe('Welcome to Acme Clinic');
    expect(mail?.message.html).toBe('Dear Ada &lt;b&gt;Lovelace&lt;/b&gt;, your patient ID is P-42');
    expect(mail?.message.text).toBe('Dear Ada <b>Lovelace</b>, your patient ID is P-42');
    expect(mail).toMatchObject({ tenantId: 'acme', workflowId: expect.any(String), recordId: expect.any(String) });
  });

  it('follows a relationship for the recipient ({{data.patient.email}})', async () => {
    const doctor = await env.create('doctors', buildDoctor({ full_name: 'Dr. House' }));
    const patient = await env.create('patients', buildPatient({ email: 'patient@example.com' }));
    await env.create('appointments', buildAppointment({ patient: patient.id, doctor: doctor.id }));
    const confirmation = (await env.outbox()).find((mail) => mail.message.subject === 'Appointment Confirmed');
    expect(confirmation?.to).toEqual(['patient@example.com']);
    expect(confirmation?.message.text).toBe('Your appointment with Dr. House is scheduled for Tue, Dec 1, 2026, 10:00 AM UTC');
  });

  it('logs a missing recipient as a skipped action instead of mailing "undefined"', async () => {
    const doctor = await env.create('doctors', buildDoctor());
    const patient = await env.create('patients', buildPatient({ email: null }));
    await env.create('appointments', buildAppointment({ patient: patient.id, doctor: doctor.id }));
    expect(await env.outbox()).toEqual([]);
    const confirmation = (await env.logs()).find((log) => log.workflowName === 'Appointment Confirmation');
    expect(confirmation).toMatchObject({ status: 'skipped', error: null });
    expect((confirmation?.actions as Array<{ status: string; message: string }>)[0]).toMatchObject({
      status: 'skipped',
      message: 'No recipient: {{data.patient.email}} has no value for this record.',
    });
    // The welcome workflow's condition (email is_not_empty) was not met: logged as skipped with the reason.
    const welcome = (await env.logs()).find((log) => log.workflowName === 'New Patient Welcome Email');
    expect(welcome).toMatchObject({ status: 'skipped', reason: 'Conditions not met (email is_not_empty).' });
  });

  it('creates a follow-up task for the owner when an appointment becomes a no-show', async () => {
    const doctor = await env.create('doctors', buildDoctor());
    const patient = await env.create('patients', buildPatient({ full_name: 'Grace' }));
    const appointment = await env.create('appointments', buildAppointment({ patient: patient.id, doctor: doctor.id }), env.users.acmeMember);
    await env.update(appointment.id, { status: 'Completed' });
    let tasks = (await env.call<TListTasksResponse>(env.users.acmeMember, 'crmListTasks', { tenantId: 'acme', recordId: appointment.id })).tasks;
    expect(tasks).toEqual([]);
    await env.update(appointment.id, { status: 'No-Show' });
    tasks = (await env.call<TListTasksResponse>(env.users.acmeMember, 'crmListTasks', { tenantId: 'acme', recordId: appointment.id })).tasks;
    expect(tasks).toEqual([
      expect.objectContaining({
        title: 'Call Grace to reschedule the missed appointment',
        assigneeId: env.users.acmeMember.uid,
        dueDate: '2026-03-02',
        status: 'open',
        recordNumber: appointment.number,
      }),
    ]);
    const mine = (await env.call<TListTasksResponse>(env.users.acmeMember, 'crmListTasks', { tenantId: 'acme' })).tasks;
    expect(mine.map((task) => task.id)).toEqual(tasks.map((task) => task.id));
  });
});

describe('triggers', () => {
  beforeEach(clearWorkflows);

  it('record_created runs once on create, not on update', async () => {
    await save('patients', { trigger_type: 'record_created', actions: [email('created')] });
    const patient = await env.create('patients', buildPatient());
    await env.update(patient.id, { phone: '+1 555 0199' });
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['created']);
  });

  it('record_updated runs on a data change, not on create or a no-op save', async () => {
    await save('patients', { trigger_type: 'record_updated', actions: [email('updated')] });
    const patient = await env.create('patients', buildPatient());
    expect(await env.outbox()).toEqual([]);
    await env.update(patient.id, { phone: '+1 555 0199' });
    await env.update(patient.id, { phone: '+1 555 0199' });
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['updated']);
  });

  it('field_changed runs only when a listed field changed', async () => {
    await save('patients', { trigger_type: 'field_changed', trigger_config: { fields: ['phone'] }, actions: [email('phone')] });
    await save('patients', { name: 'Any field', trigger_type: 'field_changed', actions: [email('any')] });
    const patient = await env.create('patients', buildPatient());
    await env.update(patient.id, { address: '1 Main St' });
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['any']);
    await env.update(patient.id, { phone: '+1 555 0199' });
    expect((await env.outbox()).map((mail) => mail.message.subject).sort()).toEqual(['any', 'any', 'phone']);
  });

  it('status_changed honours from and to', async () => {
    await save('patients', { trigger_type: 'status_changed', trigger_config: { from: ['New'], to: ['Active'] }, actions: [email('activated')] });
    await save('patients', { name: 'Any status change', trigger_type: 'status_changed', actions: [email('status')] });
    const patient = await env.create('patients', buildPatient({ status: 'New' }));
    await env.update(patient.id, { status: 'Active' });
    await env.update(patient.id, { status: 'Discharged' });
    await env.update(patient.id, { status: 'Active' });
    expect((await env.outbox()).map((mail) => mail.message.subject).sort()).toEqual(['activated', 'status', 'status', 'status']);
  });

  it('record_deleted runs when a record goes to the trash', async () => {
    await save('patients', { trigger_type: 'record_deleted', actions: [email('deleted {{data.full_name}}')] });
    const patient = await env.create('patients', buildPatient());
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: patient.id });
    await env.call(env.users.acmeOwner, 'crmRestoreRecord', { tenantId: 'acme', recordId: patient.id });
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['deleted Ada Lovelace']);
  });

  it('conditions: all / any groups and relationship hops decide whether actions run', async () => {
    await save('appointments', {
      trigger_type: 'record_created',
      trigger_conditions: {
        all: [
          { field: 'patient.email', operator: 'contains', value: '@vip.example' },
          { any: [{ field: 'duration_minutes', operator: 'greater_or_equal', value: 60 }, { field: 'reason', operator: 'contains', value: 'urgent' }] },
        ],
      },
      actions: [email('vip')],
    });
    const doctor = await env.create('doctors', buildDoctor());
    const vip = await env.create('patients', buildPatient({ email: 'a@vip.example', patient_id: 'P-1' }));
    const plain = await env.create('patients', buildPatient({ email: 'b@example.com', patient_id: 'P-2' }));
    await env.create('appointments', buildAppointment({ patient: vip.id, doctor: doctor.id, reason: 'URGENT pain' }));
    await env.create('appointments', buildAppointment({ patient: vip.id, doctor: doctor.id, reason: 'check' }));
    await env.create('appointments', buildAppointment({ patient: plain.id, doctor: doctor.id, duration_minutes: 90 }));
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['vip']);
  });

  it('changed_to / changed_from conditions see the previous values', async () => {
    await save('patients', {
      trigger_type: 'record_updated',
      trigger_conditions: { all: [{ field: 'status', operator: 'changed_from', value: 'New' }, { field: 'status', operator: 'changed_to', value: 'Discharged' }] },
      actions: [email('new to discharged')],
    });
    const patient = await env.create('patients', buildPatient({ status: 'New' }));
    await env.update(patient.id, { status: 'Discharged' });
    await env.update(patient.id, { status: 'New' });
    await env.update(patient.id, { status: 'Active' });
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['new to discharged']);
  });
});

describe('actions', () => {
  beforeEach(clearWorkflows);

  it('update_field writes a validated value like an edit (version, tokens, actor) and later actions see it', async () => {
    const id = await save('patients', {
      trigger_type: 'status_changed',
      trigger_config: { to: ['Active'] },
      actions: [
        { type: 'update_field', field: 'insurance_provider', value: 'Auto Insurance' },
        { type: 'send_email', to: '{{data.email}}', subject: 'Insured by {{data.insurance_provider}}', body: '.' },
      ],
    });
    const patient = await env.create('patients', buildPatient());
    await env.update(patient.id, { status: 'Active' });
    const stored = (await env.store.get(`crm_tenants/acme/records/${patient.id}`))?.data as Record<string, unknown> & { data: Record<string, unknown> };
    expect(stored.data.insurance_provider).toBe('Auto Insurance');
    expect(stored.version).toBe(3);
    expect(stored.updatedBy).toBe(`workflow:${id}`);
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['Insured by Auto Insurance']);
    const listed = await env.call<{ records: unknown[] }>(env.users.acmeOwner, 'crmListRecords', {
      tenantId: 'acme',
      module: 'patients',
      filters: [{ field: 'status', op: 'eq', value: 'Active' }],
    });
    expect(listed.records).toHaveLength(1);
  });

  it('an action that fails is logged and the others still run; the record write stands (partial)', async () => {
    await save('patients', {
      trigger_type: 'record_created',
      actions: [{ type: 'update_field', field: 'blood_group', value: 'A+' }, email('after')],
    });
    // The field's options change after the workflow was saved: the value no longer validates.
    await env.call(env.users.acmeOwner, 'crmUpdateField', {
      tenantId: 'acme',
      module: 'patients',
      key: 'blood_group',
      changes: { options: ['O+', 'O-'] },
    });
    const patient = await env.create('patients', buildPatient());
    const [log] = await env.logs();
    expect(log).toMatchObject({ status: 'partial', recordId: patient.id });
    expect((log?.actions as Array<{ status: string; message: string }>).map((a) => a.status)).toEqual(['failed', 'success']);
    expect(String(log?.error)).toContain('blood_group');
    expect(typeof log?.durationMs).toBe('number');
    expect((await env.store.get(`crm_tenants/acme/records/${patient.id}`))?.data.version).toBe(1);
  });

  it('create_task links the record, assigns the owner or creator and sets the due date', async () => {
    await save('patients', {
      trigger_type: 'record_created',
      actions: [
        { type: 'create_task', title: 'Call {{data.full_name}}', due_in_days: 3, assignee: 'owner', description: 'About {{record.number}}' },
      ],
    });
    const patient = await env.create('patients', buildPatient(), env.users.acmeMember);
    const { tasks } = await env.call<TListTasksResponse>(env.users.acmeAdmin, 'crmListTasks', { tenantId: 'acme', assignee: 'all' });
    expect(tasks).toEqual([
      expect.objectContaining({ title: 'Call Ada Lovelace', description: `About ${patient.number}`, recordId: patient.id, assigneeId: env.users.acmeMember.uid, dueDate: '2026-03-04' }),
    ]);
    const done = await env.call<{ task: { status: string } }>(env.users.acmeMember, 'crmSetTaskStatus', { tenantId: 'acme', taskId: tasks[0]?.id, status: 'done' });
    expect(done.task.status).toBe('done');
    expect((await env.call<TListTasksResponse>(env.users.acmeMember, 'crmListTasks', { tenantId: 'acme' })).tasks).toEqual([]);
    const other = await env.callError(env.users.acmeMember2, 'crmSetTaskStatus', { tenantId: 'acme', taskId: tasks[0]?.id, status: 'open' });
    expect(other.code).toBe('permission-denied');
  });

  it('runs workflows in execution_order, the later one seeing the earlier one\'s update', async () => {
    await save('patients', { name: 'Second', execution_order: 2, trigger_type: 'record_created', actions: [email('allergies: {{data.allergies}}')] });
    await save('patients', { name: 'First', execution_order: 1, trigger_type: 'record_created', actions: [{ type: 'update_field', field: 'allergies', value: 'none known' }] });
    await env.create('patients', buildPatient());
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['allergies: none known']);
  });
});

describe('idempotency and loops', () => {
  beforeEach(clearWorkflows);

  it('a redelivered event runs its actions once', async () => {
    await save('patients', {
      trigger_type: 'record_created',
      actions: [email('once'), { type: 'create_task', title: 'Once' }, { type: 'update_field', field: 'allergies', value: 'x' }],
    });
    await env.create('patients', buildPatient());
    const created = env.changes.find((change) => change.kind === 'created');
    if (!created) throw new Error('no create event');
    await onRecordWritten(env.services, created);
    await onRecordWritten(env.services, { ...created });
    await env.settle();
    expect(await env.outbox()).toHaveLength(1);
    expect(await env.store.query({ collection: 'crm_tenants/acme/tasks' })).toHaveLength(1);
    expect((await env.logs()).filter((log) => log.eventId === created.eventId)).toHaveLength(1);
    const record = await env.store.get(created.path);
    expect(record?.data.version).toBe(2);
  });

  it('a redelivery that finds the run still leased asks for a retry; after the lease it takes the run over', async () => {
    await save('patients', { trigger_type: 'record_created', actions: [{ type: 'create_task', title: 'Once' }] });
    await env.create('patients', buildPatient());
    const created = env.changes.find((change) => change.kind === 'created');
    if (!created) throw new Error('no create event');
    await env.settle();
    // The first delivery died mid-run: its log says running, under a live lease, and no task exists.
    const [log] = (await env.logs()).filter((entry) => entry.eventId === created.eventId);
    const logPath = `crm_tenants/acme/workflow_logs/${String(log?.id)}`;
    await env.store.update(logPath, { status: 'running', leaseUntil: new Date(env.clock.now.getTime() + 60_000) });
    for (const task of await env.store.query({ collection: 'crm_tenants/acme/tasks' })) await env.store.delete(task.path);

    // A retried trigger must not treat it as done (the run would be lost): the error is transient, so it is rethrown.
    await expect(onRecordWritten(env.services, { ...created })).rejects.toMatchObject({ code: 'unavailable' });
    // Once the lease has expired, the next delivery takes the run over and finishes it.
    await env.store.update(logPath, { leaseUntil: new Date(0) });
    await onRecordWritten(env.services, { ...created });
    expect(await env.store.query({ collection: 'crm_tenants/acme/tasks' })).toHaveLength(1);
    expect((await env.store.get(logPath))?.data.status).toBe('success');
  });

  it('a template-upgrade migration rewriting a record runs no update workflows', async () => {
    await save('patients', { trigger_type: 'record_updated', actions: [email('updated')] });
    const patient = await env.create('patients', buildPatient());
    const path = `crm_tenants/acme/records/${patient.id}`;
    const doc = await env.store.get(path);
    const record = doc!.data as { data: Record<string, unknown>; version: number };
    await env.store.set(path, {
      ...doc!.data,
      data: { ...record.data, allergies: 'migrated' },
      version: record.version + 1,
      schemaVersion: '2.0.0',
      migration: { jobId: 'job-1', version: '2.0.0' },
    });
    await env.settle();
    expect(await env.outbox()).toEqual([]);
    await env.update(patient.id, { phone: '+1 555 0199' });
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['updated']);
  });

  it('a workflow\'s own update_field does not re-trigger it', async () => {
    const id = await save('patients', { trigger_type: 'record_updated', actions: [{ type: 'update_field', field: 'allergies', value: 'checked' }] });
    const patient = await env.create('patients', buildPatient());
    await env.update(patient.id, { phone: '+1 555 0199' });
    const runs = await env.logs(id);
    expect(runs.map((log) => log.status).sort()).toEqual(['skipped', 'success']);
    expect(runs.find((log) => log.status === 'skipped')?.reason).toBe('Not re-triggered by its own update_field.');
  });

  it('an update_field loop between two workflows stops at the depth limit, logged', async () => {
    await save('patients', { name: 'Ping', trigger_type: 'record_updated', actions: [{ type: 'update_field', field: 'allergies', value: 'ping' }] });
    await save('patients', { name: 'Pong', trigger_type: 'record_updated', actions: [{ type: 'update_field', field: 'allergies', value: 'pong' }] });
    const patient = await env.create('patients', buildPatient());
    await env.update(patient.id, { phone: '+1 555 0199' });
    const logs = await env.logs();
    const stopped = logs.filter((log) => String(log.reason ?? '').includes('depth limit'));
    expect(stopped.length).toBeGreaterThan(0);
    expect(Math.max(...logs.map((log) => Number(log.depth)))).toBe(3);
    const record = await env.store.get(`crm_tenants/acme/records/${patient.id}`);
    // 1 create + 1 user edit + at most one write per workflow per chain level (2 workflows × depth 3).
    expect(Number(record?.data.version)).toBeLessThanOrEqual(2 + 2 * 3);
    // Nothing is left running: the chain really ended.
    expect(logs.every((log) => log.status !== 'running')).toBe(true);
  });
});
