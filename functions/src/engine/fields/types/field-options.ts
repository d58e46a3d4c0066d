import { z } from 'zod';
import { LocalizedTextSchema } from '../../template/localized-text.js';

/** Option shapes of the types that take options; each type module says which one it uses. */

export const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;

export const SelectOptionSchema = z.union([
  z.string().trim().min(1, { error: 'an option must not be empty' }).max(200),
  z.strictObject({
    value: z.string().trim().min(1, { error: 'an option value must not be empty' }).max(200),
    label: LocalizedTextSchema.optional(),
    color: z.string().min(1).max(32).optional(),
  }),
]);
export type SelectOption = z.infer<typeof SelectOptionSchema>;

export const SelectOptionsSchema = z
  .array(SelectOptionSchema, { error: 'must be a list of choices' })
  .min(1, { error: 'must list at least one choice' })
  .max(500)
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    options.forEach((option, index) => {
      const value = typeof option === 'string' ? option : option.value;
      if (seen.has(value)) {
        ctx.addIssue({ code: 'custom', path: [index], message: `duplicate option "${value}"` });
      }
      seen.add(value);
    });
  });

export const RelationshipOptionsSchema = z.strictObject({
  related_module: z.string().min(1, { error: 'is required' }),
  display_field: z.string().min(1, { error: 'is required' }),
});
export type RelationshipOptions = z.infer<typeof RelationshipOptionsSchema>;

export const CurrencyOptionsSchema = z.strictObject({
  currency: z.string().regex(CURRENCY_CODE_PATTERN, { error: 'must be an ISO 4217 code like "USD"' }),
});
export type CurrencyOptions = z.infer<typeof CurrencyOptionsSchema>;

/** Any option shape a field may carry, whatever its type (the type module narrows it). */
export type AnyFieldOptions = readonly SelectOption[] | RelationshipOptions | CurrencyOptions;

/** The stored values of a select / multi_select field's options, in order. */
export function optionValuesOf(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return (options as SelectOption[]).map((option) => (typeof option === 'string' ? option : option.value));
}
