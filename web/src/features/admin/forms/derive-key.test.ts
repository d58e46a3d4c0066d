import { describe, expect, it } from 'vitest';
import { FIELD_KEY_PATTERN } from '@crm/engine/fields/field-definition.js';
import { MODULE_SLUG_PATTERN, RECORD_PREFIX_PATTERN } from '@crm/engine/template/module-schema.js';
import { keyFromLabel, prefixFromLabel } from './derive-key';

describe('keyFromLabel', () => {
  it('turns a label into lower snake_case, dropping accents and punctuation', () => {
    expect(keyFromLabel('Blood type')).toBe('blood_type');
    expect(keyFromLabel('  Vehículos de empresa ')).toBe('vehiculos_de_empresa');
    expect(keyFromLabel('E-mail (work)')).toBe('e_mail_work');
    expect(keyFromLabel('Año')).toBe('ano');
  });

  it('starts with a letter and respects the length limit', () => {
    expect(keyFromLabel('2nd phone')).toBe('f_2nd_phone');
    expect(keyFromLabel('a'.repeat(80)).length).toBe(50);
    expect(keyFromLabel('word '.repeat(20), 12)).toBe('word_word_wo');
  });

  it('gives keys the server accepts, or an empty key that the form reports', () => {
    for (const label of ['Blood type', 'Vehículos', '2nd phone', 'Ünïcödé näme', 'x'.repeat(70)]) {
      expect(keyFromLabel(label)).toMatch(FIELD_KEY_PATTERN);
      expect(keyFromLabel(label)).toMatch(MODULE_SLUG_PATTERN);
    }
    expect(keyFromLabel('!!!')).toBe('');
    expect(keyFromLabel('日本')).toBe('');
  });
});

describe('prefixFromLabel', () => {
  it('takes the first three letters in capitals, a valid record prefix', () => {
    expect(prefixFromLabel('Vehicles')).toBe('VEH');
    expect(prefixFromLabel('Órdenes')).toBe('ORD');
    expect(prefixFromLabel('Vehicles')).toMatch(RECORD_PREFIX_PATTERN);
    expect(prefixFromLabel('X')).toBe('');
  });
});
