import { describe, expect, it } from 'vitest';
import { FieldDefinitionSchema, type FieldDefinitionInput } from '../field-definition.js';
import { parseCellNumber, formatCellInstant } from './cell-values.js';
import { cellToValue, valueToCell } from './registry.js';

const field = (input: Partial<FieldDefinitionInput> & Pick<FieldDefinitionInput, 'type'>) => FieldDefinitionSchema.parse({ key: 'f', label: 'F', ...input });

describe('cellToValue (import)', () => {
  it('reads numbers with either decimal separator and currency signs', () => {
    expect(parseCellNumber('1,234.50')).toBe(1234.5);
    expect(parseCellNumber('1.234,50')).toBe(1234.5);
    expect(parseCellNumber('12,5')).toBe(12.5);
    expect(parseCellNumber('1,234')).toBe(1234);
    expect(parseCellNumber('€ 99')).toBe(99);
    expect(parseCellNumber('(10)')).toBe(-10);
    expect(parseCellNumber('ten')).toBeUndefined();
    expect(cellToValue(field({ type: 'number' }), 'ten')).toBe('ten');
  });

  it('reads yes/no words in English and Spanish for checkboxes', () => {
    const checkbox = field({ type: 'checkbox' });
    expect(['yes', 'Sí', 'TRUE', '1', 'x'].map((text) => cellToValue(checkbox, text))).toEqual([true, true, true, true, true]);
    expect(['no', 'false', '0'].map((text) => cellToValue(checkbox, text))).toEqual([false, false, false]);
  });

  it('matches options by value or by label in any language, ignoring case', () => {
    const select = field({ type: 'select', options: [{ value: 'active', label: { en: 'Active', es: 'Activo' } }, 'Closed'] });
    expect(cellToValue(select, 'ACTIVO')).toBe('active');
    expect(cellToValue(select, 'closed')).toBe('Closed');
    expect(cellToValue(select, 'Other')).toBe('Other');
    const multi = field({ type: 'multi_select', options: ['Mon', 'Tue', 'Wed'] });
    expect(cellToValue(multi, 'mon; wed')).toEqual(['Mon', 'Wed']);
    expect(cellToValue(multi, 'Tue,Wed')).toEqual(['Tue', 'Wed']);
  });

  it('reads ISO and day-first dates, and zone-less datetimes as UTC', () => {
    expect(cellToValue(field({ type: 'date' }), '3/4/2026')).toBe('2026-04-03');
    expect(cellToValue(field({ type: 'date' }), '2026-04-03T10:00:00Z')).toBe('2026-04-03');
    expect(cellToValue(field({ type: 'datetime' }), '2026-04-03 10:30')).toBe('2026-04-03T10:30Z');
    expect(cellToValue(field({ type: 'datetime' }), '2026-04-03T10:30:00+02:00')).toBe('2026-04-03T10:30:00+02:00');
  });

  it('treats a blank cell as no value', () => {
    expect(cellToValue(field({ type: 'text' }), '   ')).toBeNull();
  });

  it('reads a link in a file cell as a file, keeping a malformed escape as written', () => {
    expect(cellToValue(field({ type: 'file' }), 'https://files.example.com/a/Scan%201.pdf?x=1')).toEqual({ name: 'Scan 1.pdf', url: 'https://files.example.com/a/Scan%201.pdf?x=1' });
    expect(cellToValue(field({ type: 'file' }), 'https://files.example.com/%E0%A4%A.pdf')).toEqual({ name: '%E0%A4%A.pdf', url: 'https://files.example.com/%E0%A4%A.pdf' });
    expect(cellToValue(field({ type: 'file' }), 'scan.pdf')).toBe('scan.pdf');
  });
});

describe('valueToCell (export)', () => {
  const en = { formatted: true, language: 'en', zone: 'Europe/Madrid', yesNo: { yes: 'Yes', no: 'No' } };
  const es = { ...en, language: 'es', yesNo: { yes: 'Sí', no: 'No' } };
  const raw = { ...en, formatted: false };

  it('writes what a person reads, or what the CRM stores', () => {
    const select = field({ type: 'select', options: [{ value: 'active', label: { en: 'Active', es: 'Activo' } }] });
    expect([valueToCell(select, 'active', en), valueToCell(select, 'active', es), valueToCell(select, 'active', raw)]).toEqual(['Active', 'Activo', 'active']);
    const checkbox = field({ type: 'checkbox' });
    expect([valueToCell(checkbox, true, es), valueToCell(checkbox, false, en), valueToCell(checkbox, true, raw)]).toEqual(['Sí', 'No', true]);
    const datetime = field({ type: 'datetime' });
    expect([valueToCell(datetime, '2026-03-29T01:30:00.000Z', en), valueToCell(datetime, '2026-03-29T01:30:00.000Z', raw)]).toEqual(['2026-03-29 03:30', '2026-03-29T01:30:00.000Z']);
    const relationship = field({ type: 'relationship', options: { related_module: 'patients', display_field: 'full_name' } });
    expect([valueToCell(relationship, 'p1', { ...en, relatedDisplay: 'Ana' }), valueToCell(relationship, 'p1', { ...raw, relatedDisplay: 'Ana' })]).toEqual(['Ana', 'p1']);
    expect(valueToCell(field({ type: 'multi_select', options: ['Mon', 'Wed'] }), ['Mon', 'Wed'], en)).toBe('Mon; Wed');
    expect(valueToCell(field({ type: 'currency', options: { currency: 'EUR' } }), 12.5, en)).toBe(12.5);
    expect(valueToCell(field({ type: 'text' }), null, en)).toBeNull();
  });

  it('writes a file as its name, or where it is stored', () => {
    const file = field({ type: 'file' });
    expect(valueToCell(file, { name: 'scan.pdf', path: 'tenants/t/scan.pdf' }, en)).toBe('scan.pdf');
    expect(valueToCell(file, { name: 'scan.pdf', path: 'tenants/t/scan.pdf' }, raw)).toBe('tenants/t/scan.pdf');
    expect(valueToCell(file, { name: 'scan.pdf', url: 'https://files.example.com/scan.pdf' }, raw)).toBe('https://files.example.com/scan.pdf');
  });

  it('writes a computed value as the type it stores (a money formula as a number, a yes/no formula as Yes/No)', () => {
    const money = field({ type: 'formula', options: { expression: 'fee * 2', result_type: 'currency' } });
    expect(valueToCell(money, 40, en)).toBe(40);
    const flag = field({ type: 'formula', options: { expression: 'fee > 10', result_type: 'checkbox' } });
    expect([valueToCell(flag, true, es), valueToCell(flag, true, raw)]).toEqual(['Sí', true]);
    const when = field({ type: 'formula', options: { expression: 'NOW()', result_type: 'datetime' } });
    expect(valueToCell(when, '2026-03-29T00:30:00.000Z', en)).toBe('2026-03-29 01:30');
  });

  it('shows instants as wall time in the zone, across a DST change', () => {
    expect(formatCellInstant('2026-03-29T00:30:00.000Z', 'Europe/Madrid')).toBe('2026-03-29 01:30');
    expect(formatCellInstant('2026-03-29T01:30:00.000Z', 'Europe/Madrid')).toBe('2026-03-29 03:30');
    expect(formatCellInstant('not a date', 'UTC')).toBe('not a date');
  });
});
