import type { WorkflowDefinition } from '../template/workflow-schema.js';
import { sameValue } from './evaluate-condition.js';

/**
 * What happened to a record, as workflows see it. Records are soft-deleted, so
 * "deleted" is the flag turning on (or the document going away) and
 * "restored" the flag turning off; an update that changes no data field (a
 * denormalized display refresh, say) is "touched" and triggers nothing.
 */
export type RecordEventKind = 'created' | 'updated' | 'deleted' | 'restored' | 'touched';

export interface RecordEvent {
  readonly kind: RecordEventKind;
  /** Data maps before and after; null where the record did not exist. */
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  /** The module's status field, for status_changed. */
  readonly statusField: string | null;
}

export function classifyRecordEvent({
  before,
  after,
}: {
  before: { data: Readonly<Record<string, unknown>>; deleted: boolean } | null;
  after: { data: Readonly<Record<string, unknown>>; deleted: boolean } | null;
}): RecordEventKind {
  if (!before) return after && !after.deleted ? 'created' : 'touched';
  if (!after) return before.deleted ? 'touched' : 'deleted';
  if (!before.deleted && after.deleted) return 'deleted';
  if (before.deleted && !after.deleted) return 'restored';
  if (before.deleted) return 'touched';
  return changedFields(before.data, after.data).length > 0 ? 'updated' : 'touched';
}

/** Keys whose value differs between two data maps (empty values count as equal). */
export function changedFields(before: Readonly<Record<string, unknown>> | null, after: Readonly<Record<string, unknown>> | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((key) => !sameValue(before?.[key], after?.[key])).sort();
}

/** Whether a (non-scheduled) workflow's trigger fires for this event; conditions are checked separately. */
export function matchesTrigger({
  workflow,
  event,
}: {
  workflow: Pick<WorkflowDefinition, 'trigger_type' | 'trigger_config'>;
  event: RecordEvent;
}): boolean {
  const config = workflow.trigger_config;
  switch (workflow.trigger_type) {
    case 'record_created':
      return event.kind === 'created';
    case 'record_updated':
      return event.kind === 'updated';
    case 'record_deleted':
      return event.kind === 'deleted';
    case 'field_changed': {
      if (event.kind !== 'updated') return false;
      const changed = changedFields(event.before, event.after);
      const fields = config && 'fields' in config ? config.fields : undefined;
      return fields === undefined ? changed.length > 0 : fields.some((field) => changed.includes(field));
    }
    case 'status_changed': {
      if (event.kind !== 'updated' || event.statusField === null) return false;
      const from = event.before?.[event.statusField];
      const to = event.after?.[event.statusField];
      if (sameValue(from, to)) return false;
      const sides = config && !('field' in config) && !('fields' in config) ? (config as { from?: string[]; to?: string[] }) : {};
      const fits = (list: string[] | undefined, value: unknown): boolean =>
        list === undefined || (typeof value === 'string' && list.includes(value));
      return fits(sides.from, from) && fits(sides.to, to);
    }
    case 'scheduled':
      // Scheduled workflows run from their task, never directly from a record event.
      return false;
    case 'manual':
      // Manual workflows run only when a user asks (services/manual-runs), never from a record event.
      return false;
  }
}
