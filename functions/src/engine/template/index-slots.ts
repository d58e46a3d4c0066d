import { z } from 'zod';
import type { FieldDefinition } from '../fields/field-definition.js';
import { storedValueType } from '../fields/types/registry.js';
import { INDEXABLE_FIELD_TYPES, NUMERIC_FIELD_TYPES } from '../fields/field-definition.js';
import type { Widget } from './dashboard-schema.js';

/**
 * Index slots: how tenant fields reach Firestore indexes without an index per field.
 *
 * Firestore sums, averages and orders a field only through an index that
 * contains it, and `firestore.indexes.json` is a fixed list while tenants add
 * fields at runtime. So a module may mark up to MAX_INDEXED_FIELDS number,
 * currency, date or datetime fields as `indexed`; each gets one of the fixed
 * record fields `s0`..`s4`, and the fixed composite indexes over
 * `tokens`/`buckets` + slot serve dashboards' sum/avg/min/max and lists sorted
 * by the field, for every module of every tenant.
 *
 * A slot keeps its field for as long as the field stays indexed, so records
 * never need rewriting because another field was added or removed. A slot
 * handed to a field that existing records may already hold values for (or
 * that held another field's values) starts `backfilling` until every record
 * of the module has been rewritten (services/records/index-backfill.ts).
 */
export const MAX_INDEXED_FIELDS = 5;
export const SLOT_FIELDS = ['s0', 's1', 's2', 's3', 's4'] as const;
export type SlotField = (typeof SLOT_FIELDS)[number];

export const IndexSlotSchema = z.object({
  field: z.string().min(1),
  slot: z.number().int().min(0).max(MAX_INDEXED_FIELDS - 1),
  state: z.enum(['ready', 'backfilling']),
});
export type IndexSlot = z.infer<typeof IndexSlotSchema>;

export function slotFieldOf(slot: number): SlotField {
  const name = SLOT_FIELDS[slot];
  if (name === undefined) throw new Error(`there is no index slot ${slot}`);
  return name;
}

/** Fields that want a slot: marked `indexed`, still active, of a type a slot can hold. */
export function indexedFieldsOf(fields: readonly FieldDefinition[]): FieldDefinition[] {
  return fields.filter((field) => field.indexed === true && field.active !== false && INDEXABLE_FIELD_TYPES.includes(storedValueType(field)));
}

/**
 * Assigns slots to a module's indexed fields, keeping every existing
 * assignment. `assigned` lists fields that got a slot now: their slot is
 * `backfilling` unless `moduleIsEmpty` (no record can hold a stale value).
 * Throws when more fields are indexed than there are slots; template and
 * configuration validation refuse that first with a clear message.
 */
export function planIndexSlots({
  previous,
  fields,
  moduleIsEmpty,
}: {
  previous: readonly IndexSlot[] | undefined;
  fields: readonly FieldDefinition[];
  moduleIsEmpty: boolean;
}): { slots: IndexSlot[]; assigned: string[] } {
  const wanted = indexedFieldsOf(fields).map((field) => field.key);
  if (wanted.length > MAX_INDEXED_FIELDS) {
    throw new Error(`${wanted.length} indexed fields; a module has ${MAX_INDEXED_FIELDS} index slots`);
  }
  const kept = (previous ?? []).filter((slot) => wanted.includes(slot.field));
  const used = new Set(kept.map((slot) => slot.slot));
  const assigned: string[] = [];
  const slots = [...kept];
  for (const key of wanted) {
    if (kept.some((slot) => slot.field === key)) continue;
    const free = Array.from({ length: MAX_INDEXED_FIELDS }, (_, slot) => slot).find((slot) => !used.has(slot));
    if (free === undefined) throw new Error('no free index slot');
    used.add(free);
    assigned.push(key);
    slots.push({ field: key, slot: free, state: moduleIsEmpty ? 'ready' : 'backfilling' });
  }
  slots.sort((a, b) => a.slot - b.slot);
  return { slots, assigned };
}

/** The value a slot holds for one field value: numbers as they are, dates as ISO strings (which sort in time order). */
export function slotValueOf(field: Pick<FieldDefinition, 'type'> & { options?: unknown }, value: unknown): number | string | null {
  // A formula's slot holds its stored result.
  const type = storedValueType(field);
  if (NUMERIC_FIELD_TYPES.includes(type)) return typeof value === 'number' && Number.isFinite(value) ? value : null;
  if (type === 'date') return typeof value === 'string' ? value : null;
  if (type === 'datetime') {
    if (typeof value !== 'string') return null;
    const ms = Date.parse(value);
    // UTC ISO strings compare in time order whatever offset the value was written with.
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

/**
 * Numeric fields a widget aggregates with sum/avg/min/max (or a pipeline
 * sums): they must be indexed. Templates' dashboards index them by default.
 */
export function widgetValueFields(widget: Widget): string[] {
  switch (widget.type) {
    case 'metric_card':
      return widget.config.aggregation !== 'count' && widget.config.field !== undefined ? [widget.config.field] : [];
    case 'chart': {
      const y = widget.config.y_axis;
      return y !== 'count' && y.aggregation !== 'count' ? [y.field] : [];
    }
    case 'pipeline':
      return widget.config.value_field !== undefined ? [widget.config.value_field] : [];
    case 'recent_records':
      return [];
  }
}
