import { describe, expect, it } from 'vitest';
import { checkPlaceholderRoots, interpolate, relatedKeysIn, type InterpolationContext } from './interpolate.js';

function buildContext(overrides: Partial<InterpolationContext> = {}): InterpolationContext {
  return {
    data: { full_name: 'Ada <script>alert(1)</script>', amount: 12.5, tags: ['a', 'b'], patient: 'p1', empty: '' },
    related: { patient: { email: 'ada@example.com', full_name: 'Ada L.' } },
    relatedDisplay: { patient: 'Ada L.' },
    record: { number: 'APT-000001', record_number: 'APT-000001' },
    tenant: { name: 'Acme & Co' },
    owner: { email: 'owner@example.com' },
    ...overrides,
  };
}

describe('interpolate', () => {
  it('fills data, relationship hop, record and tenant placeholders', () => {
    const result = interpolate({
      template: '{{data.amount}} for {{ data.patient.email }} ({{data.patient}}) {{record.number}} at {{tenant.name}} [{{data.tags}}]',
      context: buildContext(),
    });
    expect(result).toEqual({ text: '12.5 for ada@example.com (Ada L.) APT-000001 at Acme & Co [a, b]', missing: [] });
  });

  it('writes dates and datetimes for people, in the tenant\'s time zone', () => {
    const context = buildContext({ data: { due: '2026-12-01', at: '2026-12-01T20:30:00.000Z' }, timeZone: 'Asia/Kolkata' });
    expect(interpolate({ template: '{{data.due}} / {{data.at}}', context }).text).toBe('Tue, Dec 1, 2026 / Wed, Dec 2, 2026, 2:00 AM GMT+5:30');
    expect(interpolate({ template: '{{data.at}}', context: buildContext({ data: { at: '2026-12-01T20:30:00Z' } }) }).text).toBe(
      'Tue, Dec 1, 2026, 8:30 PM UTC',
    );
  });

  it('HTML-escapes values but not the template text', () => {
    const result = interpolate({ template: '<b>{{data.full_name}}</b> {{tenant.name}}', context: buildContext(), escape: 'html' });
    expect(result.text).toBe('<b>Ada &lt;script&gt;alert(1)&lt;/script&gt;</b> Acme &amp; Co');
  });

  it('reports missing values instead of printing undefined', () => {
    const result = interpolate({
      template: 'Hi {{data.nickname}} {{data.empty}} {{data.doctor.email}} {{owner.name}}',
      context: buildContext(),
    });
    expect(result.text).toBe('Hi    ');
    expect(result.missing).toEqual(['data.nickname', 'data.empty', 'data.doctor.email', 'owner.name']);
    expect(result.text).not.toContain('undefined');
  });

  it('follows relationship paths of several hops through the related records loaded per prefix', () => {
    const context = buildContext({
      related: {
        patient: { email: 'ada@example.com', primary_doctor: 'd1' },
        'patient.primary_doctor': { email: 'house@example.com', clinic: 'c1' },
        'patient.primary_doctor.clinic': { name: 'North' },
      },
    });
    const result = interpolate({ template: '{{data.patient.primary_doctor.email}} at {{data.patient.primary_doctor.clinic.name}}', context });
    expect(result).toEqual({ text: 'house@example.com at North', missing: [] });
    expect(relatedKeysIn(['{{data.patient.primary_doctor.email}}', '{{data.patient.email}}', '{{data.patient.primary_doctor.clinic.name}}'])).toEqual([
      'patient',
      'patient.primary_doctor',
      'patient.primary_doctor.clinic',
    ]);
  });

  it('renders a path whose related record is missing on the way as empty, and reports it', () => {
    const context = buildContext({ related: { patient: { primary_doctor: 'gone' }, 'patient.primary_doctor': null } });
    const result = interpolate({ template: 'Dr: [{{data.patient.primary_doctor.email}}]', context });
    expect(result).toEqual({ text: 'Dr: []', missing: ['data.patient.primary_doctor.email'] });
  });

  it('lists related keys and refuses unknown roots', () => {
    expect(relatedKeysIn(['{{data.patient.email}} {{data.doctor.full_name}} {{data.name}}'])).toEqual(['patient', 'doctor']);
    expect(checkPlaceholderRoots('{{record.number}} {{tenant.name}} {{owner.email}} {{data.a.b}}')).toEqual([]);
    expect(checkPlaceholderRoots('{{secrets.key}} {{tenant.password}} {{data}}')).toHaveLength(3);
    // data paths of any shape are left to the template checker, which knows the module's fields and the hop limit.
    expect(checkPlaceholderRoots('{{data.a.b.c.d.e.f}}')).toEqual([]);
  });
});

describe('placeholder scanning', () => {
  it('finds what the old regex found, including its edge cases', () => {
    const context = buildContext();
    const cases: Array<[string, string]> = [
      ['{{data.amount}}', '12.5'],
      ['{{ data.amount }}', '12.5'],
      ['{{{data.amount}}', '{12.5'],
      ['{{data.amount}}}', '12.5}'],
      ['{{ data.amount } }}', '{{ data.amount } }}'],
      ['{{data.amount', '{{data.amount'],
      ['a {{tenant.name}} b {{record.number}} c', 'a Acme & Co b APT-000001 c'],
      ['{{}}', ''],
    ];
    for (const [template, text] of cases) expect({ template, text: interpolate({ template, context }).text }).toEqual({ template, text });
    expect(relatedKeysIn(['{{ data.patient.email }}', '{{data.amount}}'])).toEqual(['patient']);
  });

  it('scans a 20,000-character body of an unclosed placeholder in one pass (the regex backtracked cubically)', () => {
    // `{{` and 1,000 spaces took 3.5 s on the old regex; 20,000 (the body limit) would have taken hours.
    const body = `{{${' '.repeat(19_998)}`;
    expect(interpolate({ template: body, context: buildContext() })).toEqual({ text: body, missing: [] });
    expect(checkPlaceholderRoots(body)).toEqual([]);
    const many = '{{ '.repeat(6_000);
    expect(interpolate({ template: many, context: buildContext() }).text).toBe(many);
  });
});
