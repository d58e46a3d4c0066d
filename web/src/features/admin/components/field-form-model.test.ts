import { describe, expect, it } from 'vitest';
import { FieldDefinitionSchema } from '@crm/engine/fields/field-definition.js';
import { createI18n } from '../../../lib/i18n/init-i18n';
import { EMPTY_FIELD_FORM, fieldFormProblems, inputForIssue, isIndexable, sayProblem, sayServerIssue, toFieldDefinition, toFieldForm } from './field-form-model';
import { optionContextFor } from './option-context';

describe('field editor model', () => {
  it('builds a select field the template schema accepts', () => {
    const definition = toFieldDefinition({ ...EMPTY_FIELD_FORM, key: 'blood_type', label: 'Blood type', labelEs: 'Grupo sanguíneo', type: 'select', optionsText: 'A+\nB+\n\nO-' });
    expect(definition.options).toEqual(['A+', 'B+', 'O-']);
    expect(definition.label).toEqual({ en: 'Blood type', es: 'Grupo sanguíneo' });
    expect(FieldDefinitionSchema.safeParse(definition).success).toBe(true);
  });

  it('lets the template schema name what is wrong, on the right input', () => {
    const definition = toFieldDefinition({ ...EMPTY_FIELD_FORM, key: 'Bad Key', label: 'X', type: 'select', optionsText: '' });
    const result = FieldDefinitionSchema.safeParse(definition);
    expect(result.success).toBe(false);
    const inputs = (result.error?.issues ?? []).map((issue) => inputForIssue(issue.path.join('.'), 'select'));
    expect(inputs).toContain('key');
    expect(inputs).toContain('optionsText');
  });

  it('round-trips a relationship field through the editor', () => {
    const form = toFieldForm({ key: 'doctor', label: 'Doctor', type: 'relationship', required: true, options: { related_module: 'doctors', display_field: 'full_name' } });
    expect(form.relatedModule).toBe('doctors');
    expect(toFieldDefinition(form).options).toEqual({ related_module: 'doctors', display_field: 'full_name' });
  });
});

describe('roll-up fields in the editor', () => {
  const config = {
    modules: [
      {
        slug: 'appointments',
        fields: [
          { key: 'doctor', type: 'relationship', options: { related_module: 'doctors', display_field: 'full_name' } },
          { key: 'fee', type: 'currency', options: { currency: 'USD' } },
          { key: 'status', type: 'select', options: ['Booked', 'Done'] },
        ],
      },
    ],
  } as unknown as Parameters<typeof optionContextFor>[0];
  const ctx = optionContextFor(config);
  const picked = {
    ...EMPTY_FIELD_FORM,
    key: 'fees_done',
    label: 'Fees done',
    type: 'rollup',
    rollupRelation: 'appointments.doctor',
    rollupAggregate: 'sum',
    rollupField: 'fee',
    rollupFilterField: 'status',
    rollupFilterOperator: 'eq',
    rollupFilterValue: 'Done',
  };

  it('builds the options from the pickers, with the stored type following the child field, and can index it', () => {
    const definition = toFieldDefinition({ ...picked, indexed: true }, ctx);
    expect(definition.options).toEqual({
      relationship: { module: 'appointments', field: 'doctor' },
      aggregate: 'sum',
      field: 'fee',
      filter: { field: 'status', operator: 'equals', value: 'Done' },
      result: 'currency',
    });
    expect(definition.indexed).toBe(true);
    expect(isIndexable(picked, ctx)).toBe(true);
    expect(FieldDefinitionSchema.safeParse(definition).success).toBe(true);
    expect(toFieldForm({ ...definition, required: false })).toMatchObject({ rollupRelation: 'appointments.doctor', rollupFilterValue: 'Done', rollupAggregate: 'sum' });
  });

  it('asks for the relationship, the field of a sum and a filter value before sending', () => {
    const problems = fieldFormProblems({ ...picked, rollupRelation: '', rollupField: '', rollupFilterValue: ' ' });
    expect(problems.map((problem) => problem.input)).toEqual(['rollupRelation', 'rollupField', 'rollupFilterValue']);
    expect(fieldFormProblems({ ...picked, rollupAggregate: 'count', rollupField: '' })).toEqual([]);
  });

  it('puts the server’s refusals on the picker they are about', () => {
    expect(inputForIssue('options.relationship.field', 'rollup')).toBe('rollupRelation');
    expect(inputForIssue('options.field', 'rollup')).toBe('rollupField');
    expect(inputForIssue('options.filter.value', 'rollup')).toBe('rollupFilterValue');
    expect(inputForIssue('options.expression', 'formula')).toBe('expression');
    expect(inputForIssue('options.display_field', 'relationship')).toBe('displayField');
    expect(inputForIssue('options[0]', 'select')).toBe('optionsText');
  });
});

describe('field form problems in plain words', () => {
  const english = createI18n();
  const say = (key: string, params?: Record<string, unknown>) => english.t(key, params);

  it('names the field in every message: "Label is required", "Key: use lowercase letters, digits and _"', () => {
    const problems = fieldFormProblems({ ...EMPTY_FIELD_FORM, key: 'Bad Key', label: ' ', type: 'select', optionsText: '' });
    expect(problems.map((problem) => [problem.input, sayProblem(say, problem)])).toEqual([
      ['label', 'Label is required'],
      ['key', 'Key: use lowercase letters, digits and _, starting with a letter'],
      ['optionsText', 'Choices (one per line): add at least one choice, one per line'],
    ]);
  });

  it('checks what each type needs, and finds nothing in a valid form', () => {
    expect(fieldFormProblems({ ...EMPTY_FIELD_FORM, key: 'doctor', label: 'Doctor', type: 'relationship' }).map((p) => p.input)).toEqual(['relatedModule']);
    expect(fieldFormProblems({ ...EMPTY_FIELD_FORM, key: 'fee', label: 'Fee', type: 'currency', currency: 'dollars' }).map((p) => p.input)).toEqual(['currency']);
    expect(fieldFormProblems({ ...EMPTY_FIELD_FORM, key: 'blood_type', label: 'Blood type', type: 'select', optionsText: 'A+' })).toEqual([]);
  });

  it('says the same in Spanish, and puts the field name in front of an unkeyed server message', () => {
    const spanish = createI18n();
    void spanish.changeLanguage('es');
    const sayEs = (key: string, params?: Record<string, unknown>) => spanish.t(key, params);
    const [problem] = fieldFormProblems({ ...EMPTY_FIELD_FORM, key: 'ok_key', label: '' });
    expect(sayProblem(sayEs, problem!)).toBe('Etiqueta: este dato es obligatorio');
    expect(sayServerIssue(say, { message: 'must not be empty' }, 'admin.label')).toBe('Label: must not be empty');
    expect(sayServerIssue(sayEs, { message: 'x', messageKey: 'validation.keyTaken', params: { field: 'Key', value: 'name' } }, 'admin.key')).toBe(
      'Clave: «name» ya se usa; elige otra',
    );
  });
});
