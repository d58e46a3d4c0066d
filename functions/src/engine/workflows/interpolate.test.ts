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

  it('lists related keys and refuses unknown roots', () => {
    expect(relatedKeysIn(['{{data.patient.email}} {{data.doctor.full_name}} {{data.name}}'])).toEqual(['patient', 'doctor']);
    expect(checkPlaceholderRoots('{{record.number}} {{tenant.name}} {{owner.email}} {{data.a.b}}')).toEqual([]);
    expect(checkPlaceholderRoots('{{secrets.key}} {{tenant.password}} {{data.a.b.c}}')).toHaveLength(3);
  });
});
