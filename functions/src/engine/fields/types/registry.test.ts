import { describe, expect, it } from 'vitest';
import { FIELD_TYPE_MODULES, FIELD_TYPES, fieldTypeModule, isFieldType, storedValueModule } from './registry.js';
import type { DisplayContext, FormConversionContext } from './field-type-module.js';
import { FieldDefinitionSchema, INDEXABLE_FIELD_TYPES, TEXT_LIKE_FIELD_TYPES } from '../field-definition.js';
import { checkFieldValue } from '../check-field-value.js';
import type { DemoValueKit } from './field-type-demo.js';

const conversion: FormConversionContext = {
  locale: 'en',
  parseNumber: (input) => (Number.isFinite(Number(input.replace(/,/g, ''))) ? Number(input.replace(/,/g, '')) : null),
  formatNumberForInput: (value) => String(value),
  localDateTimeToIso: (input) => (Number.isNaN(Date.parse(`${input}Z`)) ? null : new Date(`${input}Z`).toISOString()),
  isoToLocalDateTime: (value) => value.slice(0, 16),
};

const display: DisplayContext = {
  language: 'en',
  yesNo: { yes: 'Yes', no: 'No' },
  formatNumber: (value) => `n${value}`,
  formatCurrency: (value, currency) => `${currency} ${value}`,
  formatDate: (value) => `d${value}`,
  formatDateTime: (value) => `dt${value}`,
};

describe('field type registry', () => {
  it('has exactly one module per declared type, in the editor order', () => {
    expect(FIELD_TYPE_MODULES.map((module) => module.type)).toEqual([...FIELD_TYPES]);
    expect(new Set(FIELD_TYPES).size).toBe(FIELD_TYPES.length);
    for (const type of FIELD_TYPES) expect(fieldTypeModule(type).type).toBe(type);
  });

  it('refuses unknown types, including Object.prototype names', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'rollup_nope']) {
      expect(isFieldType(name)).toBe(false);
      expect(() => fieldTypeModule(name)).toThrow(/unknown field type/);
    }
  });

  it('derives the legacy type groups from the traits', () => {
    expect(TEXT_LIKE_FIELD_TYPES).toEqual(['text', 'textarea', 'email', 'phone', 'url']);
    expect(INDEXABLE_FIELD_TYPES).toEqual(['number', 'currency', 'date', 'datetime']);
  });

  it('converts form inputs to wire values and back for every type', () => {
    const cases: Array<[string, unknown, unknown]> = [
      ['number', '12,500', 12500],
      ['currency', '', null],
      ['datetime', '2026-03-01T10:00', '2026-03-01T10:00:00.000Z'],
      ['checkbox', 'yes', false],
      ['multi_select', '', []],
      ['text', '  ', null],
      ['date', '2026-03-01', '2026-03-01'],
    ];
    for (const [type, input, wire] of cases) expect(fieldTypeModule(type).toWire(input, conversion)).toEqual(wire);
    expect(fieldTypeModule('number').toForm(12.5, conversion)).toBe('12.5');
    expect(fieldTypeModule('datetime').toForm('2026-03-01T10:00:00.000Z', conversion)).toBe('2026-03-01T10:00');
    expect(fieldTypeModule('multi_select').toForm(null, conversion)).toEqual([]);
    expect(fieldTypeModule('file').toForm({ name: 'a.pdf', url: 'https://x.test/a.pdf' }, conversion)).toEqual({ name: 'a.pdf', url: 'https://x.test/a.pdf' });
  });

  it('shows values the way each type says', () => {
    const field = (type: string, options?: unknown) => ({ key: 'k', type, options });
    expect(fieldTypeModule('currency').display(field('currency', { currency: 'EUR' }), 5, display)).toBe('EUR 5');
    expect(fieldTypeModule('select').display(field('select', [{ value: 'a', label: { en: 'Alpha' } }]), 'a', display)).toBe('Alpha');
    expect(fieldTypeModule('checkbox').display(field('checkbox'), false, display)).toBe('No');
    expect(fieldTypeModule('relationship').display(field('relationship'), 'id1', { ...display, relatedDisplay: 'Ann' })).toBe('Ann');
    expect(fieldTypeModule('date').display(field('date'), '2026-01-02', display)).toBe('d2026-01-02');
  });

  it('offers filter operators by value kind and parses filter inputs', () => {
    expect(fieldTypeModule('email').filterOperators).toEqual(['contains', 'eq']);
    expect(fieldTypeModule('date').filterOperators).toEqual(['eq', 'gte', 'lte', 'gt', 'lt']);
    expect(fieldTypeModule('file').filterOperators).toEqual([]);
    expect(fieldTypeModule('number').parseFilterInput('x1', conversion)).toBeNull();
    expect(fieldTypeModule('checkbox').parseFilterInput('true', conversion)).toBe(true);
  });

  it('checks options through the type module when a field is parsed', () => {
    const base = { key: 'k', label: 'K' };
    expect(FieldDefinitionSchema.safeParse({ ...base, type: 'select' }).success).toBe(false);
    expect(FieldDefinitionSchema.safeParse({ ...base, type: 'text', options: ['a'] }).error?.issues[0]?.message).toBe('options are not used by text fields');
    expect(FieldDefinitionSchema.safeParse({ ...base, type: 'currency' }).success).toBe(true);
    expect(FieldDefinitionSchema.safeParse({ ...base, type: 'relationship', options: { currency: 'USD' } }).success).toBe(false);
    expect(FieldDefinitionSchema.parse({ ...base, type: 'url' }).searchable).toBe(false);
    expect(FieldDefinitionSchema.parse({ ...base, type: 'email' }).searchable).toBe(true);
  });

  it('a plain type handles its own stored values', () => {
    expect(storedValueModule({ type: 'number' }).type).toBe('number');
  });

  it('gives every type that takes options an editor form, so the field editor needs no switch over types', () => {
    for (const module of FIELD_TYPE_MODULES) {
      const takesOptions = module.options.schema !== undefined;
      expect(module.options.form !== undefined, module.type).toBe(takesOptions);
    }
  });

  it('makes demo values each type accepts itself, and none for computed types', () => {
    const kit: DemoValueKit = {
      index: 0,
      label: 'Thing',
      int: (min) => min,
      amount: (min) => min,
      chance: () => false,
      pickWeighted: (values) => values[0] as string,
      sample: (values, count) => values.slice(0, count),
      personName: () => 'Ann Lee',
      personEmail: () => 'ann.lee@example.com',
      phone: () => '+1 (555) 010-0001',
      website: () => 'https://www.acme.example.com',
      isoDateFromNow: () => '2026-05-01',
      eventMoment: () => '2026-05-01T09:00:00.000Z',
      relatedId: () => 'rec_123456',
    };
    const OPTIONS: Record<string, unknown> = {
      select: ['A', 'B'],
      multi_select: ['A', 'B'],
      relationship: { related_module: 'doctors', display_field: 'full_name' },
      formula: { expression: '1 + 1', result_type: 'number' },
      rollup: { relationship: { module: 'appointments', field: 'doctor' }, aggregate: 'count' },
    };
    for (const module of FIELD_TYPE_MODULES) {
      const field = FieldDefinitionSchema.parse({ key: 'thing_name', label: 'Thing', type: module.type, required: !module.traits.computed, ...(OPTIONS[module.type] ? { options: OPTIONS[module.type] } : {}) });
      const value = module.demo.value(field, kit);
      if (module.traits.computed) {
        expect(value, module.type).toBeUndefined();
        continue;
      }
      expect(value, module.type).not.toBeUndefined();
      expect(checkFieldValue(field, value).ok, `${module.type}: ${JSON.stringify(value)}`).toBe(true);
    }
  });
});
