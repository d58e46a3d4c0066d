import { scheduleFor, type ScheduledConfig, type WorkflowDefinition } from '../template/workflow-schema.js';
import { instantOfWallTime, parseDay, wallTimeAt } from './time-zone.js';

/**
 * A date-only field has no time of day; its reminders go out at this hour of
 * the tenant's day (a reminder at midnight would be read in the morning anyway,
 * and "1 day before" a date should arrive during the previous working day).
 */
export const DATE_FIELD_ANCHOR_HOUR = 9;

/**
 * When a scheduled workflow should run for a record, or null when the record
 * has no usable value in the date field. Minutes and hours are exact
 * durations; days move the calendar day and keep the wall-clock time, so
 * "1 day before 10:00" is 10:00 the day before even across a DST change.
 */
export function scheduledRunAt({
  workflow,
  data,
  timeZone,
}: {
  workflow: Pick<WorkflowDefinition, 'trigger_type' | 'trigger_config' | 'trigger_conditions'>;
  data: Readonly<Record<string, unknown>>;
  timeZone: string;
}): Date | null {
  const schedule = scheduleFor(workflow);
  if (!schedule) return null;
  return runAtFor({ schedule, value: data[schedule.field], timeZone });
}

export function runAtFor({ schedule, value, timeZone }: { schedule: ScheduledConfig; value: unknown; timeZone: string }): Date | null {
  const anchor = anchorOf(value, timeZone);
  if (anchor === null) return null;
  const sign = schedule.direction === 'before' ? -1 : 1;
  if (schedule.unit === 'minutes') return new Date(anchor.getTime() + sign * schedule.offset * 60_000);
  if (schedule.unit === 'hours') return new Date(anchor.getTime() + sign * schedule.offset * 3_600_000);
  const wall = wallTimeAt(anchor, timeZone);
  const shifted = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + sign * schedule.offset));
  return instantOfWallTime(
    { ...wall, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() },
    timeZone,
  );
}

function anchorOf(value: unknown, timeZone: string): Date | null {
  if (typeof value !== 'string') return null;
  const day = parseDay(value);
  if (day) return instantOfWallTime({ ...day, hour: DATE_FIELD_ANCHOR_HOUR, minute: 0, second: 0 }, timeZone);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/**
 * The deterministic name of the task that runs a scheduled workflow for a
 * record at one planned instant. The instant is part of the name so that a
 * re-planned run never collides with the name of the one it replaces (Cloud
 * Tasks refuses a recently used name for about an hour); a short hash goes
 * first because Cloud Tasks spreads load badly over sequential names.
 */
export function scheduledTaskName({
  tenantId,
  recordId,
  workflowId,
  runAt,
}: {
  tenantId: string;
  recordId: string;
  workflowId: string;
  runAt: Date;
}): string {
  const base = `${tenantId}-${recordId}-${workflowId}-${Math.floor(runAt.getTime() / 1000)}`;
  return `s${shortHash(base)}-${base}`;
}

/** FNV-1a, 32 bits, hex: a spread-out prefix, not a security measure. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
