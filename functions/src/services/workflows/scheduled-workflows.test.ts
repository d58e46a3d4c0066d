import { describe, expect, it } from 'vitest';
import { buildAppointment, buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import { createServices } from '../create-services.js';
import { CLOUD_TASKS_MAX_DELAY_MS } from './task-scheduler.js';
import { StoreTaskScheduler } from './store-task-scheduler.js';
import { buildWorkflowEnv, type WorkflowEnv } from './test-support/build-workflow-env.js';

const DAY = 86_400_000;
const START = '2026-03-01T08:00:00.000Z';

/** The hospital template's "Appointment Reminder (24h before)" workflow, on an appointment `days` ahead. */
async function appointmentIn(env: WorkflowEnv, days: number, overrides: Record<string, unknown> = {}) {
  const doctor = await env.create('doctors', buildDoctor());
  const patient = await env.create('patients', buildPatient({ email: 'ada@example.com', patient_id: `P-${Math.random().toString(36).slice(2, 9)}` }));
  const at = new Date(Date.parse(START) + days * DAY + 2 * 3_600_000).toISOString();
  const appointment = await env.create('appointments', buildAppointment({ patient: patient.id, doctor: doctor.id, appointment_date: at, ...overrides }));
  return { appointment, at };
}

const reminders = async (env: WorkflowEnv) => (await env.outbox()).filter((mail) => mail.message.subject === 'Appointment Reminder');

describe('scheduled workflows', () => {
  it('fires a reminder for a date 45 days away on the right day, hopping the 30-day Cloud Tasks horizon', async () => {
    const env = await buildWorkflowEnv({ start: START, maxDelayMs: CLOUD_TASKS_MAX_DELAY_MS });
    const { at } = await appointmentIn(env, 45);
    const due = new Date(Date.parse(at) - DAY);
    // Parked as a hop task (< 30 days out), not as the real task.
    const parked = await env.scheduler.pending();
    expect(parked).toHaveLength(1);
    expect(parked[0]?.hop).toBe(true);
    expect(parked[0]!.scheduleAt.getTime() - Date.parse(START)).toBeLessThanOrEqual(CLOUD_TASKS_MAX_DELAY_MS);
    expect(parked[0]?.envelope.notBefore).toBe(due.toISOString());

    for (let day = 1; day <= 43; day += 1) await env.advanceTo(new Date(Date.parse(START) + day * DAY));
    expect(await reminders(env)).toEqual([]);
    // The hop fired on day 29 and planned the real task, now within the horizon.
    expect((await env.scheduler.pending()).map((task) => task.hop)).toEqual([false]);
    await env.advanceTo(new Date(due.getTime() - 60_000));
    expect(await reminders(env)).toEqual([]);
    await env.advanceTo(due);
    const [mail] = await reminders(env);
    expect(mail?.to).toEqual(['ada@example.com']);
    expect(mail?.message.text).toContain(`tomorrow at ${new Intl.DateTimeFormat('en-US', { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: 'UTC' }).format(new Date(at))}`);
    expect(await env.scheduler.pending()).toEqual([]);
  });

  it('re-plans when the date moves: nothing at the old time, the reminder at the new one', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { appointment, at } = await appointmentIn(env, 10);
    const moved = new Date(Date.parse(at) + 3 * DAY).toISOString();
    await env.update(appointment.id, { appointment_date: moved });
    const pending = await env.scheduler.pending();
    expect(pending.map((task) => task.envelope.notBefore)).toEqual([new Date(Date.parse(moved) - DAY).toISOString()]);
    await env.advanceTo(new Date(Date.parse(at) - DAY + 60_000));
    expect(await reminders(env)).toEqual([]);
    await env.advanceTo(new Date(Date.parse(moved) - DAY));
    expect(await reminders(env)).toHaveLength(1);
  });

  it('cancels the reminder when the record is deleted, and plans it again on restore', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { appointment, at } = await appointmentIn(env, 5);
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: appointment.id });
    expect(await env.scheduler.pending()).toEqual([]);
    await env.advanceTo(at);
    expect(await reminders(env)).toEqual([]);

    const again = await appointmentIn(env, 10);
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: again.appointment.id });
    await env.call(env.users.acmeOwner, 'crmRestoreRecord', { tenantId: 'acme', recordId: again.appointment.id });
    expect(await env.scheduler.pending()).toHaveLength(1);
  });

  it('re-checks conditions when it fires (a cancelled appointment gets no reminder)', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { appointment, at } = await appointmentIn(env, 3);
    await env.update(appointment.id, { status: 'Cancelled' });
    await env.advanceTo(new Date(Date.parse(at) - DAY));
    expect(await reminders(env)).toEqual([]);
    const log = (await env.logs()).find((entry) => entry.workflowName === 'Appointment Reminder (24h before)');
    expect(log).toMatchObject({ status: 'skipped', eventKind: 'scheduled', reason: 'Conditions not met (status equals).' });
  });

  it("supports the brief's is_tomorrow reminder and minute / hour / day offsets after a date", async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { workflows } = await env.call<{ workflows: Array<{ id: string }> }>(env.users.acmeOwner, 'crmListWorkflows', { tenantId: 'acme', module: 'appointments' });
    for (const workflow of workflows) await env.call(env.users.acmeOwner, 'crmDeleteWorkflow', { tenantId: 'acme', workflowId: workflow.id });
    const save = (name: string, extra: Record<string, unknown>) =>
      env.call(env.users.acmeOwner, 'crmSaveWorkflow', {
        tenantId: 'acme',
        module: 'appointments',
        definition: { name, trigger_type: 'scheduled', actions: [{ type: 'send_email', to: 'desk@example.com', subject: name, body: '{{record.number}}' }], ...extra },
      });
    await save('brief', { trigger_conditions: { field: 'appointment_date', operator: 'is_tomorrow' } });
    await save('30 min after', { trigger_config: { field: 'appointment_date', offset: 30, unit: 'minutes', direction: 'after' } });
    await save('2 days after', { trigger_config: { field: 'appointment_date', offset: 2, unit: 'days', direction: 'after' } });
    const { at } = await appointmentIn(env, 4);
    const subjects = async () => (await env.outbox()).map((mail) => mail.message.subject).filter((s) => s !== 'Appointment Confirmed' && !s.startsWith('Welcome'));
    await env.advanceTo(new Date(Date.parse(at) - DAY));
    expect(await subjects()).toEqual(['brief']);
    await env.advanceTo(new Date(Date.parse(at) + 30 * 60_000));
    expect(await subjects()).toEqual(['brief', '30 min after']);
    await env.advanceTo(new Date(Date.parse(at) + 2 * DAY));
    expect((await subjects()).sort()).toEqual(['2 days after', '30 min after', 'brief']);
  });

  it('plans a scheduled workflow saved (or re-activated) later for the records that already exist', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { workflows } = await env.call<{ workflows: Array<{ id: string; name: string }> }>(env.users.acmeOwner, 'crmListWorkflows', { tenantId: 'acme', module: 'appointments' });
    const reminder = workflows.find((workflow) => workflow.name === 'Appointment Reminder (24h before)')!;
    await env.call(env.users.acmeOwner, 'crmSetWorkflowActive', { tenantId: 'acme', workflowId: reminder.id, active: false });
    const { at } = await appointmentIn(env, 3);
    const past = await appointmentIn(env, 0);
    expect(await env.scheduler.pending()).toEqual([]);
    await env.call(env.users.acmeOwner, 'crmSetWorkflowActive', { tenantId: 'acme', workflowId: reminder.id, active: true });
    await env.advanceBy(0); // the backfill task runs and plans the future appointment only
    const pending = await env.scheduler.pending();
    expect(pending.map((task) => [task.envelope.payload.kind, task.envelope.notBefore])).toEqual([['scheduled', new Date(Date.parse(at) - DAY).toISOString()]]);
    expect(past.at < at).toBe(true);
    await env.advanceTo(new Date(Date.parse(at) - DAY));
    expect(await reminders(env)).toHaveLength(1);
  });

  it('keeps planned tasks across a restart (the queue lives in the persisted store)', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { at } = await appointmentIn(env, 2);
    env.stopFeed();
    // A new process: fresh services and scheduler over the same store.
    const now = () => new Date(Date.parse(at) - DAY);
    const restarted = createServices({ store: env.store, now, workflows: { scheduler: new StoreTaskScheduler(env.store, { now }), timeZone: 'UTC' } });
    const result = await restarted.workflows.runDueTasks(now());
    expect(result).toMatchObject({ ran: 1, failed: 0 });
    expect(await reminders(env)).toHaveLength(1);
  });

  it('a fired task that is redelivered sends nothing twice', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { at } = await appointmentIn(env, 2);
    const [task] = await env.scheduler.pending();
    await env.advanceTo(new Date(Date.parse(at) - DAY));
    await env.services.workflows.handleTask(task!.envelope, { attempt: 0, maxAttempts: 5 });
    expect(await reminders(env)).toHaveLength(1);
  });
});

describe('reminders that fell due while the system was down', () => {
  it('a queued reminder whose time passed during the outage is still sent at restart, marked late on the run and the mail', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { at } = await appointmentIn(env, 2);
    const due = Date.parse(at) - DAY;
    env.stopFeed();
    // Down from before the reminder was due until three hours after.
    const now = () => new Date(due + 3 * 3_600_000);
    const restarted = createServices({ store: env.store, now, workflows: { scheduler: new StoreTaskScheduler(env.store, { now }), timeZone: 'UTC' } });
    expect(await restarted.workflows.runDueTasks(now())).toMatchObject({ ran: 1, failed: 0 });
    const [mail] = (await env.store.query({ collection: 'mail' })).filter((doc) => (doc.data.message as { subject: string }).subject === 'Appointment Reminder');
    expect(mail?.data.crmLate).toEqual({ plannedAt: new Date(due) });
    const log = (await env.logs()).find((entry) => entry.workflowName === 'Appointment Reminder (24h before)');
    expect(log).toMatchObject({ status: 'success', eventKind: 'scheduled', late: true, plannedAt: new Date(due), lateByMs: 3 * 3_600_000 });
  });

  it('an appointment saved before its reminder time but handled after it (the trigger was down) gets the reminder, late', async () => {
    const env = await buildWorkflowEnv({ start: START });
    env.stopFeed();
    // Saved at 08:00 for tomorrow 10:00: the reminder is due today at 10:00; nothing handles the write until 13:00.
    const { appointment, at } = await appointmentIn(env, 1);
    const due = Date.parse(at) - DAY;
    expect(await env.scheduler.pending()).toEqual([]);
    const now = () => new Date(due + 3 * 3_600_000);
    const restarted = createServices({ store: env.store, now, workflows: { scheduler: new StoreTaskScheduler(env.store, { now }), timeZone: 'UTC' } });
    const doc = await env.store.get(`crm_tenants/acme/records/${appointment.id}`);
    await restarted.workflows.onRecordWritten({ eventId: 'late-1', kind: 'created', path: doc!.path, before: null, after: doc!.data, time: new Date(START) });
    await restarted.workflows.runDueTasks(now());
    expect(await reminders(env)).toHaveLength(1);
    expect((await env.logs()).find((entry) => entry.workflowName === 'Appointment Reminder (24h before)')).toMatchObject({ late: true, plannedAt: new Date(due) });
  });

  it('an appointment entered after its reminder time gets none (that is not lateness, it is the past)', async () => {
    const env = await buildWorkflowEnv({ start: START });
    // At 08:00, an appointment today at 10:00: its 24-hours-before instant was yesterday.
    await appointmentIn(env, 0);
    expect(await env.scheduler.pending()).toEqual([]);
    await env.advanceBy(3 * 3_600_000);
    expect(await reminders(env)).toEqual([]);
  });

  it('a reminder on time is not marked late', async () => {
    const env = await buildWorkflowEnv({ start: START });
    const { at } = await appointmentIn(env, 2);
    await env.advanceTo(new Date(Date.parse(at) - DAY));
    const log = (await env.logs()).find((entry) => entry.workflowName === 'Appointment Reminder (24h before)');
    expect(log?.status).toBe('success');
    expect(log?.late).toBeUndefined();
    const [mail] = (await env.store.query({ collection: 'mail' })).filter((doc) => (doc.data.message as { subject: string }).subject === 'Appointment Reminder');
    expect(mail?.data.crmLate).toBeUndefined();
  });
});
