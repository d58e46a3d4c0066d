import { z } from 'zod';
import { IconNameSchema } from './icon-names.js';
import { LocalizedTextSchema } from './localized-text.js';
import { ValidationRulesListSchema } from '../formulas/validation-rule-schema.js';
import type { FieldDefinition } from '../fields/field-definition.js';

export const MODULE_SLUG_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;
export const RECORD_PREFIX_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;

export const ModuleSlugSchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
  .regex(MODULE_SLUG_PATTERN, {
    error: 'must be lower snake_case: a letter, then letters, digits or "_" (at most 50 characters)',
  });

export const ModuleDefinitionSchema = z.strictObject({
  slug: ModuleSlugSchema,
  label: LocalizedTextSchema,
  label_plural: LocalizedTextSchema.optional(),
  description: LocalizedTextSchema.optional(),
  icon: IconNameSchema.optional(),
  order: z.number().finite().optional(),
  default_statuses: z
    .array(z.string().trim().min(1).max(100))
    .min(1)
    .superRefine((statuses, ctx) => {
      statuses.forEach((status, index) => {
        if (statuses.indexOf(status) !== index) {
          ctx.addIssue({ code: 'custom', path: [index], message: `duplicate status "${status}"` });
        }
      });
    })
    .optional(),
  record_prefix: z
    .string()
    .regex(RECORD_PREFIX_PATTERN, { error: 'must be 2–10 capital letters or digits, starting with a letter (e.g. "PAT")' })
    .optional(),
  /** Key of the field shown as the record's name. */
  display_field: z.string().min(1).optional(),
  /** Key of the select field that holds the record's status (defaults to "status"). */
  status_field: z.string().min(1).optional(),
  /** Conditions every saved record must meet (engine/formulas/validation-rule-schema.ts). */
  validation_rules: ValidationRulesListSchema.optional(),
});
export type ModuleDefinition = z.infer<typeof ModuleDefinitionSchema>;

/** Prefix of record numbers (PAT-000001): the template's, else the slug's first three letters. */
export function recordPrefixFor(module: Pick<ModuleDefinition, 'slug' | 'record_prefix'>): string {
  if (module.record_prefix) return module.record_prefix;
  return module.slug.replace(/[^a-z0-9]/g, '').slice(0, 3).toUpperCase();
}

type FieldRef = Pick<FieldDefinition, 'key' | 'type' | 'required'> & { active?: boolean };

/** Key of the field that names a record; record_number when nothing fits. */
export function displayFieldFor(module: Pick<ModuleDefinition, 'display_field'>, fields: readonly FieldRef[]): string {
  if (module.display_field) return module.display_field;
  const usable = fields.filter((field) => field.active !== false);
  for (const candidate of ['full_name', 'name', 'title']) {
    if (usable.some((field) => field.key === candidate)) return candidate;
  }
  const text = usable.filter((field) => field.type === 'text');
  return (text.find((field) => field.required) ?? text[0])?.key ?? 'record_number';
}

/** Key of the status field: the template's choice, else "status" when it is a select field. */
export function statusFieldFor(
  module: Pick<ModuleDefinition, 'status_field'>,
  fields: readonly FieldRef[],
): string | undefined {
  if (module.status_field) return module.status_field;
  return fields.some((field) => field.key === 'status' && field.type === 'select') ? 'status' : undefined;
}
