import { z } from 'zod';
import { ConditionSchema, conditionLeaves, DATE_OPERATORS, type Condition } from '../template/condition-schema.js';

export const ROLLUP_AGGREGATES = ['count', 'sum', 'min', 'max', 'avg'] as const;
export type RollupAggregate = (typeof ROLLUP_AGGREGATES)[number];

/**
 * Operators a roll-up filter may not use. A child's contribution must be a
 * pure function of the child's own stored version, or incremental upkeep
 * could not be exact: "changed" operators need the previous version (events
 * arrive unordered), relative dates (`is_today`) move with the clock without
 * any write.
 */
const NON_DETERMINISTIC_OPERATORS: readonly string[] = ['changed', 'changed_to', 'changed_from', ...DATE_OPERATORS];

/** Options of a `rollup` field: an aggregate over the records that point at this one. */
export const RollupOptionsSchema = z
  .strictObject({
    /** The child module and its relationship field that points at this field's module. */
    relationship: z.strictObject({
      module: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, { error: 'must be a module slug' }),
      field: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be a field key' }),
    }),
    aggregate: z.enum(ROLLUP_AGGREGATES, { error: `must be one of: ${ROLLUP_AGGREGATES.join(', ')}` }),
    /** The child field aggregated; not used by count. */
    field: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be a field key' }).optional(),
    /** Only children matching this condition (the workflow condition language, own fields only) count. */
    filter: ConditionSchema.optional(),
    /**
     * The type of the stored value, so it is indexed, filtered and shown as
     * such: number (default), currency (sum/avg/min/max of a currency), date
     * or datetime (min/max of one). Checked against the child field.
     */
    result: z.enum(['number', 'currency', 'date', 'datetime']).optional(),
  })
  .superRefine((options, ctx) => {
    if (options.aggregate === 'count' && options.field !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: 'count takes no field' });
    }
    if (options.aggregate !== 'count' && options.field === undefined) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: `${options.aggregate} needs the child field to aggregate` });
    }
    if (options.aggregate === 'count' && options.result !== undefined && options.result !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['result'], message: 'a count is a number' });
    }
    if ((options.aggregate === 'sum' || options.aggregate === 'avg') && (options.result === 'date' || options.result === 'datetime')) {
      ctx.addIssue({ code: 'custom', path: ['result'], message: `a ${options.aggregate} is a number or a currency amount` });
    }
    if (options.filter) {
      for (const { leaf, path } of conditionLeaves(options.filter, ['filter'])) {
        if (leaf.field.includes('.')) {
          ctx.addIssue({ code: 'custom', path: [...path, 'field'], message: 'a roll-up filter can only use the child record’s own fields' });
        }
        if (NON_DETERMINISTIC_OPERATORS.includes(leaf.operator)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'operator'],
            message: `${leaf.operator} cannot filter a roll-up: the value would change without any record being written`,
          });
        }
      }
    }
  });
export type RollupOptions = z.infer<typeof RollupOptionsSchema>;

/** One roll-up field, located: `parentModule.key` aggregates `options.relationship.module` records. */
export interface RollupDefinition {
  readonly parentModule: string;
  readonly key: string;
  readonly options: RollupOptions;
}

/** Stable id of a roll-up field; contribution documents are keyed by it. */
export function rollupId(definition: Pick<RollupDefinition, 'parentModule' | 'key'>): string {
  return `${definition.parentModule}.${definition.key}`;
}

/** Types a roll-up can aggregate, per aggregate. */
export const ROLLUP_SOURCE_TYPES: Readonly<Record<RollupAggregate, readonly string[]>> = {
  count: [],
  sum: ['number', 'currency'],
  avg: ['number', 'currency'],
  min: ['number', 'currency', 'date', 'datetime'],
  max: ['number', 'currency', 'date', 'datetime'],
};

export type { Condition };
