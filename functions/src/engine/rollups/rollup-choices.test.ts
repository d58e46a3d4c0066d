import { describe, expect, it } from 'vitest';
import { fieldTypeModule } from '../fields/types/registry.js';
import { EMPTY_OPTION_INPUTS, type OptionInputsContext } from '../fields/types/option-inputs.js';
import type { PathField } from '../paths/resolve-field-path.js';
import { RollupOptionsSchema } from './rollup-definition.js';
import { rollupFilterFields, rollupRelationsTo, rollupResultFor, rollupSourceFields } from './rollup-choices.js';

const appointments: PathField[] = [
  { key: 'patient', type: 'relationship', options: { related_module: 'patients', display_field: 'full_name' } },
  { key: 'doctor', type: 'relationship', options: { related_module: 'doctors', display_field: 'full_name' } },
  { key: 'backup_doctor', type: 'relationship', options: { related_module: 'doctors', display_field: 'full_name' }, active: false },
  { key: 'fee', type: 'currency', options: { currency: 'EUR' } },
  { key: 'minutes', type: 'number' },
  { key: 'scheduled_on', type: 'date' },
  { key: 'status', type: 'select', options: ['Booked', 'Done'] },
  { key: 'paid', type: 'checkbox' },
  { key: 'notes', type: 'textarea' },
  { key: 'attachment', type: 'file' },
  { key: 'visits', type: 'rollup', options: { relationship: { module: 'visits', field: 'appointment' }, aggregate: 'count' } },
];
const doctors: PathField[] = [
  { key: 'full_name', type: 'text' },
  { key: 'mentor', type: 'relationship', options: { related_module: 'doctors', display_field: 'full_name' } },
];
const modules = [
  { slug: 'appointments', fields: appointments },
  { slug: 'doctors', fields: doctors },
];
const ctx: OptionInputsContext = {
  fieldsOf: (slug) => modules.find((module) => module.slug === slug)?.fields,
  localDateTimeToIso: (input) => `${input}:00.000Z`,
};
const form = fieldTypeModule('rollup').options.form!;

describe('roll-up choices', () => {
  it('offers the active relationships that point at the parent, its own module included', () => {
    expect(rollupRelationsTo('doctors', modules)).toEqual([
      { module: 'appointments', field: 'doctor' },
      { module: 'doctors', field: 'mentor' },
    ]);
    expect(rollupRelationsTo('invoices', modules)).toEqual([]);
  });

  it('offers numbers and currencies for sum/avg, dates too for min/max, nothing for count', () => {
    expect(rollupSourceFields('sum', appointments).map((field) => field.key)).toEqual(['fee', 'minutes']);
    expect(rollupSourceFields('avg', appointments).map((field) => field.key)).toEqual(['fee', 'minutes']);
    expect(rollupSourceFields('max', appointments).map((field) => field.key)).toEqual(['fee', 'minutes', 'scheduled_on']);
    expect(rollupSourceFields('count', appointments)).toEqual([]);
  });

  it('derives what is stored from the aggregate and the child field', () => {
    expect(rollupResultFor('count', undefined)).toBe('number');
    expect(rollupResultFor('sum', 'currency')).toBe('currency');
    expect(rollupResultFor('avg', 'number')).toBe('number');
    expect(rollupResultFor('min', 'date')).toBe('date');
    expect(rollupResultFor('max', 'datetime')).toBe('datetime');
  });

  it('offers filter fields with the list filter operators, leaving out files, inactive fields and roll-ups', () => {
    const choices = rollupFilterFields(appointments);
    expect(choices.map((choice) => choice.field.key)).not.toContain('visits');
    expect(choices.map((choice) => choice.field.key)).not.toContain('attachment');
    expect(choices.map((choice) => choice.field.key)).not.toContain('backup_doctor');
    expect(choices.find((choice) => choice.field.key === 'fee')?.operators).toEqual(['eq', 'gte', 'lte', 'gt', 'lt']);
    expect(choices.find((choice) => choice.field.key === 'status')?.operators).toEqual(['eq']);
  });
});

describe('roll-up editor inputs ⇄ options', () => {
  it('builds a filtered currency sum the option schema accepts, and reads it back', () => {
    const inputs = {
      ...EMPTY_OPTION_INPUTS,
      rollupRelation: 'appointments.doctor',
      rollupAggregate: 'sum',
      rollupField: 'fee',
      rollupFilterField: 'minutes',
      rollupFilterOperator: 'gte',
      rollupFilterValue: '30',
    };
    const options = form.toOptions(inputs, ctx);
    expect(options).toEqual({
      relationship: { module: 'appointments', field: 'doctor' },
      aggregate: 'sum',
      field: 'fee',
      filter: { field: 'minutes', operator: 'greater_or_equal', value: 30 },
      result: 'currency',
    });
    expect(RollupOptionsSchema.safeParse(options).success).toBe(true);
    expect(form.toInputs(options)).toEqual({
      rollupRelation: 'appointments.doctor',
      rollupAggregate: 'sum',
      rollupField: 'fee',
      rollupFilterField: 'minutes',
      rollupFilterOperator: 'gte',
      rollupFilterValue: '30',
    });
  });

  it('sends a count without a field or result, and a checkbox filter as a boolean', () => {
    const options = form.toOptions(
      { ...EMPTY_OPTION_INPUTS, rollupRelation: 'appointments.doctor', rollupAggregate: 'count', rollupField: 'fee', rollupFilterField: 'paid', rollupFilterOperator: 'eq', rollupFilterValue: 'true' },
      ctx,
    );
    expect(options).toEqual({ relationship: { module: 'appointments', field: 'doctor' }, aggregate: 'count', filter: { field: 'paid', operator: 'equals', value: true } });
    expect(RollupOptionsSchema.safeParse(options).success).toBe(true);
  });

  it('leaves a missing filter value out so the server names it at the value input', () => {
    const options = form.toOptions({ ...EMPTY_OPTION_INPUTS, rollupRelation: 'appointments.doctor', rollupFilterField: 'status', rollupFilterOperator: 'eq' }, ctx);
    const parsed = RollupOptionsSchema.safeParse(options);
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((issue) => `.${issue.path.join('.')}`);
    expect(paths.map((path) => form.inputForIssue(path))).toContain('rollupFilterValue');
  });

  it('puts each server issue on its picker', () => {
    expect(form.inputForIssue('.relationship.field')).toBe('rollupRelation');
    expect(form.inputForIssue('.relationship.module')).toBe('rollupRelation');
    expect(form.inputForIssue('.aggregate')).toBe('rollupAggregate');
    expect(form.inputForIssue('.field')).toBe('rollupField');
    expect(form.inputForIssue('.result')).toBe('rollupField');
    expect(form.inputForIssue('.filter')).toBe('rollupFilterField');
    expect(form.inputForIssue('.filter.operator')).toBe('rollupFilterOperator');
    expect(form.inputForIssue('')).toBe('rollupRelation');
  });
});
