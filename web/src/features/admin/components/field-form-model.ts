import { z } from 'zod';
import { FIELD_KEY_PATTERN, type FieldDefinitionInput, type FieldType } from '@crm/engine/fields/field-definition.js';
import type { LocalizedText } from '@crm/engine/template/localized-text.js';
import { fieldTypeModule, isFieldType, storedValueModule } from '@crm/engine/fields/types/registry.js';
import { EMPTY_OPTION_INPUTS, type FieldTypeOptionsForm, type OptionEditorKind, type OptionInputsContext } from '@crm/engine/fields/types/option-inputs.js';

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
  /** Formula fields: the expression and what it stores. */
  expression: z.string(),
  resultType: z.string(),
  /** Roll-up fields (engine/fields/types/rollup-options-form.ts): `module.field` of the child relationship, and the rest. */
  rollupRelation: z.string(),
  rollupAggregate: z.string(),
  rollupField: z.string(),
  rollupFilterField: z.string(),
  rollupFilterOperator: z.string(),
  rollupFilterValue: z.string(),
});
export type FieldFormValues = z.infer<typeof FieldFormSchema>;

export const EMPTY_FIELD_FORM: FieldFormValues = {
  ...EMPTY_OPTION_INPUTS,
  key: '',
  label: '',
  labelEs: '',
  type: 'text',
  required: false,
  indexed: false,
  helpText: '',
};

/** Without the tenant's modules (tests, a new module's own fields): conversions that need them see none. */
export const NO_OPTION_CONTEXT: OptionInputsContext = { fieldsOf: () => undefined, localDateTimeToIso: () => null };

/** How the editor shows and builds a type's options (its registry module says); undefined when it takes none. */
export function optionsFormOf(type: string): FieldTypeOptionsForm | undefined {
  return isFieldType(type) ? fieldTypeModule(type).options.form : undefined;
}

/** Which group of option inputs the editor shows for a type. */
export function optionEditorOf(type: string): OptionEditorKind | undefined {
  return optionsFormOf(type)?.editor;
}

export function localized(en: string, es: string): LocalizedText {
  return es.trim() === '' ? en.trim() : { en: en.trim(), es: es.trim() };
}

function optionsFor(values: FieldFormValues, ctx: OptionInputsContext): FieldDefinitionInput['options'] {
  return optionsFormOf(values.type)?.toOptions(values, ctx) as FieldDefinitionInput['options'];
}

/** Whether the field's stored value can take an index slot (a formula's or roll-up's through the type it stores). */
export function isIndexable(values: FieldFormValues, ctx: OptionInputsContext = NO_OPTION_CONTEXT): boolean {
  if (!isFieldType(values.type)) return false;
  return storedValueModule({ type: values.type, options: optionsFor(values, ctx) }).traits.indexable;
}

/** Inputs → the field definition the callables take (validated there by the template field schema). */
export function toFieldDefinition(values: FieldFormValues, ctx: OptionInputsContext = NO_OPTION_CONTEXT): FieldDefinitionInput {
  const options = optionsFor(values, ctx);
  return {
    key: values.key.trim(),
    label: localized(values.label, values.labelEs),
    type: values.type as FieldType,
    required: values.required,
    ...(values.indexed && isIndexable(values, ctx) ? { indexed: true } : {}),
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
  return {
    ...EMPTY_OPTION_INPUTS,
    ...optionsFormOf(field.type)?.toInputs(field.options),
    key: field.key,
    label: label.en ?? Object.values(label)[0] ?? '',
    labelEs: label.es ?? '',
    type: field.type,
    required: field.required,
    indexed: field.indexed === true,
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
      return optionsFormOf(type)?.inputForIssue(path.slice('options'.length)) ?? 'optionsText';
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
  const editor = optionEditorOf(values.type);
  if (editor === 'choices' && values.optionsText.trim() === '') {
    problems.push({ input: 'optionsText', messageKey: 'admin.errors.choicesRequired', fieldName: 'admin.options' });
  }
  if (editor === 'relationship') {
    if (values.relatedModule === '') problems.push({ input: 'relatedModule', messageKey: 'validation.required', fieldName: 'admin.relatedModule' });
    else if (values.displayField === '') problems.push({ input: 'displayField', messageKey: 'validation.required', fieldName: 'admin.displayField' });
  }
  if (editor === 'formula' && values.expression.trim() === '') {
    problems.push({ input: 'expression', messageKey: 'validation.required', fieldName: 'formulas.expression' });
  }
  if (editor === 'rollup') {
    if (values.rollupRelation === '') problems.push({ input: 'rollupRelation', messageKey: 'validation.required', fieldName: 'computedFields.rollup.relation' });
    if (values.rollupAggregate !== 'count' && values.rollupField === '') {
      problems.push({ input: 'rollupField', messageKey: 'validation.required', fieldName: 'computedFields.rollup.field' });
    }
    if (values.rollupFilterField !== '' && values.rollupFilterValue.trim() === '') {
      problems.push({ input: 'rollupFilterValue', messageKey: 'validation.required', fieldName: 'computedFields.rollup.filterValue' });
    }
  }
  if (editor === 'currency' && !/^[A-Za-z]{3}$/.test(values.currency.trim())) {
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
  expression: 'formulas.expression',
  resultType: 'formulas.resultType',
  rollupRelation: 'computedFields.rollup.relation',
  rollupAggregate: 'computedFields.rollup.aggregate',
  rollupField: 'computedFields.rollup.field',
  rollupFilterField: 'computedFields.rollup.filterField',
  rollupFilterOperator: 'computedFields.rollup.filterOperator',
  rollupFilterValue: 'computedFields.rollup.filterValue',
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
