import { z } from 'zod';

/**
 * Duplicate rules of one module. A record is a likely duplicate of another
 * when every condition of at least one active rule holds between them.
 * Values are compared normalised (normalize-for-match.ts): emails
 * lower-cased, phones as digits, text without case, accents or punctuation;
 * `fuzzy` accepts a similarity (1 − edit distance / length) at or above the
 * threshold.
 */
export const DUPLICATE_MATCH_KINDS = ['exact', 'fuzzy'] as const;
export type DuplicateMatchKind = (typeof DUPLICATE_MATCH_KINDS)[number];

/** Field types a rule can compare, and how. */
export const DUPLICATE_FIELD_TYPES: Readonly<Record<string, readonly DuplicateMatchKind[]>> = {
  text: ['exact', 'fuzzy'],
  email: ['exact', 'fuzzy'],
  phone: ['exact'],
  url: ['exact'],
  number: ['exact'],
  date: ['exact'],
  select: ['exact'],
  relationship: ['exact'],
};

/** Each check's reads grow with rules × conditions; these bound them (see find-duplicates.ts). */
export const MAX_DUPLICATE_RULES = 5;
export const MAX_RULE_CONDITIONS = 3;
export const DEFAULT_FUZZY_THRESHOLD = 0.85;

export const DuplicateConditionSchema = z.strictObject({
  field: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be a field key' }),
  match: z.enum(DUPLICATE_MATCH_KINDS, { error: 'must be exact or fuzzy' }),
  /** Fuzzy only: the least similarity that counts as the same value, 0.5–1. */
  threshold: z.number().min(0.5).max(1).optional(),
});
export type DuplicateCondition = z.infer<typeof DuplicateConditionSchema>;

export const DuplicateRuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { error: 'must be lower-case letters, digits, "-" or "_"' }),
  name: z.string().trim().min(1).max(100),
  active: z.boolean().default(true),
  conditions: z
    .array(DuplicateConditionSchema)
    .min(1, { error: 'a rule needs at least one condition' })
    .max(MAX_RULE_CONDITIONS, { error: `a rule has at most ${MAX_RULE_CONDITIONS} conditions` }),
});
export type DuplicateRule = z.infer<typeof DuplicateRuleSchema>;

export const DuplicateRulesSchema = z
  .array(DuplicateRuleSchema)
  .max(MAX_DUPLICATE_RULES, { error: `a module has at most ${MAX_DUPLICATE_RULES} duplicate rules` })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
    });
  });

export interface RuleFieldIssue {
  readonly path: PropertyKey[];
  readonly message: string;
}

/** Checks rules against the module's fields: each named field exists, is active and can be compared that way. */
export function checkDuplicateRules(
  rules: readonly DuplicateRule[],
  fields: ReadonlyArray<{ key: string; type: string; active?: boolean; searchable?: boolean }>,
): RuleFieldIssue[] {
  const issues: RuleFieldIssue[] = [];
  rules.forEach((rule, ruleIndex) => {
    rule.conditions.forEach((condition, index) => {
      const path = [ruleIndex, 'conditions', index];
      const field = fields.find((candidate) => candidate.key === condition.field);
      if (!field || field.active === false) {
        issues.push({ path: [...path, 'field'], message: `there is no active field "${condition.field}"` });
        return;
      }
      const kinds = DUPLICATE_FIELD_TYPES[field.type] ?? [];
      if (!kinds.includes(condition.match)) {
        issues.push({
          path: [...path, 'match'],
          message: kinds.length === 0 ? `${field.type} fields cannot be compared for duplicates` : `${field.type} fields can only be compared ${kinds.join(' or ')}`,
        });
      }
      // Candidates for text are found through the search index, so the field must be in it.
      if ((field.type === 'text' || field.type === 'phone') && field.searchable === false) {
        issues.push({ path: [...path, 'field'], message: `"${condition.field}" must be searchable to be used in a duplicate rule` });
      }
      if (condition.match === 'exact' && condition.threshold !== undefined) {
        issues.push({ path: [...path, 'threshold'], message: 'only fuzzy conditions take a threshold' });
      }
    });
  });
  return issues;
}

/** The most records one merge takes. Salesforce merges 3; a person comparing values side by side rarely wants more. */
export const MAX_MERGE_RECORDS = 10;
