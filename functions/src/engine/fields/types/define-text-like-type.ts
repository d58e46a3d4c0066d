import { matchesTenantPattern } from '../tenant-pattern.js';
import type { FieldValueReason } from '../field-value-messages.js';
import {
  NO_OPTIONS,
  PLAIN_TRAITS,
  lowerCaseFacet,
  plainToCell,
  textFromCell,
  textInputToWire,
  trimmedFilterText,
  valueToTextInput,
  type FieldTypeModule,
} from './field-type-module.js';
import type { FieldTypeDemo } from './field-type-demo.js';

/**
 * The five string types differ only in their default length cap, their format
 * check and whether search indexes them; this builds their modules.
 */
export function defineTextLikeType<T extends string>({
  type,
  defaultMaxLength,
  format,
  searchableByDefault,
  facet = true,
  demo,
}: {
  type: T;
  /** Keeps a single record far below Firestore's 1 MiB document limit. */
  defaultMaxLength: number;
  format?: (value: string) => FieldValueReason | undefined;
  searchableByDefault: boolean;
  /** Long texts get no equality facet: nobody filters on a whole paragraph. */
  facet?: boolean;
  demo: FieldTypeDemo;
}): FieldTypeModule<T> & { readonly defaultMaxLength: number } {
  return {
    type,
    defaultMaxLength,
    traits: { ...PLAIN_TRAITS, textRules: true, searchableByDefault, facet },
    options: NO_OPTIONS,
    demo,
    checkValue(field, value, fail) {
      if (typeof value !== 'string') return fail('notText');
      const rules = field.validation ?? {};
      const max = rules.max_length ?? defaultMaxLength;
      // Length first: never run a tenant's regex over an oversized string.
      if (value.length > max) return fail('maxLength', { max });
      if (rules.min_length !== undefined && value.length < rules.min_length) return fail('minLength', { min: rules.min_length });
      const formatError = format?.(value);
      if (formatError) return fail(formatError);
      // RE2 semantics: linear in the value's length whatever the tenant wrote (engine/fields/tenant-pattern.ts).
      if (rules.pattern !== undefined && !matchesTenantPattern(rules.pattern, value)) return fail('pattern', { pattern: rules.pattern });
      return { ok: true, value };
    },
    emptyValue: () => null,
    facetValue: (_field, value, maxLength) => lowerCaseFacet(value, maxLength),
    filterOperators: ['contains', 'eq'],
    parseFilterInput: (text) => trimmedFilterText(text),
    toWire: textInputToWire,
    toForm: valueToTextInput,
    display: (_field, value) => String(value),
    fromCell: textFromCell,
    toCell: plainToCell,
  };
}
