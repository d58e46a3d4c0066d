import { describe, expect, it } from 'vitest';
import { FieldDefinitionSchema, type FieldDefinitionInput } from '../../engine/fields/field-definition.js';
import { coerceCell, parseNumber } from './coerce-cell.js';
import { suggestMapping } from './suggest-mapping.js';

const field = (input: Partial<FieldDefinitionInput> & Pick<FieldDefinitionInput, 'type'>) => FieldDefinitionSchema.parse({ key: 'f', label: 'F', ...input });

describe('coerceCell', () => {
  it('reads numbers with either decimal separator and currency signs', () => {
    expect(parseNumber('1,234.50')).toBe(1234.5);
    expect(parseNumber('1.234,50')).toBe(1234.5);
    expect(parseNumber('12,5')).toBe(12.5);
    expect(parseNumber('1,234')).toBe(1234);
    expect(parseNumber('€ 99')).toBe(99);
    expect(parseNumber('(10)')).toBe(-10);
    expect(parseNumber('ten')).toBeUndefined();
    expect(coerceCell(field({ type: 'number' }), 'ten')).toBe('ten');
  });

  it('reads yes/no words in English and Spanish for checkboxes', () => {
    const checkbox = field({ type: 'checkbox' });
    expect(['yes', 'Sí', 'TRUE', '1', 'x'].map((text) => coerceCell(checkbox, text))).toEqual([true, true, true, true, true]);
    expect(['no', 'false', '0'].map((text) => coerceCell(checkbox, text))).toEqual([false, false, false]);
  });

  it('matches options by value or by label in any language, ignoring case', () => {
    const select = field({ type: 'select', options: [{ value: 'active', label: { en: 'Active', es: 'Activo' } }, 'Closed'] });
    expect(coerceCell(select, 'ACTIVO')).toBe('active');
    expect(coerceCell(select, 'closed')).toBe('Closed');
    expect(coerceCell(select, 'Other')).toBe('Other');
    const multi = field({ type: 'multi_select', options: ['Mon', 'Tue', 'Wed'] });
    expect(coerceCell(multi, 'mon; wed')).toEqual(['Mon', 'Wed']);
    expect(coerceCell(multi, 'Tue,Wed')).toEqual(['Tue', 'Wed']);
  });

  it('reads ISO and day-first dates, and zone-less datetimes as UTC', () => {
    expect(coerceCell(field({ type: 'date' }), '3/4/2026')).toBe('2026-04-03');
    expect(coerceCell(field({ type: 'date' }), '2026-04-03T10:00:00Z')).toBe('2026-04-03');
    expect(coerceCell(field({ type: 'datetime' }), '2026-04-03 10:30')).toBe('2026-04-03T10:30Z');
    expect(coerceCell(field({ type: 'datetime' }), '2026-04-03T10:30:00+02:00')).toBe('2026-04-03T10:30:00+02:00');
  });

  it('treats a blank cell as no value', () => {
    expect(coerceCell(field({ type: 'text' }), '   ')).toBeNull();
  });
});

describe('suggestMapping', () => {
  const fields = [
    field({ key: 'full_name', label: { en: 'Full Name', es: 'Nombre completo' }, type: 'text' }),
    field({ key: 'date_of_birth', label: { en: 'Date of Birth', es: 'Fecha de nacimiento' }, type: 'date' }),
    field({ key: 'email', label: 'Email', type: 'email' }),
  ];

  it('matches headers by key or label in any language, accents and case ignored; a Number column is the record number', () => {
    expect(suggestMapping(['Nombre completo', 'FECHA DE NACIMIENTO', 'e-mail', 'Número', 'Notes'], fields)).toEqual([
      { column: 0, field: 'full_name' },
      { column: 1, field: 'date_of_birth' },
      { column: 2, field: 'email' },
      { column: 3, field: '_number' },
    ]);
  });

  it('suggests each field once', () => {
    expect(suggestMapping(['Email', 'email'], fields)).toEqual([{ column: 0, field: 'email' }]);
  });
});
