import { RECORD_ID_PATTERN } from './field-value-core.js';
import { RelationshipOptionsSchema } from './field-options.js';
import { optionsRecord, stringOr } from './option-inputs.js';
import { PLAIN_TRAITS, textFromCell, textInputToWire, trimmedFilterText, valueToTextInput, type FieldTypeModule } from './field-type-module.js';

/** The id of one record of `options.related_module`; the record shows the target's `display_field`. */
export const relationshipFieldType: FieldTypeModule<'relationship'> = {
  type: 'relationship',
  traits: { ...PLAIN_TRAITS, valueKind: 'reference', dimension: true },
  // First: fields derived from the related record (an appointment's doctor's department) need it.
  demo: {
    order: 0,
    value(field, kit) {
      const target = optionsRecord(field.options).related_module;
      if (typeof target !== 'string') return undefined;
      // Tasks link to one or two of their `related_*` records, not to all of them.
      const skip = field.key.startsWith('related_') ? 0.55 : 0.1;
      if (!field.required && kit.chance(skip)) return undefined;
      return kit.relatedId(target);
    },
  },
  options: {
    schema: RelationshipOptionsSchema,
    required: true,
    check: (options) =>
      options === undefined || options === null || typeof options !== 'object' || Array.isArray(options) || !('related_module' in options)
        ? 'a relationship field needs options { "related_module": ..., "display_field": ... }'
        : undefined,
    form: {
      editor: 'relationship',
      // Records already point at the target module: changing it would orphan them.
      editable: false,
      toOptions: (inputs) => ({ related_module: inputs.relatedModule, display_field: inputs.displayField }),
      toInputs: (options) => ({
        relatedModule: stringOr(optionsRecord(options).related_module, ''),
        displayField: stringOr(optionsRecord(options).display_field, ''),
      }),
      inputForIssue: (rest) => (rest.includes('display_field') ? 'displayField' : 'relatedModule'),
    },
  },
  // Whether the record exists is checked by the service, which can read the store.
  checkValue: (_field, value, fail) => (typeof value === 'string' && RECORD_ID_PATTERN.test(value) ? { ok: true, value } : fail('recordId')),
  emptyValue: () => null,
  facetValue: (_field, value) => (typeof value === 'string' ? value : null),
  filterOperators: ['eq'],
  parseFilterInput: (text) => trimmedFilterText(text),
  toWire: textInputToWire,
  toForm: valueToTextInput,
  display: (_field, value, ctx) => ctx.relatedDisplay ?? String(value),
  fromCell: textFromCell,
  toCell: (_field, value, ctx) => (ctx.formatted ? (ctx.relatedDisplay ?? String(value)) : String(value)),
};
