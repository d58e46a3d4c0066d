import { z } from 'zod';
import { FIELD_KEY_PATTERN, type FieldDefinitionInput, type FieldType } from '@crm/engine/fields/field-definition.js';
import type { LocalizedText } from '@crm/engine/template/localized-text.js';
import { fieldTypeModule, isFieldType } from '@crm/engine/fields/types/registry.js';

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
  return isFieldType(type) && fieldTypeModule(type).traits.indexable;
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

/**
 * A problem with an admin form, in plain words: which input, a message key,
 * and the dictionary key of the input's own name (`{{field}}` in the
 * sentence), so "Key: use lowercase letters, digits and _" names the field
 * in the user's language.
 */
export interface FormProblem<Input extends string = string> {
  readonly input: Input;
  readonly messageKey: string;
  readonly fieldName: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export type Say = (key: string, params?: Record<string, unknown>) => string;

/** The sentence for a problem, e.g. "Label is required" / "Etiqueta es obligatorio". */
export function sayProblem(say: Say, problem: FormProblem): string {
  return say(problem.messageKey, { ...problem.params, field: say(problem.fieldName) });
}

/** What the server would refuse in a field form, checked before sending and said in plain words. */
export function fieldFormProblems(values: FieldFormValues): FormProblem<keyof FieldFormValues>[] {
  const problems: FormProblem<keyof FieldFormValues>[] = [];
  if (values.label.trim() === '') problems.push({ input: 'label', messageKey: 'validation.required', fieldName: 'admin.label' });
  else if (values.label.trim().length > 500) problems.push({ input: 'label', messageKey: 'admin.errors.tooLong', fieldName: 'admin.label', params: { max: 500 } });
  const key = values.key.trim();
  if (key === '') problems.push({ input: 'key', messageKey: 'validation.required', fieldName: 'admin.key' });
  else if (!FIELD_KEY_PATTERN.test(key)) problems.push({ input: 'key', messageKey: 'admin.errors.keyFormat', fieldName: 'admin.key' });
  if ((values.type === 'select' || values.type === 'multi_select') && values.optionsText.trim() === '') {
    problems.push({ input: 'optionsText', messageKey: 'admin.errors.choicesRequired', fieldName: 'admin.options' });
  }
  if (values.type === 'relationship') {
    if (values.relatedModule === '') problems.push({ input: 'relatedModule', messageKey: 'validation.required', fieldName: 'admin.relatedModule' });
    else if (values.displayField === '') problems.push({ input: 'displayField', messageKey: 'validation.required', fieldName: 'admin.displayField' });
  }
  if (values.type === 'currency' && !/^[A-Za-z]{3}$/.test(values.currency.trim())) {
    problems.push({ input: 'currency', messageKey: 'admin.errors.currencyFormat', fieldName: 'admin.currency' });
  }
  return problems;
}

/** The field editor's resolver schema: shape, then plain-words problems on their inputs. */
export function buildFieldFormSchema(say: Say) {
  return FieldFormSchema.superRefine((values, ctx) => {
    for (const problem of fieldFormProblems(values)) ctx.addIssue({ code: 'custom', path: [problem.input], message: sayProblem(say, problem) });
  });
}

/** The dictionary key naming each field-form input, for server issues said again in plain words. */
export const FIELD_INPUT_NAMES: Record<keyof FieldFormValues, string> = {
  key: 'admin.key',
  label: 'admin.label',
  labelEs: 'admin.labelEs',
  type: 'admin.type',
  required: 'admin.required',
  optionsText: 'admin.options',
  relatedModule: 'admin.relatedModule',
  displayField: 'admin.displayField',
  currency: 'admin.currency',
  helpText: 'admin.helpText',
  indexed: 'admin.indexed',
};

/**
 * A server issue for an input: a keyed one is said with the input's name in
 * the user's language; an unkeyed one ("must not be empty") gets the name in
 * front, so no message stands without saying which field it is about.
 */
export function sayServerIssue(say: Say, issue: { message: string; messageKey?: string; params?: Readonly<Record<string, string | number>> }, fieldName: string): string {
  if (issue.messageKey) return say(issue.messageKey, { ...issue.params, field: say(fieldName) });
  return `${say(fieldName)}: ${issue.message}`;
}
