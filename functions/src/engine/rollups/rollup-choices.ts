import type { ConditionOperator } from '../template/condition-schema.js';
import type { FilterOperator } from '../fields/types/field-type-module.js';
import { isFieldType, storedValueModule } from '../fields/types/registry.js';
import type { PathField } from '../paths/resolve-field-path.js';
import { ROLLUP_SOURCE_TYPES, type RollupAggregate, type RollupOptions } from './rollup-definition.js';

/**
 * What a roll-up editor may offer: only choices the server accepts
 * (check-rollups.ts), so an admin picks instead of guessing. Pure; the SPA's
 * pickers and the server's checks read the same rules.
 */

export interface RollupModuleShape {
  readonly slug: string;
  readonly fields: readonly PathField[];
}

/** A child module's relationship field that points at the parent module. */
export interface RollupRelationChoice {
  readonly module: string;
  readonly field: string;
}

function relatedModuleOf(field: PathField): string | undefined {
  if (field.type !== 'relationship' || field.options === null || typeof field.options !== 'object') return undefined;
  const target = (field.options as { related_module?: unknown }).related_module;
  return typeof target === 'string' ? target : undefined;
}

const isActive = (field: PathField) => field.active !== false;

/** Every active relationship, in any module (the parent's own included: a record's sub-records), that points at `parent`. */
export function rollupRelationsTo(parent: string, modules: readonly RollupModuleShape[]): RollupRelationChoice[] {
  return modules.flatMap((module) =>
    module.fields.filter((field) => isActive(field) && relatedModuleOf(field) === parent).map((field) => ({ module: module.slug, field: field.key })),
  );
}

/** The child fields an aggregate can read (count reads none). */
export function rollupSourceFields<F extends PathField>(aggregate: RollupAggregate, childFields: readonly F[]): F[] {
  const allowed = ROLLUP_SOURCE_TYPES[aggregate];
  return childFields.filter((field) => isActive(field) && allowed.includes(field.type));
}

/** What the roll-up stores, from the aggregate and the child field's type (the server insists on exactly this). */
export function rollupResultFor(aggregate: RollupAggregate, sourceType: string | undefined): NonNullable<RollupOptions['result']> {
  if (aggregate === 'count' || sourceType === undefined) return 'number';
  if (sourceType === 'currency') return 'currency';
  if ((aggregate === 'min' || aggregate === 'max') && (sourceType === 'date' || sourceType === 'datetime')) return sourceType;
  return 'number';
}

/** The list filter's operators, said in the condition language a roll-up filter is stored in. */
export const LIST_TO_CONDITION_OPERATOR: Readonly<Record<FilterOperator, ConditionOperator>> = {
  contains: 'contains',
  eq: 'equals',
  gte: 'greater_or_equal',
  lte: 'less_or_equal',
  gt: 'greater_than',
  lt: 'less_than',
};

export function listOperatorOf(operator: string): FilterOperator | undefined {
  return (Object.keys(LIST_TO_CONDITION_OPERATOR) as FilterOperator[]).find((candidate) => LIST_TO_CONDITION_OPERATOR[candidate] === operator);
}

/**
 * Child fields a roll-up filter can test, with the list filter's operators
 * for each. A roll-up on the child is left out: it changes when the
 * grandchildren do, and the filter must be a function of the child's own write.
 */
export function rollupFilterFields<F extends PathField>(childFields: readonly F[]): Array<{ field: F; operators: readonly FilterOperator[] }> {
  return childFields
    .filter((field) => isActive(field) && isFieldType(field.type) && field.type !== 'rollup')
    .map((field) => ({ field, operators: storedValueModule(field).filterOperators }))
    .filter((choice) => choice.operators.length > 0);
}
