import { describe, expect, it } from 'vitest';
import { WorkflowDefinitionSchema } from '@crm/engine/template/workflow-schema.js';
import { conditionOperatorsFor, EMPTY_WORKFLOW_FORM, fieldChoices, formPathFor, toDefinition, toFieldErrors, toWorkflowForm, workflowResolver, type WorkflowFormValues } from './workflow-form-model';

const confirmation = {
  name: 'Appointment Confirmation',
  trigger_type: 'record_created',
  trigger_conditions: { field: 'status', operator: 'equals', value: 'Scheduled' },
  actions: [{ type: 'send_email', to: '{{data.patient.email}}', subject: 'Appointment Confirmed', body: 'With {{data.doctor.full_name}}' }],
  is_active: true,
};

function buildForm(overrides: Partial<WorkflowFormValues>): WorkflowFormValues {
  return { ...EMPTY_WORKFLOW_FORM, ...overrides };
}

describe('workflow form model', () => {
  it('round-trips a template workflow through the form unchanged', () => {
    const { definition, issues } = toDefinition(toWorkflowForm(confirmation), {});
    expect(issues).toEqual([]);
    expect(definition).toEqual(confirmation);
    expect(WorkflowDefinitionSchema.safeParse(definition).success).toBe(true);
  });

  it('round-trips a manual workflow: no trigger_config, even when the form still holds another trigger\'s settings', () => {
    const manual = { ...confirmation, name: 'Call back', trigger_type: 'manual' };
    const form = { ...toWorkflowForm(manual), config: { ...toWorkflowForm(manual).config, fields: ['status'], to: ['Done'] } };
    const { definition, issues } = toDefinition(form, {});
    expect(issues).toEqual([]);
    expect(definition).toEqual(manual);
    expect(WorkflowDefinitionSchema.safeParse(definition).success).toBe(true);
  });

  it('keeps nested conditions as JSON instead of flattening them', () => {
    const nested = { ...confirmation, trigger_conditions: { all: [{ any: [{ field: 'status', operator: 'equals', value: 'A' }] }] } };
    const form = toWorkflowForm(nested);
    expect(form.conditionsJson).not.toBeNull();
    expect(toDefinition(form, {}).definition.trigger_conditions).toEqual(nested.trigger_conditions);
  });

  it('types condition values by field: numbers, lists, day counts, valueless operators', () => {
    const { definition } = toDefinition(
      buildForm({
        match: 'any',
        conditions: [
          { field: 'duration', operator: 'greater_than', value: '30' },
          { field: 'status', operator: 'in', value: 'Scheduled, Completed' },
          { field: 'appointment_date', operator: 'within_next_days', value: '7' },
          { field: 'email', operator: 'is_not_empty', value: 'ignored' },
        ],
      }),
      { duration: 'number', status: 'select', appointment_date: 'datetime', email: 'email' },
    );
    expect(definition.trigger_conditions).toEqual({
      any: [
        { field: 'duration', operator: 'greater_than', value: 30 },
        { field: 'status', operator: 'in', value: ['Scheduled', 'Completed'] },
        { field: 'appointment_date', operator: 'within_next_days', value: 7 },
        { field: 'email', operator: 'is_not_empty' },
      ],
    });
  });

  it('puts server issue paths on the inputs they are about', () => {
    const values = buildForm({});
    expect(formPathFor('definition.actions[0].to', values)).toBe('actions.0.to');
    expect(formPathFor('definition.actions.1.field', values)).toBe('actions.1.field');
    expect(formPathFor('definition.trigger_conditions.all[2].value', values)).toBe('conditions.2.value');
    expect(formPathFor('definition.trigger_conditions.field', values)).toBe('conditions.0.field');
    expect(formPathFor('definition.trigger_config.offset', values)).toBe('config.offset');
    expect(formPathFor('definition.name', values)).toBe('name');
    expect(formPathFor('module', values)).toBeNull();
    expect(formPathFor('definition.trigger_conditions', { conditionsJson: '{}' })).toBe('conditionsJson');
  });

  it('builds nested errors and sends input-less issues to root', () => {
    const errors = toFieldErrors(
      [
        { path: 'definition.actions[0].subject', message: 'must not be empty' },
        { path: 'module', message: 'there is no module "x"' },
      ],
      buildForm({}),
    );
    expect(errors.actions?.[0]?.subject?.message).toBe('must not be empty');
    expect(errors.root?.message).toContain('there is no module');
  });

  it('validates with the server schema: an empty subject and a bad number are refused where they were typed', async () => {
    const resolve = workflowResolver({ duration: 'number' });
    const form = toWorkflowForm({ ...confirmation, actions: [{ type: 'send_email', to: 'a@b.co', subject: ' ', body: 'x' }] });
    form.conditions = [{ field: 'duration', operator: 'equals', value: 'soon' }];
    const result = await resolve(form, undefined, { fields: {}, shouldUseNativeValidation: false });
    expect(result.errors.actions?.[0]?.subject?.message).toBe('must not be empty');
    expect(result.errors.conditions?.[0]?.value?.message).toBe('must be a number');
  });
});

describe('field choices', () => {
  const field = (key: string, type: string, related_module?: string) =>
    ({ key, label: { en: key }, type, active: true, required: false, ...(related_module ? { options: { related_module } } : {}) }) as unknown;
  const modules = [
    { slug: 'appointments', fields: [field('reason', 'text'), field('patient', 'relationship', 'patients')] },
    { slug: 'patients', fields: [field('full_name', 'text'), field('primary_doctor', 'relationship', 'doctors')] },
    { slug: 'doctors', fields: [field('email', 'email'), field('clinic', 'relationship', 'clinics')] },
    { slug: 'clinics', fields: [field('city', 'text')] },
  ] as unknown as Parameters<typeof fieldChoices>[1];

  it('offers the module’s fields, then paths through its relationships up to two hops, shortest first', () => {
    const choices = fieldChoices(modules[0]!, modules);
    expect(choices.map((choice) => choice.path)).toEqual(['reason', 'patient', 'patient.full_name', 'patient.primary_doctor.email']);
    expect(choices.at(-1)?.via).toEqual([{ en: 'patient' }, { en: 'primary_doctor' }]);
    // A related record's relationship is a way through, not a value; three hops are for typed placeholders.
    expect(choices.some((choice) => choice.path === 'patient.primary_doctor')).toBe(false);
    expect(choices.some((choice) => choice.path.startsWith('patient.primary_doctor.clinic'))).toBe(false);
  });
});

describe('condition operators', () => {
  it('offers "changed…" only where the trigger fires on an update, date checks on dates, ordering on numbers and dates', () => {
    expect(conditionOperatorsFor('select', 'status_changed')).toContain('changed_to');
    expect(conditionOperatorsFor('select', 'manual')).not.toContain('changed_to');
    expect(conditionOperatorsFor('select', 'record_created')).not.toContain('changed');
    expect(conditionOperatorsFor('text', 'manual')).not.toContain('is_today');
    expect(conditionOperatorsFor('date', 'manual')).toContain('is_today');
    expect(conditionOperatorsFor('currency', 'manual')).toContain('greater_than');
  });
});
