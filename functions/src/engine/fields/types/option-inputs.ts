import type { FieldsOf } from '../../paths/resolve-field-path.js';

/**
 * The field editor's option inputs, as the browser holds them (strings).
 * Each type that takes options says, in its module (`options.form`), which
 * group of inputs the editor shows, how the inputs become its options and
 * back, and which input an issue under `options` is about. The editor then
 * has no switch over field types: a new type with options brings its own
 * `form` (and, for a new input group, one component in the editor).
 */
export interface OptionInputs {
  /** select / multi_select: one choice per line. */
  readonly optionsText: string;
  readonly relatedModule: string;
  readonly displayField: string;
  readonly currency: string;
  readonly expression: string;
  readonly resultType: string;
  /** Roll-up: the child module's relationship that points here, as `module.field`. */
  readonly rollupRelation: string;
  readonly rollupAggregate: string;
  /** The child field aggregated (not for count). */
  readonly rollupField: string;
  /** Optional filter on the children: one condition, with a list filter operator. Empty field = no filter. */
  readonly rollupFilterField: string;
  readonly rollupFilterOperator: string;
  readonly rollupFilterValue: string;
}

export type OptionInputName = keyof OptionInputs;

/** The group of inputs the editor shows for a type's options. */
export type OptionEditorKind = 'choices' | 'relationship' | 'currency' | 'formula' | 'rollup';

/** What converting inputs to options may need besides the inputs: other modules' fields, the user's clock. */
export interface OptionInputsContext {
  readonly fieldsOf: FieldsOf;
  /** A `datetime-local` wall-clock string → ISO UTC (a roll-up filter on a datetime). */
  localDateTimeToIso(input: string): string | null;
}

export interface FieldTypeOptionsForm {
  readonly editor: OptionEditorKind;
  /** Whether an edit of a saved field may change them (others are fixed once records depend on them). */
  readonly editable: boolean;
  /** Inputs → the `options` sent to crmAddField / crmUpdateField; undefined when the type sends none. */
  toOptions(inputs: OptionInputs, ctx: OptionInputsContext): unknown;
  /** Saved options → the inputs that show them (edit mode). */
  toInputs(options: unknown): Partial<OptionInputs>;
  /** The input an issue at `options<rest>` is about (`rest` like `.relationship.field` or `[2]`). */
  inputForIssue(rest: string): OptionInputName;
}

export const EMPTY_OPTION_INPUTS: OptionInputs = {
  optionsText: '',
  relatedModule: '',
  displayField: '',
  currency: 'USD',
  expression: '',
  resultType: 'number',
  rollupRelation: '',
  rollupAggregate: 'count',
  rollupField: '',
  rollupFilterField: '',
  rollupFilterOperator: 'eq',
  rollupFilterValue: '',
};

export function optionsRecord(options: unknown): Record<string, unknown> {
  return options !== null && typeof options === 'object' && !Array.isArray(options) ? (options as Record<string, unknown>) : {};
}

export function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
