import { describe, expect, it } from 'vitest';
import { buildAppointment, buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import type { TWorkflowResponse } from '../../api/workflow-schemas.js';
import { buildDefinition, buildWorkflowEnv, type WorkflowEnv } from './test-support/build-workflow-env.js';

/**
 * "Today" for a workflow is the tenant's today. At 20:00 UTC on 1 March it is
 * already 01:30 on 2 March in Kolkata (UTC+05:30), so the same instant is
 * "today" for one tenant and "yesterday" for the other. The instance default
 * (CRM_TIME_ZONE, here UTC) applies only while the tenant has set no zone.
 */
const START = '2026-03-01T20:00:00.000Z';

async function setZone(env: WorkflowEnv, timezone: string) {
  await env.call(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone });
}

async function save(env: WorkflowEnv, module: string, definition: Record<string, unknown>): Promise<string> {
  const { workflow } = await env.call<TWorkflowResponse>(env.users.acmeOwner, 'crmSaveWorkflow', { tenantId: 'acme', module, definition: buildDefinition(definition) });
  return workflow.id;
}

const mailsWith = async (env: WorkflowEnv, subject: string) => (await env.outbox()).filter((mail) => mail.message.subject === subject);

describe("workflows run in the tenant's time zone", () => {
  it('is_today follows the tenant zone, not the instance default', async () => {
    const env = await buildWorkflowEnv({ start: START, timeZone: 'UTC' });
    await save(env, 'appointments', {
      name: 'Same-day appointment',
      trigger_type: 'record_created',
      trigger_conditions: { field: 'appointment_date', operator: 'is_today' },
      actions: [{ type: 'send_email', to: 'desk@example.com', subject: 'Today', body: '{{record.number}}' }],
    });
    const doctor = await env.create('doctors', buildDoctor());
    const patient = await env.create('patients', buildPatient());
    const appointmentAt = (at: string) => env.create('appointments', buildAppointment({ patient: patient.id, doctor: doctor.id, appointment_date: at }));

    // 18:00 UTC on 1 March: today in UTC, 23:30 on (yesterday's) 1 March in Kolkata.
    await appointmentAt('2026-03-01T18:00:00.000Z');
    expect(await mailsWith(env, 'Today')).toHaveLength(1);

    await setZone(env, 'Asia/Kolkata');
    await appointmentAt('2026-03-01T18:00:00.000Z');
    expect(await mailsWith(env, 'Today')).toHaveLength(1);
    // 19:00 UTC is 00:30 on 2 March in Kolkata: today there.
    await appointmentAt('2026-03-01T19:00:00.000Z');
    expect(await mailsWith(env, 'Today')).toHaveLength(2);
  });

  it("plans a date-only reminder at 09:00 of the tenant's day and fires it then", async () => {
    const env = await buildWorkflowEnv({ start: START, timeZone: 'UTC' });
    await setZone(env, 'Asia/Kolkata');
    await save(env, 'patients', {
      name: 'Birthday greeting',
      trigger_type: 'scheduled',
      trigger_conditions: { field: 'date_of_birth', operator: 'is_today' },
      actions: [{ type: 'send_email', to: 'desk@example.com', subject: 'Birthday', body: '{{record.number}}' }],
    });
    await env.advanceBy(0); // the backfills queued by the zone change and the save
    // A date-only field anchors at 09:00 in the zone: 09:00 IST on 10 March is 03:30 UTC.
    await env.create('patients', buildPatient({ date_of_birth: '2026-03-10' }));
    expect((await env.scheduler.pending()).map((task) => task.envelope.notBefore)).toEqual(['2026-03-10T03:30:00.000Z']);
    await env.advanceTo('2026-03-10T03:29:00.000Z');
    expect(await mailsWith(env, 'Birthday')).toEqual([]);
    await env.advanceTo('2026-03-10T03:30:00.000Z');
    expect(await mailsWith(env, 'Birthday')).toHaveLength(1);
  });

  it('re-plans scheduled workflows when the tenant changes zone; the old task drops itself as stale', async () => {
    const env = await buildWorkflowEnv({ start: START, timeZone: 'UTC' });
    await save(env, 'patients', {
      name: 'Birthday greeting',
      trigger_type: 'scheduled',
      trigger_conditions: { field: 'date_of_birth', operator: 'is_today' },
      actions: [{ type: 'send_email', to: 'desk@example.com', subject: 'Birthday', body: '{{record.number}}' }],
    });
    await env.advanceBy(0); // the save's backfill
    await env.create('patients', buildPatient({ date_of_birth: '2026-03-10' }));
    expect((await env.scheduler.pending()).map((task) => task.envelope.notBefore)).toEqual(['2026-03-10T09:00:00.000Z']);

    await setZone(env, 'Asia/Kolkata');
    await env.advanceBy(0); // the zone change's backfill plans 09:00 IST
    expect((await env.scheduler.pending()).map((task) => task.envelope.notBefore).sort()).toEqual([
      '2026-03-10T03:30:00.000Z',
      '2026-03-10T09:00:00.000Z',
    ]);
    await env.advanceTo('2026-03-10T03:30:00.000Z');
    expect(await mailsWith(env, 'Birthday')).toHaveLength(1);
    await env.advanceTo('2026-03-10T09:00:00.000Z');
    expect(await mailsWith(env, 'Birthday')).toHaveLength(1);
    expect(await env.scheduler.pending()).toEqual([]);
  });
});
