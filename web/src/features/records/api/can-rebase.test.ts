import { describe, expect, it } from 'vitest';
import { canRebase } from './records-api';

describe('canRebase', () => {
  it('retries a stale write when the other change touched other fields', () => {
    expect(canRebase({ status: 'Completed' }, { status: 'Scheduled', notes: null }, { status: 'Scheduled', notes: 'called' })).toBe(true);
  });

  it('refuses when the same field changed meanwhile', () => {
    expect(canRebase({ status: 'Completed' }, { status: 'Scheduled' }, { status: 'Cancelled' })).toBe(false);
  });

  it('treats missing and null alike', () => {
    expect(canRebase({ tags: ['vip'] }, {}, { tags: null })).toBe(true);
  });
});
