import { describe, expect, it } from 'vitest';
import { filterValueFor, operatorsFor } from './filter-model';

describe('filter model', () => {
  it('offers range operators only where values are ordered', () => {
    expect(operatorsFor('currency')).toContain('gte');
    expect(operatorsFor('select')).toEqual(['eq']);
    expect(operatorsFor('text')[0]).toBe('contains');
    expect(operatorsFor('file')).toEqual([]);
  });

  it('types the value like the stored data', () => {
    expect(filterValueFor('number', '12.5')).toBe(12.5);
    expect(filterValueFor('number', 'abc')).toBeNull();
    expect(filterValueFor('checkbox', 'true')).toBe(true);
    expect(filterValueFor('date', '2026-01-02')).toBe('2026-01-02');
    expect(filterValueFor('datetime', '2026-01-02T10:00')).toMatch(/Z$/);
    expect(filterValueFor('text', '  ')).toBeNull();
  });
});
