import type { FieldsOf } from '../paths/resolve-field-path.js';
import { checkFormulaField } from './check-formula-field.js';
import type { FormulaProblem } from './check-formula.js';
import { evaluateFormula } from './evaluate-formula.js';

/** A sample record as the SPA has it: its data and the system values a formula may read. */
export interface PreviewSample {
  readonly data: Readonly<Record<string, unknown>>;
  readonly system: Readonly<Record<string, unknown>>;
}

export type PreviewResult = { ok: true; value: string | number | boolean | null } | { ok: false; problem: FormulaProblem };

/**
 * What the field editor shows while the admin types: the same check the
 * server runs when the field is saved (types, paths, cycles, result type)
 * and the value on a sample record. Relationship paths preview as blank:
 * the SPA has the sample's own values only (the server computes them on save).
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
}: {
  module: string;
  key: string;
  expression: string;
  resultType: string;
  fieldsOf: FieldsOf;
  sample: PreviewSample | null;
  timeZone: string;
  now: number;
}): PreviewResult {
  const draft = { key: key || '__draft__', type: 'formula', options: { expression, result_type: resultType } };
  const withDraft: FieldsOf = (slug) => {
    const fields = fieldsOf(slug);
    if (slug !== module || fields === undefined) return fields;
    return [...fields.filter((field) => field.key !== draft.key), draft];
  };
  const checked = checkFormulaField({ module, key: draft.key, options: draft.options, fieldsOf: withDraft });
  if (!checked.ok) return checked;
  const values = new Map<string, unknown>();
  for (const ref of checked.formula.references) {
    if (ref.hops.length > 0) continue;
    const name = ref.path[0] as string;
    const own = sample?.data[name];
    values.set(name, own !== undefined ? own : sample?.system[name]);
  }
  const result = evaluateFormula(checked.formula, { values, timeZone, now });
  return result.ok ? result : { ok: true, value: null };
}
