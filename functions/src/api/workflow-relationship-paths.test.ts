import { beforeEach, describe, expect, it } from 'vitest';
import { buildAppointment, buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import { buildDefinition, buildWorkflowEnv, type WorkflowEnv } from '../services/workflows/test-support/build-workflow-env.js';
import { loadRelatedByPrefix, relatedKeysOf } from '../services/workflows/run-context.js';
import { WorkflowDefinitionSchema } from '../engine/template/workflow-schema.js';
import type { TTestWorkflowResponse, TWorkflowResponse } from './workflow-schemas.js';

/**
 * Issue 15 item 2: relationship paths of up to 5 hops in workflow conditions and placeholders
 * (on an appointment: `patient.primary_doctor.specialization`, `{{data.patient.primary_doctor.email}}`).
 */
let env: WorkflowEnv;

beforeEach(async () => {
  env = await buildWorkflowEnv();
});

const CARDIOLOGY_MAIL = buildDefinition({
  name: 'Tell the cardiologist',
  trigger_type: 'record_created',
  trigger_conditions: { field: 'patient.primary_doctor.specialization', operator: 'equals', value: 'Cardiologist' },
  actions: [
    { type: 'send_email', to: '{{data.patient.primary_doctor.email}}', subject: 'New appointment for {{data.patient.full_name}}', body: 'Dr {{data.patient.primary_doctor.full_name}}: {{data.reason}}' },
    { type: 'create_task', title: 'Brief {{data.patient.primary_doctor.full_name}}' },
  ],
});

async function saveOnAppointments(definition: Record<string, unknown>): Promise<string> {
  return (await env.call<TWorkflowResponse>(env.users.acmeAdmin, 'crmSaveWorkflow', { tenantId: 'acme', module: 'appointments', definition })).workflow.id;
}

async function saveError(definition: Record<string, unknown>) {
  return env.callError(env.users.acmeAdmin, 'crmSaveWorkflow', {
    tenantId: 'acme',
    module: 'appointments',
    definition: buildDefinition({ actions: [{ type: 'create_task', title: 'T' }], ...definition }),
  });
}

describe('workflow paths through several relationships', () => {
  it('a two-hop condition and placeholders reach the patient\'s primary doctor', async () => {
    await saveOnAppointments(CARDIOLOGY_MAIL);
    const cardiologist = await env.create('doctors', buildDoctor({ full_name: 'Grace Heart', email: 'heart@clinic.example', specialization: 'Cardiologist' }));
    const other = await env.create('doctors', buildDoctor({ full_name: 'Bones', email: 'bones@clinic.example', specialization: 'Orthopedic Surgeon' }));
    const ada = await env.create('patients', buildPatient({ patient_id: 'P-1', full_name: 'Ada', primary_doctor: cardiologist.id, email: null }));
    const bob = await env.create('patients', buildPatient({ patient_id: 'P-2', full_name: 'Bob', primary_doctor: other.id, email: null }));
    await env.create('appointments', buildAppointment({ patient: ada.id, doctor: cardiologist.id, reason: 'Chest pain' }));
    await env.create('appointments', buildAppointment({ patient: bob.id, doctor: other.id, reason: 'Knee' }));

    const mails = (await env.outbox()).filter((mail) => mail.message.subject.startsWith('New appointment'));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: ['heart@clinic.example'], message: { subject: 'New appointment for Ada' } });
    expect(mails[0]?.message.text).toContain('Dr Grace Heart: Chest pain');
    const tasks = await env.store.query({ collection: 'crm_tenants/acme/tasks' });
    expect(tasks.map((task) => task.data.title)).toContain('Brief Grace Heart');
  });

  it('a related record missing on the way gives an empty value: the condition is false, nothing crashes', async () => {
    const id = await saveOnAppointments(
      buildDefinition({
        name: 'Doctorless',
        trigger_type: 'record_created',
        trigger_conditions: { field: 'patient.primary_doctor.email', operator: 'is_empty' },
        actions: [{ type: 'create_task', title: 'No doctor for {{data.patient.full_name}} [{{data.patient.primary_doctor.email}}]' }],
      }),
    );
    const doctor = await env.create('doctors', buildDoctor());
    const ada = await env.create('patients', buildPatient({ full_name: 'Ada', primary_doctor: doctor.id, email: null }));
    const standIn = await env.create('doctors', buildDoctor());
    await env.call(env.users.acmeOwner, 'crmDeleteRecord', { tenantId: 'acme', recordId: doctor.id });
    await env.create('appointments', buildAppointment({ patient: ada.id, doctor: standIn.id }));
    const logs = await env.logs(id);
    expect(logs.map((log) => log.status)).toEqual(['success']);
    const tasks = await env.store.query({ collection: 'crm_tenants/acme/tasks' });
    expect(tasks.map((task) => task.data.title)).toContain('No doctor for Ada []');
  });

  it('the dry run shows the values resolved through the path', async () => {
    const id = await saveOnAppointments(CARDIOLOGY_MAIL);
    const doctor = await env.create('doctors', buildDoctor({ full_name: 'Grace Heart', email: 'heart@clinic.example', specialization: 'Cardiologist' }));
    const ada = await env.create('patients', buildPatient({ full_name: 'Ada', primary_doctor: doctor.id, email: null }));
    const appointment = await env.create('appointments', buildAppointment({ patient: ada.id, doctor: doctor.id }));
    const result = await env.call<TTestWorkflowResponse>(env.users.acmeAdmin, 'crmTestWorkflow', { tenantId: 'acme', recordId: appointment.id, workflowId: id });
    expect(result.wouldRun).toBe(true);
    expect(result.conditions.leaves).toEqual([
      { field: 'patient.primary_doctor.specialization', operator: 'equals', value: 'Cardiologist', actual: 'Cardiologist', result: true },
    ]);
    expect(JSON.stringify(result.actions)).toContain('heart@clinic.example');
    expect(JSON.stringify(result.actions)).toContain('Brief Grace Heart');
  });

  it('broken paths are refused when the workflow is saved, naming the path', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ trigger_conditions: { field: 'patient.primary_doctor.shoe_size', operator: 'is_empty' } }, /"shoe_size" is not a field of module "doctors" \(in "patient.primary_doctor.shoe_size"\)/],
      [{ trigger_conditions: { field: 'patient.full_name.length', operator: 'is_empty' } }, /"full_name" is not a relationship field, so "patient.full_name.length" cannot be followed/],
      [{ trigger_conditions: { field: 'patient.a.b.c.d.e.f', operator: 'is_empty' } }, /"patient.a.b.c.d.e.f" follows 6 relationships; a path may follow at most 5/],
      [
        { actions: [{ type: 'send_email', to: '{{data.patient.primary_doctor.emial}}', subject: 's', body: 'b' }] },
        /placeholder \{\{data.patient.primary_doctor.emial\}\}: "emial" is not a field of module "doctors"/,
      ],
      [{ actions: [{ type: 'create_task', title: '{{data.patient.a.b.c.d.e.f}}' }] }, /\{\{data.patient.a.b.c.d.e.f\}\}: "patient.a.b.c.d.e.f" follows 6 relationships; a path may follow at most 5/],
    ];
    for (const [definition, message] of cases) {
      const error = await saveError(definition);
      expect({ definition, code: error.code }).toEqual({ definition, code: 'invalid-argument' });
      const issues = (error.details as { issues: Array<{ message: string }> }).issues.map((issue) => issue.message);
      expect(issues).toEqual([expect.stringMatching(message)]);
    }
  });

  it('reads one record per distinct path prefix, batched per hop, shared between paths and workflows', async () => {
    const doctor = await env.create('doctors', buildDoctor());
    const patient = await env.create('patients', buildPatient({ primary_doctor: doctor.id }));
    const appointment = await env.create('appointments', buildAppointment({ patient: patient.id, doctor: doctor.id }));
    const definitions = [
      WorkflowDefinitionSchema.parse(CARDIOLOGY_MAIL),
      WorkflowDefinitionSchema.parse(
        buildDefinition({ trigger_conditions: { all: [{ field: 'patient.email', operator: 'is_not_empty' }, { field: 'doctor.email', operator: 'is_not_empty' }] } }),
      ),
    ];
    const prefixes = [...new Set(definitions.flatMap(relatedKeysOf))].sort();
    expect(prefixes).toEqual(['doctor', 'patient', 'patient.primary_doctor']);
    env.store.meter.reset();
    const related = await loadRelatedByPrefix(env.store, 'acme', appointment.data, prefixes);
    // Three prefixes: three reads at most (patient and doctor in one batch, then patient.primary_doctor).
    expect(env.store.meter.read().reads).toBeLessThanOrEqual(prefixes.length);
    expect(related['patient.primary_doctor']).toMatchObject({ id: doctor.id, email: 'grace.hopper@clinic.example' });
    expect(related.doctor).toMatchObject({ id: doctor.id });
    // A five-hop chain: one read per hop, and a missing link ends it with nulls.
    env.store.meter.reset();
    const deep = await loadRelatedByPrefix(env.store, 'acme', { patient: patient.id }, ['patient', 'patient.primary_doctor', 'patient.primary_doctor.x', 'patient.primary_doctor.x.y', 'patient.primary_doctor.x.y.z']);
    expect(env.store.meter.read().reads).toBe(2);
    expect(deep['patient.primary_doctor.x']).toBeNull();
    expect(deep['patient.primary_doctor.x.y.z']).toBeNull();
  });
});
