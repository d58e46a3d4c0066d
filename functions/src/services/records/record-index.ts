import { SLOT_FIELDS, slotFieldOf, slotValueOf, type SlotField } from '../../engine/template/index-slots.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import { buildRecordIndex, type RecordIndex } from './record-tokens.js';

/** Everything a record stores so indexes can find it: the token arrays and its index slots. */
export type RecordIndexFields = RecordIndex & { readonly [slot in SlotField]?: number | string | null };

/**
 * The index fields of a record under its module's current configuration.
 * A slot assigned to a field holds the field's value, or null when the record
 * has none: Firestore leaves a document out of an ordered query when the
 * field is missing, and a list sorted by the field must still show it (null
 * sorts first). Deleted records carry no slots: nothing aggregates or sorts them.
 */
export function recordIndexFields({
  module,
  data,
  number,
  ownerId,
  deleted,
}: {
  module: ResolvedModule;
  data: Readonly<Record<string, unknown>>;
  number: string;
  ownerId: string;
  deleted: boolean;
}): RecordIndexFields {
  const index: { -readonly [key in keyof RecordIndexFields]: RecordIndexFields[key] } = buildRecordIndex({
    module: module.slug,
    fields: module.fields,
    data,
    number,
    ownerId,
    deleted,
    searchReaders: module.searchReaders,
  });
  if (deleted) return index;
  for (const slot of module.slots) {
    const field = module.fields.find((candidate) => candidate.key === slot.field);
    if (field) index[slotFieldOf(slot.slot)] = slotValueOf(field, data[field.key]);
  }
  return index;
}

/**
 * The record with its index fields replaced. Records are written whole
 * (`set`), so a slot the module no longer assigns must be dropped here or it
 * would keep another field's value.
 */
export function withRecordIndex<T extends object>(record: T, index: RecordIndexFields): T & RecordIndexFields {
  const copy = { ...record } as Record<string, unknown>;
  for (const slot of SLOT_FIELDS) delete copy[slot];
  return { ...copy, ...index } as T & RecordIndexFields;
}

/** True when the record already stores exactly these index fields (a backfill can skip it). */
export function hasRecordIndex(record: Readonly<Record<string, unknown>>, index: RecordIndexFields): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const wanted = index as unknown as Readonly<Record<string, unknown>>;
  for (const key of ['tokens', 'search', 'buckets', 'links', ...SLOT_FIELDS]) {
    if (!same(record[key], wanted[key])) return false;
    if ((key in record) !== (key in wanted) && SLOT_FIELDS.includes(key as SlotField)) return false;
  }
  return true;
}
