import type { ReadOps } from '../../store/document-store.js';
import { crmPaths } from '../paths.js';
import { asStoredRecord } from '../records/record-model.js';
import { facetToken } from '../records/record-tokens.js';

/**
 * Batched record look-ups for a slice of rows. Firestore takes at most 30
 * values in one `in` / `array-contains-any`, and bills one read per document
 * returned (at least one per query), so a slice of 200 rows naming 200
 * different records costs 200 reads plus at most 7 empty-result reads: the
 * look-ups stay near one read per row however many rows name the same record.
 * Only live records carry the module and facet tokens, so the trash is never
 * matched here.
 */
export const LOOKUP_BATCH = 30;

export interface FoundRecord {
  readonly id: string;
  readonly number: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Records of `module` by number. `wanted` maps the caller's key to a sequence
 * number; the answer maps each key to the records found (0 or 1).
 */
export async function findByNumbers(reader: ReadOps, tenantId: string, module: string, seqs: readonly number[]): Promise<Map<number, FoundRecord[]>> {
  const found = new Map<number, FoundRecord[]>();
  const distinct = [...new Set(seqs)];
  for (let start = 0; start < distinct.length; start += LOOKUP_BATCH) {
    const batch = distinct.slice(start, start + LOOKUP_BATCH);
    const docs = await reader.query({
      collection: crmPaths.records(tenantId),
      where: [
        { field: 'tokens', op: 'array-contains', value: module },
        { field: 'seq', op: 'in', value: batch },
      ],
    });
    for (const doc of docs) {
      const record = asStoredRecord(doc.data);
      const list = found.get(record.seq) ?? [];
      list.push({ id: doc.id, number: record.number, data: record.data });
      found.set(record.seq, list);
    }
  }
  return found;
}

/**
 * Records of `module` whose `field` has one of the normalized facet values
 * (the same normalization the list filters use). Several records may share a
 * value: the caller reports that as ambiguous.
 */
export async function findByFacet(
  reader: ReadOps,
  tenantId: string,
  module: string,
  field: string,
  normalizedValues: readonly string[],
  normalize: (value: unknown) => string | null,
): Promise<Map<string, FoundRecord[]>> {
  const found = new Map<string, FoundRecord[]>();
  const distinct = [...new Set(normalizedValues)];
  for (let start = 0; start < distinct.length; start += LOOKUP_BATCH) {
    const batch = distinct.slice(start, start + LOOKUP_BATCH);
    const docs = await reader.query({
      collection: crmPaths.records(tenantId),
      where: [{ field: 'tokens', op: 'array-contains-any', value: batch.map((value) => facetToken(module, field, value)) }],
    });
    for (const doc of docs) {
      const record = asStoredRecord(doc.data);
      if (record.module !== module) continue;
      const raw = record.data[field];
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        const normalized = normalize(value);
        if (normalized === null || !batch.includes(normalized)) continue;
        const list = found.get(normalized) ?? [];
        if (!list.some((entry) => entry.id === doc.id)) list.push({ id: doc.id, number: record.number, data: record.data });
        found.set(normalized, list);
      }
    }
  }
  return found;
}

/** `PAT-000123`, `pat-123` or `123` → 123 for a module numbered `PAT`; null when it is not one of its numbers. */
export function parseRecordNumber(text: string, prefix: string): number | null {
  const match = /^(?:([A-Za-z][A-Za-z0-9]*)-)?0*(\d{1,15})$/.exec(text.trim());
  if (!match) return null;
  if (match[1] !== undefined && match[1].toUpperCase() !== prefix.toUpperCase()) return null;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}
