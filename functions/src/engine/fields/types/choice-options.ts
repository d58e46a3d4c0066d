import { resolveLabel } from '../../template/localized-text.js';
import { SelectOptionsSchema, type SelectOption } from './field-options.js';
import type { FieldTypeOptionsSpec } from './field-type-module.js';
import type { FieldTypeOptionsForm } from './option-inputs.js';

/** One choice per line in the editor; labels of saved object choices are kept by value only (as before). */
const CHOICES_FORM: FieldTypeOptionsForm = {
  editor: 'choices',
  editable: true,
  toOptions: (inputs) =>
    inputs.optionsText
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  toInputs: (options) => ({
    optionsText: Array.isArray(options) ? options.map((option: unknown) => (typeof option === 'string' ? option : String((option as { value: unknown }).value))).join('\n') : '',
  }),
  inputForIssue: () => 'optionsText',
};

/** select and multi_select share their option list and how an option is shown. */
export function choiceOptionsSpec(type: string): FieldTypeOptionsSpec {
  return {
    schema: SelectOptionsSchema,
    required: true,
    check(options) {
      if (options === undefined) return `a ${type} field needs options: a non-empty list of choices`;
      if (!Array.isArray(options)) return `options of a ${type} field must be a list of choices`;
      return undefined;
    },
    form: CHOICES_FORM,
  };
}

/** What to show for an option: its label in `lang`, else its value. */
export function optionLabel(option: SelectOption, lang = 'en'): string {
  if (typeof option === 'string') return option;
  return option.label === undefined ? option.value : resolveLabel(option.label, lang);
}

export function choiceLabel(options: unknown, value: string, language: string): string {
  if (!Array.isArray(options)) return value;
  const option = (options as SelectOption[]).find((candidate) => (typeof candidate === 'string' ? candidate : candidate.value) === value);
  return option === undefined ? value : optionLabel(option, language);
}
