import { beforeEach, describe, expect, it } from 'vitest';
import { buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import { buildDefinition, buildWorkflowEnv, type WorkflowEnv } from '../services/workflows/test-support/build-workflow-env.js';
import type {
  TListOutboxResponse,
  TListWorkflowRunsResponse,
  TListWorkflowsResponse,
  TTestWorkflowResponse,
  TWorkflowResponse,
} from './workflow-schemas.js';

let env: WorkflowEnv;

const list = async (module?: string) =>
  (await env.call<TListWorkflowsResponse>(env.users.acmeAdmin, 'crmListWorkflows', { tenantId: 'acme', ...(module ? { module } : {}) })).workflows;

async function saveError(definition: Record<string, unknown>, module = 'patients') {
  return env.callError(env.users.acmeAdmin, 'crmSaveWorkflow', { tenantId: 'acme', module, definition: buildDefinition(definition) });
}

beforeEach(async () => {
  env = await buildWorkflowEnv();
});

describe('workflow definitions', () => {
  it('are seeded from the template at selection, in execution order, and admins list them', async () => {
    const workflows = await list();
    expect(workflows.map((w) => [w.module, w.name, w.source, w.execution_order])).toEqual([
      ['appointments', 'Appointment Confirmation', 'template', 0],
      ['appointments', 'Appointment Reminder (24h before)', 'template', 1],
      ['appointments', 'Follow Up on No-Show', 'template', 2],
      ['patients', 'New Patient Welcome Email', 'template', 0],
    ]);
  });

  it('admins create, edit, disable, reorder and delete; edits take effect at once', async () => {
    const created = (await env.call<TWorkflowResponse>(env.users.acmeAdmin, 'crmSaveWorkflow', {
      tenantId: 'acme',
      module: 'patients',
      definition: buildDefinition({ name: 'Ping ops', actions: [{ type: 'send_email', to: 'ops@example.com', subject: 'v1', body: '.' }] }),
    })).workflow;
    expect(created).toMatchObject({ source: 'custom', execution_order: 1, is_active: true });
    await env.call(env.users.acmeAdmin, 'crmSaveWorkflow', {
      tenantId: 'acme',
      workflowId: created.id,
      module: 'patients',
      definition: buildDefinition({ name: 'Ping ops', actions: [{ type: 'send_email', to: 'ops@example.com', subject: 'v2', body: '.' }] }),
    });
    await env.create('patients', buildPatient({ patient_id: 'P-1', email: null }));
    expect((await env.outbox()).map((mail) => mail.message.subject)).toEqual(['v2']);

    await env.call(env.users.acmeAdmin, 'crmSetWorkflowActive', { tenantId: 'acme', workflowId: created.id, active: false });
    await env.create('patients', buildPatient({ patient_id: 'P-2', email: null }));
    expect(await env.outbox()).toHaveLength(1);

    const welcome = (await list('patients')).find((w) => w.name === 'New Patient Welcome Email')!;
    const reordered = (await env.call<TListWorkflowsResponse>(env.users.acmeAdmin, 'crmReorderWorkflows', {
      tenantId: 'acme',
      module: 'patients',
      workflowIds: [created.id, welcome.id],
    })).workflows;
    expect(reordered.map((w) => w.id)).toEqual([created.id, welcome.id]);
    const partial = await env.callError(env.users.acmeAdmin, 'crmReorderWorkflows', { tenantId: 'acme', module: 'patients', workflowIds: [created.id] });
    expect(partial.code).toBe('invalid-argument');

    await env.call(env.users.acmeAdmin, 'crmDeleteWorkflow', { tenantId: 'acme', workflowId: created.id });
    expect((await list('patients')).map((w) => w.id)).toEqual([welcome.id]);
    expect((await env.callError(env.users.acmeAdmin, 'crmDeleteWorkflow', { tenantId: 'acme', workflowId: created.id })).code).toBe('not-found');
  });

  it('members cannot change workflows', async () => {
    const [workflow] = await list();
    for (const [name, data] of [
      ['crmSaveWorkflow', { tenantId: 'acme', module: 'patients', definition: buildDefinition() }],
      ['crmSetWorkflowActive', { tenantId: 'acme', workflowId: workflow!.id, active: false }],
      ['crmDeleteWorkflow', { tenantId: 'acme', workflowId: workflow!.id }],
      ['crmReorderWorkflows', { tenantId: 'acme', module: 'patients', workflowIds: [workflow!.id] }],
      ['crmListOutbox', { tenantId: 'acme' }],
      ['crmListWorkflowRuns', { tenantId: 'acme' }],
    ] as const) {
      expect({ name, code: (await env.callError(env.users.acmeMember, name, data)).code }).toEqual({ name, code: 'permission-denied' });
    }
  });

  it('are validated like templates, against the tenant’s fields, with located messages', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ trigger_type: 'when_i_say' }, /trigger_type.*unknown trigger type "when_i_say"/],
      [{ trigger_conditions: { field: 'shoe_size', operator: 'equals', value: 1 } }, /trigger_conditions.*"shoe_size" is not a field of module "patients"/],
      [{ trigger_conditions: { field: 'full_name', operator: 'is_today' } }, /is_today needs a date or datetime field/],
      [{ trigger_conditions: { field: 'status', operator: 'equals', value: 'Zombie' } }, /"Zombie" is not an option of "status"/],
      [{ trigger_conditions: { field: 'primary_doctor.shoe', operator: 'is_empty' } }, /"shoe" is not a field of module "doctors"/],
      [{ trigger_type: 'record_created', trigger_conditions: { field: 'status', operator: 'changed' } }, /changed only applies to record_updated/],
      [{ trigger_type: 'status_changed', trigger_config: { to: ['Zombie'] } }, /trigger_config.to.0.*"Zombie" is not an option of "status"/],
      [{ trigger_type: 'field_changed', trigger_config: { fields: ['nope'] } }, /"nope" is not a field/],
      [{ trigger_type: 'scheduled', trigger_config: { field: 'full_name', offset: 1, unit: 'days', direction: 'before' } }, /must be a date or datetime field/],
      [{ actions: [{ type: 'update_field', field: 'blood_group', value: 'Z+' }] }, /actions.0.value/],
      [{ actions: [{ type: 'update_field', field: 'patient_id', value: 'X' }] }, /"patient_id" is unique/],
      [{ actions: [{ type: 'send_email', to: '{{data.nope}}', subject: 's', body: 'b' }] }, /placeholder \{\{data.nope\}\}/],
      [{ actions: [{ type: 'send_email', to: '{{secrets.key}}', subject: 's', body: 'b' }] }, /unknown placeholder/],
      [{ actions: [] }, /must list at least one action/],
      [{ name: 'New Patient Welcome Email' }, /another workflow of this module is called/],
    ];
    for (const [definition, message] of cases) {
      const error = await saveError(definition);
      expect({ definition, code: error.code }).toEqual({ definition, code: 'invalid-argument' });
      expect(error.message).toMatch(message);
    }
    expect((await saveError({}, 'spaceships')).message).toMatch(/no module "spaceships"/);
  });
});

describe('runs, dry runs, outbox', () => {
  it('lists run logs per workflow and per record; members see the runs of records they can read', async () => {
    const patient = await env.create('patients', buildPatient());
    const welcome = (await list('patients'))[0]!;
    const { runs } = await env.call<TListWorkflowRunsResponse>(env.users.acmeAdmin, 'crmListWorkflowRuns', { tenantId: 'acme', workflowId: welcome.id });
    expect(runs).toEqual([
      expect.objectContaining({
        workflowName: 'New Patient Welcome Email',
        recordId: patient.id,
        status: 'success',
        trigger: 'record_created',
        actions: [expect.objectContaining({ type: 'send_email', status: 'success', message: 'Queued for ada@example.com.' })],
        durationMs: expect.any(Number),
        error: null,
      }),
    ]);
    const byRecord = await env.call<TListWorkflowRunsResponse>(env.users.acmeMember, 'crmListWorkflowRuns', { tenantId: 'acme', recordId: patient.id });
    expect(byRecord.runs.map((run) => run.id)).toEqual(runs.map((run) => run.id));
    // A member's view says what ran and how it ended, not what the definition sends where.
    expect(byRecord.runs[0]?.actions).toEqual([{ index: 0, type: 'send_email', status: 'success', message: 'Done.' }]);
    expect(JSON.stringify(byRecord.runs)).not.toContain('ada@example.com');
  });

  it('members list no workflow definitions: recipients, mail bodies and webhook URLs are admin data', async () => {
    for (const request of [{ tenantId: 'acme' }, { tenantId: 'acme', module: 'patients' }]) {
      expect((await env.callError(env.users.acmeMember, 'crmListWorkflows', request)).code).toBe('permission-denied');
    }
    const patient = await env.create('patients', buildPatient());
    const welcome = (await list('patients'))[0]!;
    for (const [name, data] of [
      ['crmTestWorkflow', { tenantId: 'acme', recordId: patient.id, workflowId: welcome.id }],
      ['crmListWorkflowRuns', { tenantId: 'acme', workflowId: welcome.id }],
      ['crmRevealWebhookSecret', { tenantId: 'acme' }],
    ] as const) {
      expect({ name, code: (await env.callError(env.users.acmeMember, name, data)).code }).toEqual({ name, code: 'permission-denied' });
    }
  });

  it('crmTestWorkflow shows what would happen and writes nothing', async () => {
    const doctor = await env.create('doctors', buildDoctor({ full_name: 'Dr. <Who>' }));
    const patient = await env.create('patients', buildPatient({ primary_doctor: doctor.id, status: 'Active' }));
    env.store.meter.reset();
    const mailsBefore = (await env.outbox()).length;
    const result = await env.call<TTestWorkflowResponse>(env.users.acmeAdmin, 'crmTestWorkflow', {
      tenantId: 'acme',
      recordId: patient.id,
      module: 'patients',
      previousData: { status: 'New' },
      definition: buildDefinition({
        trigger_type: 'record_updated',
        trigger_conditions: { all: [{ field: 'status', operator: 'changed_to', value: 'Active' }, { field: 'primary_doctor.email', operator: 'is_not_empty' }] },
        actions: [
          { type: 'send_email', to: '{{data.primary_doctor.email}}', subject: 'Patient of {{data.primary_doctor}}', body: '{{data.full_name}} / {{data.nickname}}' },
          { type: 'update_field', field: 'allergies', value: 'none' },
          { type: 'create_task', title: 'Call {{data.full_name}}', due_in_days: 2 },
          { type: 'webhook', url: 'http://10.0.0.1/hook' },
        ],
      }),
    });
    expect(env.store.meter.read().writes).toBe(0);
    expect((await env.outbox()).length).toBe(mailsBefore);
    expect(result.wouldRun).toBe(true);
    expect(result.conditions.leaves.map((leaf) => leaf.result)).toEqual([true, true]);
    expect(result.actions.map((action) => [action.type, action.status])).toEqual([
      ['send_email', 'would_run'],
      ['update_field', 'would_run'],
      ['create_task', 'would_run'],
      ['webhook', 'failed'],
    ]);
    expect(result.actions[0]?.detail).toMatchObject({ to: ['grace.hopper@clinic.example'], subject: 'Patient of Dr. <Who>', missing: ['data.nickname'] });
    expect(result.actions[3]?.message).toMatch(/10\.0\.0\.1 \(private\)/);
  });

  it('the outbox lists this tenant’s mail only, newest first (admins)', async () => {
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
    await env.create('patients', buildPatient({ patient_id: 'P-1', email: 'one@example.com' }));
    await env.advanceBy(1_000);
    await env.create('patients', buildPatient({ patient_id: 'P-2', email: 'two@example.com' }));
    await env.call(env.users.globexOwner, 'crmCreateRecord', { tenantId: 'globex', module: 'patients', data: buildPatient({ email: 'globex@example.com' }) });
    const { mails } = await env.call<TListOutboxResponse>(env.users.acmeAdmin, 'crmListOutbox', { tenantId: 'acme' });
    expect(mails.map((mail) => mail.to)).toEqual([['two@example.com'], ['one@example.com']]);
    expect(mails[0]).toMatchObject({ subject: 'Welcome to Acme Clinic', deliveryState: null });
  });
});
