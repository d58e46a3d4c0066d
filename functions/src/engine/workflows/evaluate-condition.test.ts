import { describe, expect, it } from 'vitest';
import type { Condition } from '../template/condition-schema.js';
import { evaluateCondition, explainCondition, type EvaluateConditionInput } from './evaluate-condition.js';

const NOW = new Date('2026-03-10T12:00:00Z');

function buildInput(overrides: Partial<EvaluateConditionInput> & { condition: Condition }): EvaluateConditionInput {
  return {
    record: { status: 'Scheduled', amount: 250, tags: ['vip', 'new'], email: 'ada@example.com', notes: '', when: '2026-03-11' },
    previous: null,
    related: {},
    now: NOW,
    timeZone: 'UTC',
    ...overrides,
  };
}

const check = (condition: Condition, overrides: Partial<EvaluateConditionInput> = {}) =>
  evaluateCondition(buildInput({ condition, ...overrides }));

describe('evaluateCondition operators', () => {
  it('equals / not_equals compare trimmed, case-insensitive, numbers with numeric strings', () => {
    expect(check({ field: 'status', operator: 'equals', value: 'scheduled ' })).toBe(true);
    expect(check({ field: 'amount', operator: 'equals', value: '250' })).toBe(true);
    expect(check({ field: 'status', operator: 'not_equals', value: 'Cancelled' })).toBe(true);
    expect(check({ field: 'status', operator: 'not_equals', value: 'Scheduled' })).toBe(false);
    expect(check({ field: 'tags', operator: 'equals', value: 'VIP' })).toBe(true);
  });

  it('contains / not_contains work on text and lists', () => {
    expect(check({ field: 'email', operator: 'contains', value: 'EXAMPLE' })).toBe(true);
    expect(check({ field: 'tags', operator: 'contains', value: 'new' })).toBe(true);
    expect(check({ field: 'email', operator: 'not_contains', value: 'gmail' })).toBe(true);
    expect(check({ field: 'missing', operator: 'contains', value: 'x' })).toBe(false);
  });

  it('in / not_in', () => {
    expect(check({ field: 'status', operator: 'in', value: ['Scheduled', 'Completed'] })).toBe(true);
    expect(check({ field: 'status', operator: 'not_in', value: ['Scheduled'] })).toBe(false);
    expect(check({ field: 'status', operator: 'not_in', value: ['Cancelled'] })).toBe(true);
  });

  it('ordering operators compare numbers and dates, never text', () => {
    expect(check({ field: 'amount', operator: 'greater_than', value: 100 })).toBe(true);
    expect(check({ field: 'amount', operator: 'less_than', value: 100 })).toBe(false);
    expect(check({ field: 'amount', operator: 'greater_or_equal', value: 250 })).toBe(true);
    expect(check({ field: 'amount', operator: 'less_or_equal', value: 249.99 })).toBe(false);
    expect(check({ field: 'when', operator: 'greater_than', value: '2026-03-10' })).toBe(true);
    expect(check({ field: 'when', operator: 'less_than', value: '2026-03-11T12:00:00Z' })).toBe(true);
    expect(check({ field: 'status', operator: 'greater_than', value: 1 })).toBe(false);
  });

  it('is_empty / is_not_empty treat blank text and empty lists as empty', () => {
    expect(check({ field: 'notes', operator: 'is_empty' })).toBe(true);
    expect(check({ field: 'nothing', operator: 'is_empty' })).toBe(true);
    expect(check({ field: 'email', operator: 'is_not_empty' })).toBe(true);
    expect(check({ field: 'tags', operator: 'is_empty' }, { record: { tags: [] } })).toBe(true);
  });

  it('changed / changed_to / changed_from need a previous state', () => {
    const previous = { status: 'New', amount: 250 };
    expect(check({ field: 'status', operator: 'changed' }, { previous })).toBe(true);
    expect(check({ field: 'amount', operator: 'changed' }, { previous })).toBe(false);
    expect(check({ field: 'status', operator: 'changed_to', value: 'Scheduled' }, { previous })).toBe(true);
    expect(check({ field: 'status', operator: 'changed_to', value: 'Completed' }, { previous })).toBe(false);
    expect(check({ field: 'status', operator: 'changed_from', value: 'New' }, { previous })).toBe(true);
    expect(check({ field: 'status', operator: 'changed_from', value: 'Active' }, { previous })).toBe(false);
    expect(check({ field: 'status', operator: 'changed' }, { previous: null })).toBe(false);
  });

  it('is_today / is_tomorrow / is_yesterday use the tenant time zone', () => {
    expect(check({ field: 'when', operator: 'is_tomorrow' })).toBe(true);
    expect(check({ field: 'when', operator: 'is_today' }, { record: { when: '2026-03-10T23:30:00Z' } })).toBe(true);
    // 23:30 UTC on the 10th is already the 11th in Tokyo (where it is still the 10th at 12:00 UTC).
    expect(check({ field: 'when', operator: 'is_tomorrow' }, { record: { when: '2026-03-10T23:30:00Z' }, timeZone: 'Asia/Tokyo' })).toBe(true);
    expect(check({ field: 'when', operator: 'is_today' }, { record: { when: '2026-03-10T23:30:00Z' }, timeZone: 'Asia/Tokyo' })).toBe(false);
    expect(check({ field: 'when', operator: 'is_yesterday' }, { record: { when: '2026-03-09' } })).toBe(true);
    expect(check({ field: 'when', operator: 'is_today' }, { record: { when: 'not a date' } })).toBe(false);
  });

  it('within_next_days / within_last_days include today and the bound', () => {
    expect(check({ field: 'when', operator: 'within_next_days', value: 1 })).toBe(true);
    expect(check({ field: 'when', operator: 'within_next_days', value: 7 }, { record: { when: '2026-03-18' } })).toBe(false);
    expect(check({ field: 'when', operator: 'within_last_days', value: 3 }, { record: { when: '2026-03-07' } })).toBe(true);
    expect(check({ field: 'when', operator: 'within_last_days', value: 3 })).toBe(false);
  });
});

describe('evaluateCondition groups and relationships', () => {
  it('combines all / any groups', () => {
    const condition: Condition = {
      all: [
        { field: 'status', operator: 'equals', value: 'Scheduled' },
        { any: [{ field: 'amount', operator: 'greater_than', value: 1000 }, { field: 'tags', operator: 'contains', value: 'vip' }] },
      ],
    };
    expect(check(condition)).toBe(true);
    expect(check(condition, { record: { status: 'Scheduled', amount: 5, tags: [] } })).toBe(false);
  });

  it('follows one relationship hop', () => {
    const related = { patient: { email: 'ada@example.com', full_name: 'Ada' } };
    expect(check({ field: 'patient.email', operator: 'is_not_empty' }, { related })).toBe(true);
    expect(check({ field: 'patient.email', operator: 'is_not_empty' }, { related: { patient: null } })).toBe(false);
  });

  it('follows relationship paths of several hops (related records keyed by path prefix)', () => {
    const related = {
      patient: { primary_doctor: 'd1' },
      'patient.primary_doctor': { specialty: 'Cardiology', email: 'house@example.com' },
    };
    expect(check({ field: 'patient.primary_doctor.specialty', operator: 'equals', value: 'cardiology' }, { related })).toBe(true);
    expect(check({ field: 'patient.primary_doctor.specialty', operator: 'equals', value: 'Oncology' }, { related })).toBe(false);
    const explained = explainCondition(buildInput({ condition: { field: 'patient.primary_doctor.email', operator: 'is_not_empty' }, related }));
    expect(explained.leaves[0]?.actual).toBe('house@example.com');
  });

  it('a related record missing on the way gives an empty value, not an error', () => {
    const related = { patient: { primary_doctor: 'gone' }, 'patient.primary_doctor': null };
    expect(check({ field: 'patient.primary_doctor.specialty', operator: 'is_empty' }, { related })).toBe(true);
    expect(check({ field: 'patient.primary_doctor.specialty', operator: 'equals', value: 'Cardiology' }, { related })).toBe(false);
    // Nothing loaded at all for the path (e.g. the relationship is empty): empty as well.
    expect(check({ field: 'patient.primary_doctor.specialty', operator: 'is_empty' }, { related: {} })).toBe(true);
  });

  it('no condition means always true, and explain reports each leaf', () => {
    expect(evaluateCondition(buildInput({ condition: undefined as unknown as Condition }))).toBe(true);
    const explained = explainCondition(buildInput({ condition: { field: 'status', operator: 'equals', value: 'New' } }));
    expect(explained).toEqual({ result: false, leaves: [{ field: 'status', operator: 'equals', value: 'New', actual: 'Scheduled', result: false }] });
  });
});
