import { z } from 'zod';
import type { FieldDefinitionInput, FieldType } from '@crm/engine/fields/field-definition.js';
import type { LocalizedText } from '@crm/engine/template/localized-text.js';

/** What the field editor's inputs hold; converted to the template field shape on submit. */
export const FieldFormSchema = z.object({
  key: z.string(),
  label: z.string(),
  labelEs: z.string(),
  type: z.string(),
  required: z.boolean(),
  /** Number, currency, date or datetime fields only: sums, averages and sorts across pages (index-slots.ts). */
  indexed: z.boolean(),
  optionsText: z.string(),
  relatedModule: z.string(),
  displayField: z.string(),
  currency: z.string(),
  helpText: z.string(),
});
export type FieldFormValues = z.infer<typeof FieldFormSchema>;

export const EMPTY_FIELD_FORM: FieldFormValues = {
  key: '',
  label: '',
  labelEs: '',
  type: 'text',
  required: false,
  indexed: false,
  optionsText: '',
  relatedModule: '',
  displayField: '',
  currency: 'USD',
  helpText: '',
};

export function localized(en: string, es: string): LocalizedText {
  return es.trim() === '' ? en.trim() : { en: en.trim(), es: es.trim() };
}

function optionsFor(values: FieldFormValues): FieldDefinitionInput['options'] {
  switch (values.type) {
    case 'select':
    case 'multi_select':
      return values.optionsText
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    case 'relationship':
      return { related_module: values.relatedModule, display_field: values.displayField };
    case 'currency':
      return { currency: values.currency.trim().toUpperCase() };
    default:
      return undefined;
  }
}

export function isIndexableType(type: string): boolean {
  return ['number', 'currency', 'date', 'datetime'].includes(type);
}

/** Inputs → the field definition the callables take (validated there by the template field schema). */
export function toFieldDefinition(values: FieldFormValues): FieldDefinitionInput {
  const options = optionsFor(values);
  return {
    key: values.key.trim(),
    label: localized(values.label, values.labelEs),
    type: values.type as FieldType,
    required: values.required,
    ...(values.indexed && isIndexableType(values.type) ? { indexed: true } : {}),
    ...(options !== undefined ? { options } : {}),
    ...(values.helpText.trim() !== '' ? { help_text: values.helpText.trim() } : {}),
  };
}

/** A field definition → editor inputs (edit mode). */
export function toFieldForm(field: {
  key: string;
  label: LocalizedText;
  type: string;
  required: boolean;
  indexed?: boolean | undefined;
  options?: unknown;
  help_text?: LocalizedText | undefined;
}): FieldFormValues {
  const label = typeof field.label === 'string' ? { en: field.label } : field.label;
  const options = field.options;
  const list = Array.isArray(options) ? options.map((option: unknown) => (typeof option === 'string' ? option : String((option as { value: unknown }).value))) : [];
  const relation = options && !Array.isArray(options) && typeof options === 'object' ? (options as Record<string, unknown>) : {};
  return {
    key: field.key,
    label: label.en ?? Object.values(label)[0] ?? '',
    labelEs: label.es ?? '',
    type: field.type,
    required: field.required,
    indexed: field.indexed === true,
    optionsText: list.join('\n'),
    relatedModule: typeof relation.related_module === 'string' ? relation.related_module : '',
    displayField: typeof relation.display_field === 'string' ? relation.display_field : '',
    currency: typeof relation.currency === 'string' ? relation.currency : 'USD',
    helpText: field.help_text === undefined ? '' : typeof field.help_text === 'string' ? field.help_text : (field.help_text.en ?? ''),
  };
}

/** Which editor input a server/client issue on the field definition belongs to. */
export function inputForIssue(path: string, type: string): keyof FieldFormValues | null {
  const head = path.split(/[.[]/)[0] ?? '';
  switch (head) {
    case 'key':
    case 'type':
    case 'required':
    case 'indexed':
      return head;
    case 'label':
      return 'label';
    case 'help_text':
      return 'helpText';
    case 'options':
      return type === 'relationship' ? (path.includes('display_field') ? 'displayField' : 'relatedModule') : type === 'currency' ? 'currency' : 'optionsText';
    default:
      return null;
  }
}
