import { MAX_PATH_HOPS, type FieldsOf } from '../paths/resolve-field-path.js';
import { checkFormulaField } from './check-formula-field.js';
import type { FormulaProblem, FormulaReference } from './check-formula.js';
import { MAX_PATH_PREFIXES } from './collect-formula-issues.js';
import { evaluateFormula } from './evaluate-formula.js';

/** A sample record as the SPA has it: its data and the system values a formula may read. */
export interface PreviewSample {
  readonly data: Readonly<Record<string, unknown>>;
  readonly system: Readonly<Record<string, unknown>>;
}

export type PreviewResult = { ok: true; value: string | number | boolean | null } | { ok: false; problem: FormulaProblem };

interface PreviewInput {
  module: string;
  key: string;
  expression: string;
  resultType: string;
  fieldsOf: FieldsOf;
}

function checkDraft({ module, key, expression, resultType, fieldsOf }: PreviewInput) {
  const draft = { key: key || '__draft__', type: 'formula', options: { expression, result_type: resultType } };
  const withDraft: FieldsOf = (slug) => {
    const fields = fieldsOf(slug);
    if (slug !== module || fields === undefined) return fields;
    return [...fields.filter((field) => field.key !== draft.key), draft];
  };
  return checkFormulaField({ module, key: draft.key, options: draft.options, fieldsOf: withDraft });
}

/** The relationship paths a draft formula reads (what `related` must hold for a full preview); none while it does not check. */
export function previewPaths(input: PreviewInput): FormulaReference[] {
  const checked = checkDraft(input);
  return checked.ok ? checked.formula.references.filter((ref) => ref.hops.length > 0) : [];
}

/**
 * What the field editor shows while the admin types: the same check the
 * server runs when the field is saved (types, paths, cycles, result type)
 * and the value on a sample record. Relationship path values come in
 * `related` (gathered by `gatherRelatedValues` through the caller's own
 * reads); a path not given previews as blank.
 */
export function previewFormula({
  module,
  key,
  expression,
  resultType,
  fieldsOf,
  sample,
  timeZone,
  now,
  related,
}: {
  module: string;
  key: string;
  expression: string;
  resultType: string;
  fieldsOf: FieldsOf;
  sample: PreviewSample | null;
  timeZone: string;
  now: number;
  /** Values of relationship paths on the sample, by path (`doctor.email`). */
  related?: ReadonlyMap<string, unknown>;
}): PreviewResult {
  const checked = checkDraft({ module, key, expression, resultType, fieldsOf });
  if (!checked.ok) return checked;
  const values = new Map<string, unknown>();
  for (const ref of checked.formula.references) {
    if (ref.hops.length > 0) {
      const path = ref.path.join('.');
      if (related?.has(path)) values.set(path, related.get(path));
      continue;
    }
    const name = ref.path[0] as string;
    const own = sample?.data[name];
    values.set(name, own !== undefined ? own : sample?.system[name]);
  }
  const result = evaluateFormula(checked.formula, { values, timeZone, now });
  return result.ok ? result : { ok: true, value: null };
}

/** Reads one record by id as the caller may see it; null when it is gone, in the trash or not visible. */
export type LoadPreviewRecord = (id: string) => Promise<PreviewSample | null>;

/**
 * The values of a formula's relationship paths on the sample record, read
 * the way the server reads them on a write (services/records/computed-fields.ts):
 * level by level, one read per distinct path prefix, so at most MAX_PATH_HOPS
 * rounds and at most MAX_PATH_PREFIXES records (the save check caps a
 * module's prefixes at the same number). `loadRecord` is the caller's own
 * read (the SPA's crmGetRecord), so field-level security applies: a field
 * hidden from the admin's role previews as blank, never as its value.
 */
export async function gatherRelatedValues({
  paths,
  sample,
  loadRecord,
}: {
  paths: readonly Pick<FormulaReference, 'path' | 'hops'>[];
  sample: PreviewSample | null;
  loadRecord: LoadPreviewRecord;
}): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  if (!sample) return values;
  const reached = new Map<string, PreviewSample | null>([['', sample]]);
  const depth = Math.min(MAX_PATH_HOPS, Math.max(0, ...paths.map((ref) => ref.hops.length)));
  let loads = 0;
  for (let level = 1; level <= depth; level += 1) {
    const wanted = new Map<string, string>();
    for (const ref of paths) {
      if (ref.hops.length < level) continue;
      const prefix = ref.path.slice(0, level).join('.');
      if (reached.has(prefix) || wanted.has(prefix)) continue;
      const id = reached.get(ref.path.slice(0, level - 1).join('.'))?.data[ref.path[level - 1] as string];
      if (typeof id === 'string' && id !== '' && loads < MAX_PATH_PREFIXES) {
        wanted.set(prefix, id);
        loads += 1;
      } else reached.set(prefix, null);
    }
    const entries = [...wanted];
    const records = await Promise.all(entries.map(([, id]) => loadRecord(id)));
    entries.forEach(([prefix], index) => reached.set(prefix, records[index] ?? null));
  }
  for (const ref of paths) {
    const owner = reached.get(ref.path.slice(0, -1).join('.'));
    if (!owner) continue;
    const key = ref.path[ref.path.length - 1] as string;
    const own = owner.data[key];
    values.set(ref.path.join('.'), own !== undefined ? own : owner.system[key]);
  }
  return values;
}
