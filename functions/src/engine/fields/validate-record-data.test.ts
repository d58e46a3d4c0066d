import { describe, expect, it } from 'vitest';
import { FieldDefinitionSchema } from './field-definition.js';
import type { FieldDefinition, FieldDefinitionInput } from './field-definition.js';
import { fieldValueSchema, validateRecordData } from './validate-record-data.js';

function buildField(overrides: Partial<FieldDefinitionInput> & Pick<FieldDefinitionInput, 'type'>): FieldDefinition {
  return FieldDefinitionSchema.parse({ key: 'value', label: 'Value', ...overrides });
}

/** Validates one value for one field on update and returns the stored value or the message. */
function check(field: FieldDefinition, value: unknown): { value: unknown } | { error: string } {
  const result = validateRecordData({ fields: [field], data: { [field.key]: value }, mode: 'update' });
  return result.ok ? { value: result.value[field.key] } : { error: result.errors[0]?.message ?? '' };
}

describe('validateRecordData: modes', () => {
  const fields = [
    buildField({ key: 'full_name', label: 'Full Name', type: 'text', required: true }),
    buildField({ key: 'duration', label: 'Duration', type: 'number', default: 30 }),
    buildField({ key: 'status', label: 'Status', type: 'select', options: ['New', 'Active'], default: 'New', required: true }),
    buildField({ key: 'tags', label: 'Tags', type: 'multi_select', options: ['a', 'b'], default: ['a'] }),
    buildField({ key: 'notes', label: 'Notes', type: 'textarea' }),
    buildField({ key: 'legacy', label: 'Legacy Code', type: 'text', active: false, required: true }),
  ];

  it('on create applies defaults and requires required fields', () => {
    expect(validateRecordData({ fields, data: { full_name: 'Ada' }, mode: 'create' })).toEqual({
      ok: true,
      value: { full_name: 'Ada', duration: 30, status: 'New', tags: ['a'] },
    });
    expect(validateRecordData({ fields, data: {}, mode: 'create' })).toMatchObject({
      ok: false,
      errors: [{ field: 'full_name', message: '"Full Name" is required' }],
    });
  });

  it('on create treats blank strings as missing for required fields', () => {
    const result = validateRecordData({ fields, data: { full_name: '   ' }, mode: 'create' });
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'full_name', message: '"Full Name" is required' }] });
  });

  it('does not share default objects between records', () => {
    const first = validateRecordData({ fields, data: { full_name: 'A' }, mode: 'create' });
    if (!first.ok) throw new Error('expected ok');
    (first.value.tags as string[]).push('b');
    const second = validateRecordData({ fields, data: { full_name: 'B' }, mode: 'create' });
    expect(second.ok && second.value.tags).toEqual(['a']);
  });

  it('on update checks only given keys, and required fields cannot be cleared', () => {
    expect(validateRecordData({ fields, data: { notes: 'hi' }, mode: 'update' })).toEqual({ ok: true, value: { notes: 'hi' } });
    expect(validateRecordData({ fields, data: { full_name: null }, mode: 'update' })).toMatchObject({
      ok: false,
      errors: [{ field: 'full_name', message: '"Full Name" is required' }],
    });
    expect(validateRecordData({ fields, data: { status: '' }, mode: 'update' }).ok).toBe(false);
  });

  it('null (or an empty string) clears an optional field', () => {
    expect(validateRecordData({ fields, data: { notes: null, duration: '' }, mode: 'update' })).toEqual({
      ok: true,
      value: { notes: null, duration: null },
    });
  });

  it('refuses unknown and inactive fields, reporting every problem', () => {
    const result = validateRecordData({ fields, data: { nickname: 'x', legacy: 'L1', duration: 'long' }, mode: 'update' });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { field: 'nickname', message: 'Unknown field' },
        { field: 'legacy', message: '"Legacy Code" is no longer in use and cannot be written' },
        { field: 'duration', message: '"Duration" must be a number' },
      ],
    });
  });

  it('gives each problem a message key and parameters the SPA translates, the label in English', () => {
    const result = validateRecordData({ fields, data: { nickname: 'x', legacy: 'L1', duration: 'long' }, mode: 'update' });
    expect(result.ok ? [] : result.errors.map(({ messageKey, params }) => ({ messageKey, params }))).toEqual([
      { messageKey: 'validation.unknownField', params: { field: 'nickname' } },
      { messageKey: 'validation.inactive', params: { field: 'Legacy Code' } },
      { messageKey: 'validation.notNumber', params: { field: 'Duration' } },
    ]);
  });

  it('does not require inactive fields on create', () => {
    expect(validateRecordData({ fields, data: { full_name: 'Ada' }, mode: 'create' }).ok).toBe(true);
  });

  it('refuses __proto__, constructor and prototype without polluting prototypes', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1, "notes": "ok"}') as Record<string, unknown>;
    const result = validateRecordData({ fields, data, mode: 'update' });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { field: '__proto__', message: 'Unknown field' },
        { field: 'constructor', message: 'Unknown field' },
        { field: 'prototype', message: 'Unknown field' },
      ],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns a plain object holding only allowed keys', () => {
    const result = validateRecordData({ fields, data: { full_name: 'Ada', notes: 'n' }, mode: 'update' });
    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(result.ok && Object.keys(result.value)).toEqual(['full_name', 'notes']);
  });

  it('refuses data that is not an object', () => {
    const data = [] as unknown as Record<string, unknown>;
    expect(validateRecordData({ fields, data, mode: 'update' })).toEqual({ ok: false, errors: [{ field: '', message: 'Record data must be an object' }] });
  });
});

describe('validateRecordData: types', () => {
  it('text: strings up to 1,000 characters by default; huge strings refused fast', () => {
    const field = buildField({ type: 'text', label: 'Name' });
    expect(check(field, 'Ada')).toEqual({ value: 'Ada' });
    expect(check(field, 42)).toEqual({ error: '"Name" must be text' });
    expect(check(field, 'x'.repeat(1_000))).toEqual({ value: 'x'.repeat(1_000) });
    expect(check(field, 'x'.repeat(1_001))).toEqual({ error: '"Name" must be at most 1000 characters' });
    // The length is checked before the pattern runs (the pattern's cost is a bench figure, not a timed test).
    expect(check(buildField({ type: 'text', validation: { pattern: '^(a+)+$' } }), 'a'.repeat(5_000_000))).toEqual({
      error: '"Value" must be at most 1000 characters',
    });
  });

  it('textarea: up to 10,000 characters by default', () => {
    const field = buildField({ type: 'textarea' });
    expect(check(field, 'y'.repeat(10_000))).toEqual({ value: 'y'.repeat(10_000) });
    expect(check(field, 'y'.repeat(10_001))).toEqual({ error: '"Value" must be at most 10000 characters' });
  });

  it('min_length, max_length and pattern rules', () => {
    const field = buildField({ type: 'text', label: 'Code', validation: { min_length: 3, max_length: 5, pattern: '^[A-Z]+$' } });
    expect(check(field, 'ABC')).toEqual({ value: 'ABC' });
    expect(check(field, 'AB')).toEqual({ error: '"Code" must be at least 3 characters' });
    expect(check(field, 'ABCDEF')).toEqual({ error: '"Code" must be at most 5 characters' });
    expect(check(field, 'abc')).toEqual({ error: '"Code" must match the pattern ^[A-Z]+$' });
  });

  it('number: finite numbers within min/max; no strings, NaN or Infinity', () => {
    const field = buildField({ type: 'number', label: 'Age', validation: { min: 0, max: 130 } });
    expect(check(field, 42.5)).toEqual({ value: 42.5 });
    expect(check(field, '42')).toEqual({ error: '"Age" must be a number' });
    expect(check(field, Number.NaN)).toEqual({ error: '"Age" must be a number' });
    expect(check(field, Number.POSITIVE_INFINITY)).toEqual({ error: '"Age" must be a number' });
    expect(check(field, -1)).toEqual({ error: '"Age" must be at least 0' });
    expect(check(field, 131)).toEqual({ error: '"Age" must be at most 130' });
  });

  it('currency: at most 2 decimals, stored exactly', () => {
    const field = buildField({ type: 'currency', label: 'Price', options: { currency: 'EUR' } });
    expect(check(field, 19.99)).toEqual({ value: 19.99 });
    expect(check(field, 0.1 + 0.2)).toEqual({ value: 0.3 });
    expect(check(field, 1.005)).toEqual({ error: '"Price" must have at most 2 decimal places' });
    expect(check(field, '10')).toEqual({ error: '"Price" must be a number' });
  });

  it('date: YYYY-MM-DD real calendar days', () => {
    const field = buildField({ type: 'date', label: 'Date of Birth' });
    expect(check(field, '2024-02-29')).toEqual({ value: '2024-02-29' });
    for (const bad of ['2026-02-30', '2026-13-01', '01/03/2026', '2026-03-01T00:00:00Z', 20260301]) {
      expect(check(field, bad)).toEqual({ error: '"Date of Birth" must be a date like 2026-03-01' });
    }
  });

  it('datetime: ISO 8601 with a zone, normalized to UTC', () => {
    const field = buildField({ type: 'datetime', label: 'When' });
    expect(check(field, '2026-03-01T10:00:00Z')).toEqual({ value: '2026-03-01T10:00:00.000Z' });
    expect(check(field, '2026-03-01T10:00:00+02:00')).toEqual({ value: '2026-03-01T08:00:00.000Z' });
    expect(check(field, '2026-03-01T10:00Z')).toEqual({ value: '2026-03-01T10:00:00.000Z' });
    for (const bad of ['2026-03-01T10:00:00', '2026-02-30T10:00:00Z', '2026-03-01 10:00:00Z', '2026-03-01T25:00:00Z', 1_700_000_000]) {
      expect(check(field, bad)).toEqual({ error: '"When" must be a date and time with a time zone, like 2026-03-01T10:00:00Z' });
    }
  });

  it('select: one of the options', () => {
    const field = buildField({ type: 'select', label: 'Blood Group', options: ['A+', { value: 'O-', label: 'O negative' }] });
    expect(check(field, 'O-')).toEqual({ value: 'O-' });
    expect(check(field, 'O negative')).toEqual({ error: '"Blood Group" must be one of: A+, O-' });
  });

  it('multi_select: distinct option values', () => {
    const field = buildField({ type: 'multi_select', label: 'Stones', options: ['Diamond', 'Ruby'] });
    expect(check(field, ['Ruby', 'Diamond'])).toEqual({ value: ['Ruby', 'Diamond'] });
    expect(check(field, [])).toEqual({ value: [] });
    expect(check(field, ['Ruby', 'Ruby'])).toEqual({ error: '"Stones" lists "Ruby" twice' });
    expect(check(field, ['Opal'])).toEqual({ error: '"Stones" may only contain: Diamond, Ruby' });
    expect(check(field, 'Ruby')).toEqual({ error: '"Stones" must be a list of choices' });
    expect(check(buildField({ type: 'multi_select', label: 'Stones', options: ['Ruby'], required: true }), [])).toEqual({ error: '"Stones" is required' });
  });

  it('checkbox: booleans only', () => {
    const field = buildField({ type: 'checkbox', label: 'VIP' });
    expect(check(field, false)).toEqual({ value: false });
    expect(check(field, 'true')).toEqual({ error: '"VIP" must be true or false' });
  });

  it('email, phone and url formats', () => {
    const email = buildField({ type: 'email', label: 'Email' });
    expect(check(email, 'ada@example.com')).toEqual({ value: 'ada@example.com' });
    expect(check(email, 'ada@example')).toEqual({ error: '"Email" must be an email address like name@example.com' });
    expect(check(email, 'a b@example.com')).toMatchObject({ error: expect.any(String) });

    const phone = buildField({ type: 'phone', label: 'Phone' });
    expect(check(phone, '+1 (555) 010-9999')).toEqual({ value: '+1 (555) 010-9999' });
    expect(check(phone, '12345')).toMatchObject({ error: expect.stringContaining('7 to 20 digits') });
    expect(check(phone, '555-CALL-NOW')).toMatchObject({ error: expect.stringContaining('"Phone" must be a phone number') });
    expect(check(phone, '1'.repeat(21))).toMatchObject({ error: expect.any(String) });

    const url = buildField({ type: 'url', label: 'Website' });
    expect(check(url, 'https://example.com/a?b=1')).toEqual({ value: 'https://example.com/a?b=1' });
    for (const bad of ['javascript:alert(1)', 'ftp://example.com', 'example.com', 'http://']) {
      expect(check(url, bad)).toEqual({ error: '"Website" must be a web address starting with http:// or https://' });
    }
  });

  it('relationship: a record id (existence is the service’s job)', () => {
    const field = buildField({ type: 'relationship', label: 'Doctor', options: { related_module: 'doctors', display_field: 'full_name' } });
    expect(check(field, 'rec_123-ABC')).toEqual({ value: 'rec_123-ABC' });
    expect(check(field, '../etc')).toEqual({ error: '"Doctor" must be a record id' });
    expect(check(field, { id: 'x' })).toEqual({ error: '"Doctor" must be a record id' });
  });

  it('file: { name, path | url, size?, content_type? }', () => {
    const field = buildField({ type: 'file', label: 'Scan' });
    const file = { name: 'scan.pdf', path: 'uploads/scan.pdf', size: 1024, content_type: 'application/pdf' };
    expect(check(field, file)).toEqual({ value: file });
    expect(check(field, { name: 'scan.pdf' })).toEqual({ error: '"Scan" must say where the file is stored (path or url)' });
    expect(check(field, { name: 'x', path: '../../other-tenant/x' })).toEqual({ error: '"Scan" has an invalid storage path' });
    expect(check(field, { name: 'x', path: 'a', extra: 1 })).toMatchObject({ error: expect.stringContaining('unexpected keys') });
    expect(check(field, 'scan.pdf')).toMatchObject({ error: expect.stringContaining('must be a file') });
  });
});

describe('fieldValueSchema', () => {
  it('is a zod schema the SPA form can reuse, with the same messages and normalization', () => {
    const when = fieldValueSchema(buildField({ type: 'datetime', label: 'When', required: true }));
    expect(when.parse('2026-03-01T12:00:00+01:00')).toBe('2026-03-01T11:00:00.000Z');
    const failed = when.safeParse('tomorrow');
    expect(failed.success).toBe(false);
    expect(failed.error?.issues[0]?.message).toBe('"When" must be a date and time with a time zone, like 2026-03-01T10:00:00Z');
    expect(when.safeParse(null).error?.issues[0]?.message).toBe('"When" is required');
  });

  it('accepts null for optional fields', () => {
    expect(fieldValueSchema(buildField({ type: 'number' })).parse(null)).toBeNull();
  });
});
