import { describe, expect, it } from 'vitest';
import { choicesToRequest, defaultChoices, differingFields } from './merge-model';

const records = [
  { id: 'a', data: { name: 'Acme', phone: '', industry: 'Finance' } },
  { id: 'b', data: { name: 'ACME Inc', phone: '555', industry: 'Finance' } },
  { id: 'c', data: { name: 'Acme', phone: '777' } },
];

describe('merge choices', () => {
  it('default to the winner, or the first record with a value when the winner has none', () => {
    expect(defaultChoices(['name', 'phone', 'industry'], 'a', records)).toEqual({ name: 'a', phone: 'b', industry: 'a' });
    expect(defaultChoices(['phone', 'industry'], 'c', records)).toEqual({ phone: 'c', industry: 'a' });
  });

  it('lists only fields whose values differ', () => {
    expect(differingFields(['name', 'phone', 'industry'], records)).toEqual(['name', 'phone', 'industry']);
    expect(differingFields(['industry'], records.slice(0, 2))).toEqual([]);
  });

  it('sends only the values taken from another record', () => {
    expect(choicesToRequest({ name: 'a', phone: 'b' }, 'a')).toEqual({ phone: 'b' });
  });
});
