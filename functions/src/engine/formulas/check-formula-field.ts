import type { FieldsOf } from '../paths/resolve-field-path.js';
import { checkFormula, type CheckFormulaResult } from './check-formula.js';
import { expressionTypeFor, type FormulaResultType } from './formula-types.js';

interface FormulaOptionsLike {
  readonly expression: string;
  readonly result_type: FormulaResultType;
}

function formulaOptions(options: unknown): FormulaOptionsLike | undefined {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return undefined;
  const { expression, result_type: resultType } = options as { expression?: unknown; result_type?: unknown };
  return typeof expression === 'string' && typeof resultType === 'string' ? { expression, result_type: resultType as FormulaResultType } : undefined;
}

/**
 * Everything saving a formula field must check: the expression type-checks
 * against the module's fields (paths included), its type fits the result
 * type, and no chain of formulas leads back to this field (a cycle would
 * make every write recompute forever). `fieldsOf` must already include the
 * field being saved. Problems carry the offset in this field's expression.
 */
export function checkFormulaField({
  module,
  key,
  options,
  fieldsOf,
}: {
  module: string;
  key: string;
  options: unknown;
  fieldsOf: FieldsOf;
}): CheckFormulaResult {
  const parsed = formulaOptions(options);
  if (!parsed) return { ok: false, problem: { message: 'a formula needs an expression and a result type', position: 0, code: 'syntax' } };
  const checked = checkFormula({ expression: parsed.expression, module, fieldsOf });
  if (!checked.ok) return checked;
  const want = expressionTypeFor(parsed.result_type);
  const got = checked.formula.type;
  if (got !== 'blank' && got !== want) {
    const hint = want === 'text' ? '; wrap it in TEXT(...)' : '';
    return {
      ok: false,
      problem: { message: `the formula gives a ${got} but the field stores ${parsed.result_type}${hint}`, position: 0, code: 'resultType' },
    };
  }
  // Depth-first over the formulas this one reads (in any module, through paths), looking for this field.
  const start = `${module}.${key}`;
  const visited = new Set<string>();
  for (const ref of checked.formula.references) {
    const stack = [`${ref.module}.${ref.field}`];
    while (stack.length > 0) {
      const node = stack.pop() as string;
      if (node === start) {
        return {
          ok: false,
          problem: { message: `"${ref.path.join('.')}" depends on this field again: formulas cannot form a cycle`, position: ref.at, code: 'cycle' },
        };
      }
      if (visited.has(node)) continue;
      visited.add(node);
      const [nodeModule = '', nodeKey = ''] = node.split('.');
      const field = fieldsOf(nodeModule)?.find((candidate) => candidate.key === nodeKey);
      const nested = field?.type === 'formula' ? formulaOptions(field.options) : undefined;
      if (!nested) continue;
      const inner = checkFormula({ expression: nested.expression, module: nodeModule, fieldsOf });
      // A broken formula elsewhere is reported on that field; it adds no edges here.
      if (inner.ok) for (const next of inner.formula.references) stack.push(`${next.module}.${next.field}`);
    }
  }
  return checked;
}
