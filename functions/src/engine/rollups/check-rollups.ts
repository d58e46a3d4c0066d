import type { FieldDefinition } from '../fields/field-definition.js';
import { checkFieldValue } from '../fields/check-field-value.js';
import type { MessageParams } from '../fields/field-value-messages.js';
import { storedValueModule, storedValueType } from '../fields/types/registry.js';
import { conditionLeaves, LIST_OPERATORS, ORDERING_OPERATORS, type ConditionLeaf } from '../template/condition-schema.js';
import { RollupOptionsSchema, ROLLUP_SOURCE_TYPES } from './rollup-definition.js';

/**
 * The real limit on roll-ups, instead of a fixed 25 per object: all roll-ups
 * over one child module are kept in one transaction per child write (one
 * contribution document each, plus the parents), and Firestore takes at most
 * 500 writes per transaction. 100 leaves room for the parents and keeps a
 * child write's upkeep under ~100 ms. A parent's roll-up values are ordinary
 * facets, counted by the record budget (record-budget.ts) like any field.
 */
export const MAX_ROLLUPS_PER_CHILD_MODULE = 100;

/** `messageKey` / `params` say the same as `message` for the SPA to translate (a filter value's own value check). */
type Issue = { path: PropertyKey[]; message: string; messageKey?: string; params?: MessageParams };
type Problem = Pick<Issue, 'message' | 'messageKey' | 'params'>;
type Entry = { readonly index: number; readonly def: FieldDefinition | undefined };

/** Cross-module checks of roll-up fields: the relationship points here, the aggregated field fits, filters name child fields. */
export function rollupTemplateIssues(fieldsByModule: ReadonlyMap<string, ReadonlyMap<string, Entry>>): Issue[] {
  const issues: Issue[] = [];
  const perChild = new Map<string, number>();
  for (const [slug, fields] of fieldsByModule) {
    for (const { index, def } of fields.values()) {
      if (!def || (def.type as string) !== 'rollup') continue;
      const parsed = RollupOptionsSchema.safeParse(def.options);
      if (!parsed.success) continue;
      const options = parsed.data;
      const path = ['field_schemas', slug, index, 'options'];
      const child = fieldsByModule.get(options.relationship.module);
      if (!child) {
        issues.push({ path: [...path, 'relationship', 'module'], message: `module "${options.relationship.module}" has no fields` });
        continue;
      }
      perChild.set(options.relationship.module, (perChild.get(options.relationship.module) ?? 0) + 1);
      const relation = child.get(options.relationship.field)?.def;
      const target = relation?.type === 'relationship' ? (relation.options as { related_module?: string } | undefined)?.related_module : undefined;
      if (target !== slug) {
        issues.push({
          path: [...path, 'relationship', 'field'],
          message: `"${options.relationship.field}" must be a relationship field of "${options.relationship.module}" that points at "${slug}"`,
        });
      }
      if (options.field !== undefined) {
        const source = child.get(options.field)?.def;
        const allowed = ROLLUP_SOURCE_TYPES[options.aggregate];
        if (!source) issues.push({ path: [...path, 'field'], message: `"${options.field}" is not a field of "${options.relationship.module}"` });
        else if ((source.type as string) === 'rollup') issues.push({ path: [...path, 'field'], message: 'a roll-up cannot aggregate another roll-up' });
        else if (!allowed.includes(source.type)) {
          issues.push({ path: [...path, 'field'], message: `${options.aggregate} needs a ${allowed.join(', ')} field; "${options.field}" is ${source.type}` });
        } else {
          const isDate = source.type === 'date' || source.type === 'datetime';
          const result = options.result ?? 'number';
          if (isDate && result !== source.type) issues.push({ path: [...path, 'result'], message: `the ${options.aggregate} of a ${source.type} field is a ${source.type}: set result to "${source.type}"` });
          if (!isDate && (result === 'date' || result === 'datetime')) issues.push({ path: [...path, 'result'], message: `the ${options.aggregate} of a ${source.type} field is not a date` });
        }
      }
      for (const { leaf, path: leafPath } of options.filter ? conditionLeaves(options.filter, ['filter']) : []) {
        const filtered = child.get(leaf.field.split('.')[0] ?? '')?.def;
        if (!filtered) {
          issues.push({ path: [...path, 'filter'], message: `the filter names "${leaf.field}", which is not a field of "${options.relationship.module}"` });
          continue;
        }
        const problem = filterValueProblem(filtered, leaf);
        if (problem) issues.push({ path: [...path, ...leafPath, 'value'], ...problem });
      }
    }
  }
  for (const [module, count] of perChild) {
    if (count > MAX_ROLLUPS_PER_CHILD_MODULE) {
      issues.push({ path: ['field_schemas', module], message: `${count} roll-ups aggregate "${module}"; at most ${MAX_ROLLUPS_PER_CHILD_MODULE} can be kept in one transaction per write` });
    }
  }
  return issues;
}

/** Operators whose value is compared with the field's stored value as such (equality, order, lists of values). */
const VALUE_COMPARING: readonly string[] = ['equals', 'not_equals', ...ORDERING_OPERATORS, ...LIST_OPERATORS];

/**
 * A filter value that can never equal or order against the child field's
 * values ("abc" against a number, a choice the select does not have) would
 * make the roll-up silently count nothing: refused when the field is saved.
 * Checked with the field's own value check, without its required/min/max
 * rules (a filter may well compare against 0). Multi-selects and texts are
 * left to the condition language (contains, any string).
 */
function filterValueProblem(field: FieldDefinition, leaf: ConditionLeaf): Problem | undefined {
  if (!VALUE_COMPARING.includes(leaf.operator)) return undefined;
  const stored = storedValueModule(field);
  if (!['number', 'date', 'datetime', 'boolean', 'choice', 'reference'].includes(stored.traits.valueKind)) return undefined;
  const typed = { key: field.key, label: field.label, type: storedValueType(field), required: false, ...(field.options !== undefined && stored.type === field.type ? { options: field.options } : {}) };
  const values = LIST_OPERATORS.includes(leaf.operator) ? (Array.isArray(leaf.value) ? leaf.value : []) : [leaf.value];
  for (const value of values) {
    const checked = checkFieldValue(typed, value);
    if (!checked.ok || value === null || value === '') {
      const message = `the filter compares "${field.key}" with ${JSON.stringify(value)}: ${checked.ok ? 'a value is needed' : checked.message}`;
      return checked.ok ? { message, messageKey: 'validation.required', params: { field: field.key } } : { message, messageKey: checked.messageKey, params: checked.params };
    }
  }
  return undefined;
}
