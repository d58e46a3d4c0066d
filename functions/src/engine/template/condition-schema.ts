import { z } from 'zod';

export const CONDITION_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'in',
  'not_in',
  'greater_than',
  'less_than',
  'greater_or_equal',
  'less_or_equal',
  'is_empty',
  'is_not_empty',
  'changed',
  'changed_to',
  'changed_from',
  'is_today',
  'is_tomorrow',
  'is_yesterday',
  'within_next_days',
  'within_last_days',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Operators that compare against nothing but the record itself. */
export const VALUELESS_OPERATORS: readonly ConditionOperator[] = [
  'is_empty',
  'is_not_empty',
  'changed',
  'is_today',
  'is_tomorrow',
  'is_yesterday',
];
export const LIST_OPERATORS: readonly ConditionOperator[] = ['in', 'not_in'];
/** Operators that compare the record with its previous version: only triggers that fire on an update have one. */
export const CHANGE_OPERATORS: readonly ConditionOperator[] = ['changed', 'changed_to', 'changed_from'];
export const DAY_COUNT_OPERATORS: readonly ConditionOperator[] = ['within_next_days', 'within_last_days'];
/** Operators that only make sense on a date or datetime. */
export const DATE_OPERATORS: readonly ConditionOperator[] = [
  'is_today',
  'is_tomorrow',
  'is_yesterday',
  'within_next_days',
  'within_last_days',
];
export const ORDERING_OPERATORS: readonly ConditionOperator[] = [
  'greater_than',
  'less_than',
  'greater_or_equal',
  'less_or_equal',
];

/**
 * A field key, or a relationship path ("patient.email", "patient.primary_doctor.specialty").
 * The shape allows a few segments more than MAX_PATH_HOPS so that a path one hop too deep
 * reaches the template checker, which names it and the limit (engine/paths/resolve-field-path.ts).
 */
export const CONDITION_FIELD_PATTERN = /^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62}){0,7}$/;

export type ConditionLeaf = { field: string; operator: ConditionOperator; value?: unknown };
export type Condition = ConditionLeaf | { all: Condition[] } | { any: Condition[] };

export const ConditionLeafSchema = z
  .strictObject({
    field: z.string().regex(CONDITION_FIELD_PATTERN, {
      error: 'must be a field key, or a relationship path like "patient.email" or "patient.primary_doctor.email"',
    }),
    operator: z.enum(CONDITION_OPERATORS, {
      error: (iss) =>
        iss.input === undefined
          ? 'is required'
          : `unknown operator ${JSON.stringify(iss.input)}; expected one of: ${CONDITION_OPERATORS.join(', ')}`,
    }),
    value: z.unknown().optional(),
  })
  .superRefine((leaf, ctx) => {
    const { operator, value } = leaf;
    if (VALUELESS_OPERATORS.includes(operator)) {
      if (value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${operator} takes no value` });
    } else if (LIST_OPERATORS.includes(operator)) {
      if (!Array.isArray(value) || value.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `${operator} needs a non-empty list of values` });
      }
    } else if (DAY_COUNT_OPERATORS.includes(operator)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 366) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `${operator} needs a whole number of days (1–366)` });
      }
    } else if (value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${operator} needs a value` });
    }
  });

/** Deeper trees are unreadable for people and a stack risk for the recursive parser. */
export const MAX_CONDITION_DEPTH = 6;
/**
 * Conditions and groups in one tree. A tree is evaluated on every change of
 * every record of its module, so its size is CPU a tenant controls; real
 * rules use a handful.
 */
export const MAX_CONDITION_NODES = 100;

export const ConditionSchema: z.ZodType<Condition> = z.preprocess(
  (value, ctx) => {
    const { depth, nodes } = measureTree(value);
    // Reporting here stops zod before it recurses into the tree.
    if (depth > MAX_CONDITION_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `conditions may nest at most ${MAX_CONDITION_DEPTH} levels deep` });
    } else if (nodes > MAX_CONDITION_NODES) {
      ctx.addIssue({ code: 'custom', message: `a condition tree may hold at most ${MAX_CONDITION_NODES} conditions and groups` });
    }
    return value;
  },
  z.lazy(() =>
    z.union([
      ConditionLeafSchema,
      z.strictObject({ all: z.array(ConditionSchema).min(1, { error: 'must list at least one condition' }) }),
      z.strictObject({ any: z.array(ConditionSchema).min(1, { error: 'must list at least one condition' }) }),
    ]),
  ),
);

/** Group nesting depth and node count of untrusted input, measured without recursion; stops past either limit. */
function measureTree(value: unknown): { depth: number; nodes: number } {
  let deepest = 0;
  let nodes = 0;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    deepest = Math.max(deepest, depth);
    nodes++;
    if (deepest > MAX_CONDITION_DEPTH || nodes > MAX_CONDITION_NODES) break;
    if (typeof node !== 'object' || node === null) continue;
    for (const group of ['all', 'any']) {
      const children: unknown = Object.prototype.hasOwnProperty.call(node, group) ? (node as Record<string, unknown>)[group] : undefined;
      if (Array.isArray(children)) for (const child of children) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return { depth: deepest, nodes };
}

export function isConditionLeaf(condition: Condition): condition is ConditionLeaf {
  return 'field' in condition;
}

/** Every leaf of a condition tree with its path below the tree's root. */
export function conditionLeaves(condition: Condition, path: PropertyKey[] = []): Array<{ leaf: ConditionLeaf; path: PropertyKey[] }> {
  if (isConditionLeaf(condition)) return [{ leaf: condition, path }];
  const [group, children] = 'all' in condition ? (['all', condition.all] as const) : (['any', condition.any] as const);
  return children.flatMap((child, index) => conditionLeaves(child, [...path, group, index]));
}
