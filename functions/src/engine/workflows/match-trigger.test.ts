import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../template/workflow-schema.js';
import { changedFields, classifyRecordEvent, matchesTrigger, type RecordEvent } from './match-trigger.js';

function buildEvent(overrides: Partial<RecordEvent> = {}): RecordEvent {
  return {
    kind: 'updated',
    before: { status: 'Scheduled', reason: 'check-up', notes: 'a' },
    after: { status: 'Completed', reason: 'check-up', notes: 'b' },
    statusField: 'status',
    ...overrides,
  };
}

type Trigger = Pick<WorkflowDefinition, 'trigger_type' | 'trigger_config'>;
const matches = (workflow: Trigger, event: RecordEvent = buildEvent()) => matchesTrigger({ workflow, event });

describe('classifyRecordEvent', () => {
  const live = (data: Record<string, unknown>) => ({ data, deleted: false });
  it('tells create, update, soft delete, restore and no-op apart', () => {
    expect(classifyRecordEvent({ before: null, after: live({ a: 1 }) })).toBe('created');
    expect(classifyRecordEvent({ before: live({ a: 1 }), after: live({ a: 2 }) })).toBe('updated');
    expect(classifyRecordEvent({ before: live({ a: 1 }), after: { data: { a: 1 }, deleted: true } })).toBe('deleted');
    expect(classifyRecordEvent({ before: live({ a: 1 }), after: null })).toBe('deleted');
    expect(classifyRecordEvent({ before: { data: { a: 1 }, deleted: true }, after: live({ a: 1 }) })).toBe('restored');
    expect(classifyRecordEvent({ before: live({ a: 1 }), after: live({ a: 1 }) })).toBe('touched');
  });
  it('changedFields ignores empty-vs-missing', () => {
    expect(changedFields({ a: 1, b: '' }, { a: 2 })).toEqual(['a']);
  });
});

describe('matchesTrigger', () => {
  it('record_created, record_updated and record_deleted match their event kinds only', () => {
    expect(matches({ trigger_type: 'record_created' }, buildEvent({ kind: 'created', before: null }))).toBe(true);
    expect(matches({ trigger_type: 'record_created' })).toBe(false);
    expect(matches({ trigger_type: 'record_updated' })).toBe(true);
    expect(matches({ trigger_type: 'record_updated' }, buildEvent({ kind: 'touched' }))).toBe(false);
    expect(matches({ trigger_type: 'record_deleted' }, buildEvent({ kind: 'deleted' }))).toBe(true);
    expect(matches({ trigger_type: 'record_deleted' })).toBe(false);
  });

  it('field_changed matches any change, or only the listed fields', () => {
    expect(matches({ trigger_type: 'field_changed' })).toBe(true);
    expect(matches({ trigger_type: 'field_changed', trigger_config: { fields: ['notes'] } })).toBe(true);
    expect(matches({ trigger_type: 'field_changed', trigger_config: { fields: ['reason'] } })).toBe(false);
  });

  it('status_changed honours from / to lists', () => {
    expect(matches({ trigger_type: 'status_changed' })).toBe(true);
    expect(matches({ trigger_type: 'status_changed', trigger_config: { to: ['Completed'] } })).toBe(true);
    expect(matches({ trigger_type: 'status_changed', trigger_config: { to: ['Cancelled'] } })).toBe(false);
    expect(matches({ trigger_type: 'status_changed', trigger_config: { from: ['Scheduled'], to: ['Completed'] } })).toBe(true);
    expect(matches({ trigger_type: 'status_changed', trigger_config: { from: ['No-Show'] } })).toBe(false);
    const sameStatus = buildEvent({ after: { status: 'Scheduled', notes: 'c' } });
    expect(matches({ trigger_type: 'status_changed' }, sameStatus)).toBe(false);
    expect(matches({ trigger_type: 'status_changed' }, buildEvent({ statusField: null }))).toBe(false);
  });

  it('scheduled workflows never run from an event', () => {
    expect(matches({ trigger_type: 'scheduled', trigger_config: { field: 'x', offset: 1, unit: 'days', direction: 'before' } })).toBe(false);
  });

  it('manual workflows never run from an event, whatever happened to the record', () => {
    for (const kind of ['created', 'updated', 'deleted', 'restored'] as const) {
      expect(matches({ trigger_type: 'manual' }, buildEvent({ kind }))).toBe(false);
    }
  });
});
