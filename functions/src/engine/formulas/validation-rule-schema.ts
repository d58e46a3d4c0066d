import { z } from 'zod';
import { LocalizedTextSchema } from '../template/localized-text.js';
import { FORMULA_LIMITS } from './formula-ast.js';

/**
 * A module's validation rule: a condition every saved record must meet
 * (`close_date >= created_at`), the message shown when it does not, and the
 * field the form shows the message at. A rule holds unless its condition is
 * exactly false: a blank operand (no close date yet) does not block a save;
 * write `AND(NOT(ISBLANK(x)), ...)` to require the value as well.
 */
export const ValidationRuleSchema = z.strictObject({
  /** Stable id, so a rule can be edited and its errors traced. */
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be lower snake_case (a letter, then letters, digits or "_")' }),
  expression: z.string().trim().min(1, { error: 'is required' }).max(FORMULA_LIMITS.maxLength),
  message: LocalizedTextSchema,
  /** The field the message is shown at; absent: at the top of the form. */
  field: z.string().min(1).optional(),
  active: z.boolean().default(true),
});
export type ValidationRule = z.output<typeof ValidationRuleSchema>;
export type ValidationRuleInput = z.input<typeof ValidationRuleSchema>;

/** Rules per module: every write evaluates all of them, so they are capped like any per-write cost a tenant controls. */
export const MAX_VALIDATION_RULES = 50;

export const ValidationRulesListSchema = z
  .array(ValidationRuleSchema)
  .max(MAX_VALIDATION_RULES, { error: `a module may have at most ${MAX_VALIDATION_RULES} validation rules` })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.key)) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `duplicate rule key "${rule.key}"` });
      seen.add(rule.key);
    });
  });
