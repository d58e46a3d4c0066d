import { describe, expect, it } from 'vitest';
import { FieldDefinitionSchema } from '@crm/engine/fields/field-definition.js';
import { EMPTY_FIELD_FORM, inputForIssue, toFieldDefinition, toFieldForm } from './field-form-model';

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
