import type { DocumentStore, QuerySpec, StoredDocument } from '../../store/document-store.js';
import { coverDayRange, coverInstantRange, chunk } from '../../engine/dashboards/bucket-tokens.js';
import { addDays, daysBetween, startOfLocalDay } from '../../engine/dashboards/calendar.js';
import { slotFieldOf } from '../../engine/template/index-slots.js';
import type { Caller } from '../caller.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, slotOf } from '../config/tenant-config.js';
import { timeZoneOf } from '../dashboards/dashboards-service.js';
import { invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import { assertQueryable, readScopeFor } from '../access/field-security.js';
import { asStoredRecord, toRecordView, type RecordView } from '../records/record-model.js';
import { moduleNotFound, requireScope } from '../records/records-service.js';
import { ownerScoped } from '../records/record-tokens.js';

/** Records one calendar range returns at most; past it the answer says `truncated`. */
export const MAX_CALENDAR_RECORDS = 500;
/** A month grid is 6 weeks. */
export const MAX_CALENDAR_DAYS = 42;

/**
 * Records whose date or datetime field falls on tenant-local days [from, to],
 * queried server-side for that range only:
 * - an indexed field (its slot ready): one range query on the slot,
 *   `tokens array-contains <module>` + `s_n >= start and < end`, ordered by it;
 * - any other date field: its date buckets (record-tokens.ts), the fewest
 *   UTC month/day/hour/quarter-hour buckets that exactly cover the local days
 *   (`buckets array-contains-any`, 30 per query).
 * Both are owner-scoped for `read_own` callers, so nobody reads records they may not see.
 */
export async function listCalendar(
  deps: { store: DocumentStore; configs: ConfigStore },
  caller: Caller,
  input: { module: string; field: string; from: string; to: string },
): Promise<{ records: RecordView[]; truncated: boolean; queries: number }> {
  const config = await deps.configs.require(caller.tenantId);
  const module = resolveModule(config, input.module);
  if (!module) throw moduleNotFound(input.module);
  const scope = requireScope(caller, config, module, 'read');
  const field = module.activeFields.find((candidate) => candidate.key === input.field);
  if (!field || (field.type !== 'date' && field.type !== 'datetime')) {
    throw invalidInput([{ path: 'field', message: `"${input.field}" is not a date or datetime field of this module` }]);
  }
  // Field-level security: a hidden date field cannot lay out a calendar (its values would show), and records come back redacted.
  const readScope = readScopeFor(caller, config);
  assertQueryable(config, module.slug, { sort: field.key }, readScope.access);
  const days = daysBetween(input.from, input.to) + 1;
  if (days < 1 || days > MAX_CALENDAR_DAYS) throw invalidInput([{ path: 'to', message: `the range must be 1 to ${MAX_CALENDAR_DAYS} days from "from"` }]);
  const scoped = (token: string) => (scope === 'own' ? ownerScoped(module.slug, caller.uid, token) : token);
  const zone = timeZoneOf(config);
  const end = addDays(input.to, 1);
  const collection = crmPaths.records(caller.tenantId);
  const slot = slotOf(module, field.key);
  let specs: QuerySpec[];
  if (slot && slot.state === 'ready') {
    const slotField = slotFieldOf(slot.slot);
    const [low, high] = field.type === 'date'
      ? [input.from, end]
      : [new Date(startOfLocalDay(input.from, zone)).toISOString(), new Date(startOfLocalDay(end, zone)).toISOString()];
    specs = [{
      collection,
      where: [{ field: 'tokens', op: 'array-contains', value: scoped(module.slug) }, { field: slotField, op: '>=', value: low }, { field: slotField, op: '<', value: high }],
      orderBy: [{ field: slotField, direction: 'asc' }],
      limit: MAX_CALENDAR_RECORDS + 1,
    }];
  } else {
    const parts = field.type === 'date'
      ? coverDayRange(field.key, { start: input.from, end })
      : coverInstantRange(field.key, startOfLocalDay(input.from, zone), startOfLocalDay(end, zone));
    const tokens = parts.map((part) => scoped(`${module.slug}|${part}`));
    specs = chunk(tokens).map((values) => ({
      collection,
      where: [values.length === 1 ? { field: 'buckets', op: 'array-contains', value: values[0] as string } : { field: 'buckets', op: 'array-contains-any', value: values }],
      limit: MAX_CALENDAR_RECORDS + 1,
    }));
  }
  const pages = await Promise.all(specs.map((spec) => deps.store.query(spec)));
  const byId = new Map<string, StoredDocument>();
  for (const doc of pages.flat()) byId.set(doc.id, doc);
  const records = [...byId.values()]
    .map((doc) => toRecordView(doc.id, asStoredRecord(doc.data), readScope))
    .sort((a, b) => timeOf(a.data[field.key]) - timeOf(b.data[field.key]) || a.number.localeCompare(b.number));
  return { records: records.slice(0, MAX_CALENDAR_RECORDS), truncated: records.length > MAX_CALENDAR_RECORDS, queries: specs.length };
}

/** Datetimes may be written with any offset: compare instants, not strings. */
function timeOf(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}
