import type { FieldDefinition } from '../fields/field-definition.js';
import type { PathField } from '../paths/resolve-field-path.js';
import { checkFormula, type FormulaReference } from './check-formula.js';
import { checkFormulaField } from './check-formula-field.js';
import type { ValidationRule } from './validation-rule-schema.js';

/**
 * Distinct relationship-path prefixes a module's formulas and rules may read
 * together: each is one document read per record write (computed-fields.ts).
 */
export const MAX_PATH_PREFIXES = 20;

export interface FormulaIssue {
  readonly path: PropertyKey[];
  readonly message: string;
}

function at(position: number, message: string): string {
  return `at character ${position + 1}: ${message}`;
}

function prefixesOf(references: readonly FormulaReference[]): Set<string> {
  const prefixes = new Set<string>();
  for (const ref of references) for (let length = 1; length <= ref.hops.length; length += 1) prefixes.add(ref.path.slice(0, length).join('.'));
  return prefixes;
}

/**
 * The formula checks of a template or tenant configuration: every formula
 * field and validation rule type-checks against the fields it reads (paths
 * included), formulas form no cycle, rules are conditions naming a real
 * field, and each module stays within the path-read budget. Positions are
 * 1-based character offsets in the expression, as the editor shows them.
 */
export function collectFormulaIssues({
  modules,
}: {
  modules: ReadonlyArray<{
    slug: string;
    /** Where the module's rules live in the input (e.g. ['enabled_modules', 2]). */
    modulePath: PropertyKey[];
    rules: readonly ValidationRule[];
    /** Parsed fields with their path in the input. */
    fields: ReadonlyArray<{ def: FieldDefinition; path: PropertyKey[] }>;
  }>;
}): FormulaIssue[] {
  const issues: FormulaIssue[] = [];
  const bySlug = new Map(modules.map((module) => [module.slug, module]));
  const fieldsOf = (slug: string): readonly PathField[] | undefined => bySlug.get(slug)?.fields.map((entry) => entry.def);
  for (const module of modules) {
    const references: FormulaReference[] = [];
    for (const { def, path } of module.fields) {
      if (def.type !== 'formula' || !def.active) continue;
      const result = checkFormulaField({ module: module.slug, key: def.key, options: def.options, fieldsOf });
      if (!result.ok) issues.push({ path: [...path, 'options', 'expression'], message: at(result.problem.position, result.problem.message) });
      else references.push(...result.formula.references);
    }
    const keys = new Set(module.fields.map((entry) => entry.def.key));
    module.rules.forEach((rule, index) => {
      const path = [...module.modulePath, 'validation_rules', index];
      if (rule.field !== undefined && !keys.has(rule.field)) issues.push({ path: [...path, 'field'], message: `"${rule.field}" is not a field of ${module.slug}` });
      if (!rule.active) return;
      const result = checkFormula({ expression: rule.expression, module: module.slug, fieldsOf });
      if (!result.ok) {
        issues.push({ path: [...path, 'expression'], message: at(result.problem.position, result.problem.message) });
        return;
      }
      if (result.formula.type !== 'boolean' && result.formula.type !== 'blank') {
        issues.push({ path: [...path, 'expression'], message: at(0, `a rule must be a condition (true or false), not a ${result.formula.type}`) });
        return;
      }
      references.push(...result.formula.references);
    });
    const prefixes = prefixesOf(references);
    if (prefixes.size > MAX_PATH_PREFIXES) {
      issues.push({
        path: [...module.modulePath, 'slug'],
        message: `the formulas and rules of ${module.slug} follow ${prefixes.size} different relationship paths; at most ${MAX_PATH_PREFIXES} (each is a read on every save)`,
      });
    }
  }
  return issues;
}
