import { LIST_TO_CONDITION_OPERATOR, listOperatorOf, rollupResultFor } from '../../rollups/rollup-choices.js';
import { ROLLUP_AGGREGATES, type RollupAggregate } from '../../rollups/rollup-definition.js';
import type { FilterOperator } from './field-type-module.js';
import { storedValueModule } from './registry.js';
import { optionsRecord, stringOr, type FieldTypeOptionsForm, type OptionInputName } from './option-inputs.js';

// This file and rollup-choices.ts import the registry, which imports rollup.ts, which imports
// this file: an ES module cycle. It is safe because nothing here touches a registry binding while
// the modules evaluate, only when the editor calls toOptions (field-value-core.ts explains the trap).

function aggregateOf(text: string): RollupAggregate | undefined {
  return (ROLLUP_AGGREGATES as readonly string[]).includes(text) ? (text as RollupAggregate) : undefined;
}

/**
 * The roll-up pickers' inputs ⇄ roll-up options. The stored result type is
 * not asked: it follows from the aggregate and the child field (a sum of a
 * currency is a currency, the max of a date a date). The filter is one
 * condition with a list filter operator; its typed value is parsed the way
 * the list filter parses it for that field's type.
 */
export const ROLLUP_OPTIONS_FORM: FieldTypeOptionsForm = {
  editor: 'rollup',
  // Changing what is aggregated would need every parent recomputed; add a new roll-up instead.
  editable: false,
  toOptions(inputs, ctx) {
    const [module = '', field = ''] = inputs.rollupRelation.split('.');
    const aggregate = aggregateOf(inputs.rollupAggregate);
    const childFields = ctx.fieldsOf(module) ?? [];
    const source = aggregate === 'count' || inputs.rollupField === '' ? undefined : inputs.rollupField;
    const sourceType = childFields.find((candidate) => candidate.key === source)?.type;
    const result = aggregate ? rollupResultFor(aggregate, sourceType) : 'number';
    let filter: Record<string, unknown> | undefined;
    if (inputs.rollupFilterField !== '') {
      const filterField = childFields.find((candidate) => candidate.key === inputs.rollupFilterField);
      const listOperator = inputs.rollupFilterOperator as FilterOperator;
      const operator = LIST_TO_CONDITION_OPERATOR[listOperator] ?? inputs.rollupFilterOperator;
      const parsed = filterField ? storedValueModule(filterField).parseFilterInput(inputs.rollupFilterValue, ctx) : inputs.rollupFilterValue.trim();
      // An unparseable or empty value goes as typed (or absent), so the server names the problem at the value.
      const value = parsed ?? (inputs.rollupFilterValue.trim() === '' ? undefined : inputs.rollupFilterValue);
      filter = { field: inputs.rollupFilterField, operator, ...(value !== undefined ? { value } : {}) };
    }
    return {
      relationship: { module, field },
      aggregate: aggregate ?? inputs.rollupAggregate,
      ...(source !== undefined ? { field: source } : {}),
      ...(filter ? { filter } : {}),
      ...(result !== 'number' ? { result } : {}),
    };
  },
  toInputs(options) {
    const record = optionsRecord(options);
    const relationship = optionsRecord(record.relationship);
    const relation = typeof relationship.module === 'string' && typeof relationship.field === 'string' ? `${relationship.module}.${relationship.field}` : '';
    // The editor shows one condition; a saved single-condition group reads the same.
    let leaf = optionsRecord(record.filter);
    const group = Array.isArray(leaf.all) ? leaf.all : undefined;
    if (group && group.length === 1) leaf = optionsRecord(group[0]);
    const filterOperator = typeof leaf.operator === 'string' ? (listOperatorOf(leaf.operator) ?? leaf.operator) : 'eq';
    return {
      rollupRelation: relation,
      rollupAggregate: stringOr(record.aggregate, 'count'),
      rollupField: stringOr(record.field, ''),
      rollupFilterField: stringOr(leaf.field, ''),
      rollupFilterOperator: filterOperator,
      rollupFilterValue: leaf.value === undefined || leaf.value === null ? '' : String(leaf.value),
    };
  },
  inputForIssue(rest): OptionInputName {
    const head = rest.replace(/^\./, '').split(/[.[]/)[0] ?? '';
    if (head === 'aggregate') return 'rollupAggregate';
    // The result follows the child field: a wrong result means the field does not fit.
    if (head === 'field' || head === 'result') return 'rollupField';
    if (head === 'filter') return rest.endsWith('.operator') ? 'rollupFilterOperator' : rest.endsWith('.value') ? 'rollupFilterValue' : 'rollupFilterField';
    return 'rollupRelation';
  },
};
