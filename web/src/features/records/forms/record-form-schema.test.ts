import { describe, expect, it } from 'vitest';
import { buildRecordFormSchema, initialFormValues, recordPayload, toFormValue, toWireValue } from './record-form-schema';

const fields = [
  { key: 'full_name', label: 'Full name', type: 'text', required: true },
  { key: 'email', label: { en: 'Email', es: 'Correo' }, type: 'email', required: false },
  { key: 'fee', label: 'Fee', type: 'currency', required: false, options: { currency: 'USD' }, validation: { min: 0 } },
  { key: 'visits', label: 'Visits', type: 'number', required: false },
  { key: 'status', label: 'Status', type: 'select', required: false, options: ['new', 'active'], default: 'new' },
  { key: 'tags', label: 'Tags', type: 'multi_select', required: false, options: ['vip', 'new'] },
  { key: 'seen_at', label: 'Seen at', type: 'datetime', required: false },
  { key: 'born', label: 'Born', type: 'date', required: false },
  { key: 'consent', label: 'Consent', type: 'checkbox', required: false },
] as const;

type Fields = Parameters<typeof buildRecordFormSchema>[0];
const schema = buildRecordFormSchema(fields as unknown as Fields);

describe('record form schema', () => {
  it('turns input strings into wire values the server accepts', () => {
    const result = schema.safeParse({
      full_name: 'Ana Ruiz',
      email: '',
      fee: '120.50',
      visits: '3',
      status: 'active',
      tags: ['vip'],
      seen_at: '',
      born: '1990-02-03',
      consent: true,
    });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({ full_name: 'Ana Ruiz', email: null, fee: 120.5, visits: 3, tags: ['vip'], seen_at: null, consent: true });
  });

  it('reports the engine message on the offending field', () => {
    const result = schema.safeParse({ full_name: '', email: 'not-an-email', fee: '1.234', visits: 'abc', status: 'gone', tags: [], seen_at: '', born: '2026-02-30', consent: false });
    expect(result.success).toBe(false);
    const byField = Object.fromEntries((result.error?.issues ?? []).map((issue) => [String(issue.path[0]), issue.message]));
    expect(byField.full_name).toBe('"Full name" is required');
    expect(byField.email).toMatch(/must be an email address/);
    expect(byField.fee).toMatch(/at most 2 decimal places/);
    expect(byField.visits).toMatch(/must be a number/);
    expect(byField.status).toMatch(/must be one of: new, active/);
    expect(byField.born).toMatch(/must be a date like/);
  });

  it('reads numbers as the user writes them: 12,500 in English, 12.500,50 in Spanish', () => {
    const values = { full_name: 'Ana', email: '', status: 'new', tags: [], seen_at: '', born: '', consent: false };
    expect(schema.safeParse({ ...values, fee: '12,500.50', visits: '1,200' }).data).toMatchObject({ fee: 12500.5, visits: 1200 });
    const spanish = buildRecordFormSchema(fields as unknown as Fields, { locale: 'es' });
    expect(spanish.safeParse({ ...values, fee: '12.500,50', visits: '12.500' }).data).toMatchObject({ fee: 12500.5, visits: 12500 });
    expect(initialFormValues(fields as unknown as Fields, { fee: 12500.5 }, 'es').fee).toBe('12500,5');
  });

  it('says a refusal through describe, with the engine key, its parameters and the field', () => {
    const spanish = buildRecordFormSchema(fields as unknown as Fields, {
      locale: 'es',
      describe: (failure, field) => `${failure.messageKey}|${field.key}|${JSON.stringify(failure.params)}`,
    });
    const result = spanish.safeParse({ full_name: '', email: 'x', fee: '', visits: '1,2,3', status: 'new', tags: [], seen_at: '', born: '', consent: false });
    const byField = Object.fromEntries((result.error?.issues ?? []).map((issue) => [String(issue.path[0]), issue.message]));
    expect(byField.full_name).toBe('validation.required|full_name|{"field":"Full name"}');
    expect(byField.email).toBe('validation.email|email|{"field":"Email"}');
    expect(byField.visits).toBe('validation.notNumber|visits|{"field":"Visits"}');
  });

  it('converts a local datetime input to UTC ISO and back', () => {
    const wire = toWireValue({ type: 'datetime' }, '2026-03-01T10:30');
    expect(typeof wire).toBe('string');
    expect(wire).toMatch(/Z$/);
    expect(toFormValue({ type: 'datetime' }, wire)).toBe('2026-03-01T10:30');
  });

  it('prefills defaults on create and record values on edit', () => {
    const typed = fields as unknown as Fields;
    expect(initialFormValues(typed, null).status).toBe('new');
    expect(initialFormValues(typed, { fee: 99, tags: ['vip'] })).toMatchObject({ fee: '99', tags: ['vip'], status: '' });
  });

  it('sends only values on create and only changes on update', () => {
    const parsed = { full_name: 'A', email: null, tags: [] as string[], fee: 3 };
    expect(recordPayload({ mode: 'create', parsed, dirtyKeys: new Set() })).toEqual({ full_name: 'A', fee: 3 });
    expect(recordPayload({ mode: 'update', parsed, dirtyKeys: new Set(['email']) })).toEqual({ email: null });
  });
});
