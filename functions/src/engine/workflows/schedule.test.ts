import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../template/workflow-schema.js';
import { scheduledRunAt, scheduledTaskName } from './schedule.js';

type Scheduled = Pick<WorkflowDefinition, 'trigger_type' | 'trigger_config' | 'trigger_conditions'>;
function buildScheduled(config: Partial<{ field: string; offset: number; unit: 'minutes' | 'hours' | 'days'; direction: 'before' | 'after' }> = {}): Scheduled {
  return { trigger_type: 'scheduled', trigger_config: { field: 'when', offset: 24, unit: 'hours', direction: 'before', ...config } };
}

describe('scheduledRunAt', () => {
  it('moves datetimes by exact minutes and hours', () => {
    const data = { when: '2026-12-01T10:00:00.000Z' };
    expect(scheduledRunAt({ workflow: buildScheduled(), data, timeZone: 'UTC' })?.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(scheduledRunAt({ workflow: buildScheduled({ offset: 30, unit: 'minutes', direction: 'after' }), data, timeZone: 'UTC' })?.toISOString()).toBe(
      '2026-12-01T10:30:00.000Z',
    );
  });

  it('moves days on the calendar, keeping wall time across DST', () => {
    // 2026-03-08 10:00 in New York is after that night's DST switch (EDT, -4); the 7th is EST (-5).
    const data = { when: '2026-03-08T14:00:00Z' };
    const runAt = scheduledRunAt({ workflow: buildScheduled({ offset: 1, unit: 'days' }), data, timeZone: 'America/New_York' });
    expect(runAt?.toISOString()).toBe('2026-03-07T15:00:00.000Z');
  });

  it('anchors date-only fields at 09:00 in the tenant zone', () => {
    const workflow = buildScheduled({ offset: 1, unit: 'days' });
    expect(scheduledRunAt({ workflow, data: { when: '2026-05-20' }, timeZone: 'UTC' })?.toISOString()).toBe('2026-05-19T09:00:00.000Z');
    expect(scheduledRunAt({ workflow, data: { when: '2026-05-20' }, timeZone: 'Europe/Berlin' })?.toISOString()).toBe('2026-05-19T07:00:00.000Z');
  });

  it("derives the brief's is_tomorrow reminder and ignores records without the date", () => {
    const workflow: Scheduled = { trigger_type: 'scheduled', trigger_conditions: { field: 'when', operator: 'is_tomorrow' } };
    expect(scheduledRunAt({ workflow, data: { when: '2026-12-01T10:00:00Z' }, timeZone: 'UTC' })?.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(scheduledRunAt({ workflow, data: {}, timeZone: 'UTC' })).toBeNull();
    expect(scheduledRunAt({ workflow: { trigger_type: 'record_created' }, data: { when: '2026-12-01' }, timeZone: 'UTC' })).toBeNull();
  });

  it('names tasks deterministically, with the planned instant in the name', () => {
    const base = { tenantId: 'acme', recordId: 'r1', workflowId: 'w1', runAt: new Date('2026-11-30T10:00:00Z') };
    expect(scheduledTaskName(base)).toBe(scheduledTaskName({ ...base }));
    expect(scheduledTaskName(base)).not.toBe(scheduledTaskName({ ...base, runAt: new Date('2026-11-30T11:00:00Z') }));
    expect(scheduledTaskName(base)).toMatch(/^[A-Za-z0-9_-]{1,500}$/);
  });
});
