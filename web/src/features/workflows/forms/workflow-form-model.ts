import type { FieldErrors, Resolver } from 'react-hook-form';
import type { TModuleConfigView } from '@crm/api';
import { relationshipOptions, selectOptionValues, type FieldType } from '@crm/engine/fields/field-definition.js';
import {
  CHANGE_OPERATORS,
  CONDITION_OPERATORS,
  DATE_OPERATORS,
  DAY_COUNT_OPERATORS,
  isConditionLeaf,
  LIST_OPERATORS,
  ORDERING_OPERATORS,
  VALUELESS_OPERATORS,
  type Condition,
  type ConditionOperator,
} from '@crm/engine/template/condition-schema.js';
import { zodIssuesToErrors } from '@crm/engine/template/format-issues.js';
import type { LocalizedText } from '@crm/engine/template/localized-text.js';
import { UPDATE_TRIGGER_TYPES, WorkflowDefinitionSchema, type WorkflowActionType, type WorkflowTriggerType } from '@crm/engine/template/workflow-schema.js';

/**
 * The builder's form state and its two-way mapping to the template's
 * workflow format. Inputs hold strings (what the DOM gives); the definition
 * holds typed values. Validation is WorkflowDefinitionSchema's own (the one
 * the server runs), and every issue — the client's or the server's — is put
 * back on the input it is about.
 */

export interface ConditionRow {
  field: string;
  operator: ConditionOperator;
  /** One value, or a comma-separated list for in / not_in. */
  value: string;
}

export interface ActionRow {
  type: WorkflowActionType;
  to: string;
  cc: string;
  subject: string;
  body: string;
  template: string;
  field: string;
  value: string;
  title: string;
  description: string;
  due_in_days: string;
  assignee: '' | 'owner' | 'creator';
  url: string;
  secret_ref: string;
}

export interface WorkflowFormValues {
  name: string;
  description: string;
  trigger_type: WorkflowTriggerType;
  is_active: boolean;
  config: {
    fields: string[];
    from: string[];
    to: string[];
    field: string;
    offset: string;
    unit: 'minutes' | 'hours' | 'days';
    direction: 'before' | 'after';
  };
  match: 'all' | 'any';
  conditions: ConditionRow[];
  /** Conditions nested deeper than rows can show, edited as JSON; null when the rows hold them. */
  conditionsJson: string | null;
  actions: ActionRow[];
}

export const EMPTY_ACTION: ActionRow = {
  type: 'send_email',
  to: '',
  cc: '',
  subject: '',
  body: '',
  template: '',
  field: '',
  value: '',
  title: '',
  description: '',
  due_in_days: '',
  assignee: '',
  url: '',
  secret_ref: '',
};

export const EMPTY_CONDITION: ConditionRow = { field: '', operator: 'equals', value: '' };

export const EMPTY_WORKFLOW_FORM: WorkflowFormValues = {
  name: '',
  description: '',
  trigger_type: 'record_created',
  is_active: true,
  config: { fields: [], from: [], to: [], field: '', offset: '1', unit: 'days', direction: 'before' },
  match: 'all',
  conditions: [],
  conditionsJson: null,
  actions: [{ ...EMPTY_ACTION }],
};

// ---- operators and fields the pickers offer -------------------------------------------

const DATE_TYPES = ['date', 'datetime'];
const ORDERED_TYPES = ['number', 'currency', 'date', 'datetime'];

/**
 * Operators that make sense for a field of this type (date checks on dates, ordering on numbers and dates),
 * and "changed…" only where the trigger fires on an update (the server refuses them elsewhere).
 */
export function conditionOperatorsFor(type: string | undefined, trigger: WorkflowTriggerType): readonly ConditionOperator[] {
  return CONDITION_OPERATORS.filter((operator) => {
    if (CHANGE_OPERATORS.includes(operator)) return UPDATE_TRIGGER_TYPES.includes(trigger);
    if (DATE_OPERATORS.includes(operator)) return type === undefined || DATE_TYPES.includes(type);
    if (ORDERING_OPERATORS.includes(operator)) return type === undefined || ORDERED_TYPES.includes(type);
    return true;
  });
}


export interface FieldChoice {
  /** `status`, or a relationship path `patient.email`, `patient.primary_doctor.email`. */
  readonly path: string;
  readonly label: LocalizedText;
  /** The labels of the relationships the path goes through ("Patient", "Primary Doctor"); empty for the module's own fields. */
  readonly via: readonly LocalizedText[];
  readonly type: FieldType;
  readonly options: string[];
}

/**
 * Relationships the pickers follow. The server takes paths of up to 5 hops
 * (typed into a placeholder, or in a template); offering every 5-hop path in
 * a list would bury the useful ones, and two hops reach what workflows ask
 * for in practice (an appointment's patient's doctor).
 */
export const PICKER_HOPS = 2;

/** The module's active fields, then the fields reached through its relationships, up to PICKER_HOPS (what conditions and placeholders can reach). */
export function fieldChoices(module: TModuleConfigView, modules: readonly TModuleConfigView[]): FieldChoice[] {
  const choices: FieldChoice[] = [];
  const walk = (current: TModuleConfigView, prefix: string, via: readonly LocalizedText[]) => {
    for (const field of current.fields) {
      if (!field.active) continue;
      const path = prefix === '' ? field.key : `${prefix}.${field.key}`;
      const target = modules.find((candidate) => candidate.slug === relationshipOptions(field)?.related_module);
      // A related record's relationship value is an id: it is worth offering only as a way through.
      if (via.length === 0 || field.type !== 'relationship') choices.push({ path, label: field.label, via, type: field.type, options: selectOptionValues(field) });
      if (target && via.length < PICKER_HOPS) walk(target, path, [...via, field.label]);
    }
  };
  walk(module, '', []);
  // The module's own fields first, then one hop, then two: the shortest paths lead the list.
  return choices.sort((a, b) => a.via.length - b.via.length);
}

export function fieldTypesOf(choices: readonly FieldChoice[]): Record<string, FieldType> {
  return Object.fromEntries(choices.map((choice) => [choice.path, choice.type]));
}

// ---- definition → form ------------------------------------------------------------------

export function toWorkflowForm(definition: Record<string, unknown>): WorkflowFormValues {
  const config = (definition.trigger_config ?? {}) as Record<string, unknown>;
  const rows = conditionRows(definition.trigger_conditions as Condition | undefined);
  const actions = Array.isArray(definition.actions) ? (definition.actions as Array<Record<string, unknown>>) : [];
  return {
    name: text(definition.name),
    description: text(definition.description),
    trigger_type: (definition.trigger_type as WorkflowTriggerType | undefined) ?? 'record_created',
    is_active: definition.is_active !== false,
    config: {
      fields: strings(config.fields),
      from: strings(config.from),
      to: strings(config.to),
      field: text(config.field),
      offset: config.offset === undefined ? '1' : String(config.offset),
      unit: (config.unit as WorkflowFormValues['config']['unit'] | undefined) ?? 'days',
      direction: (config.direction as WorkflowFormValues['config']['direction'] | undefined) ?? 'before',
    },
    match: rows?.match ?? 'all',
    conditions: rows?.rows ?? [],
    conditionsJson: rows === null ? JSON.stringify(definition.trigger_conditions, null, 2) : null,
    actions: actions.map((action) => ({
      ...EMPTY_ACTION,
      type: action.type as WorkflowActionType,
      to: text(action.to),
      cc: strings(action.cc).join(', '),
      subject: text(action.subject),
      body: text(action.body),
      template: text(action.template),
      field: text(action.field),
      value: action.value === undefined || action.value === null ? '' : Array.isArray(action.value) ? action.value.join(', ') : String(action.value),
      title: text(action.title),
      description: text(action.description),
      due_in_days: action.due_in_days === undefined ? '' : String(action.due_in_days),
      assignee: (action.assignee as ActionRow['assignee'] | undefined) ?? '',
      url: text(action.url),
      secret_ref: text(action.secret_ref),
    })),
  };
}

/** A root leaf or one all/any list of leaves fits in rows; anything deeper is null (edited as JSON). */
function conditionRows(condition: Condition | undefined): { match: 'all' | 'any'; rows: ConditionRow[] } | null {
  if (condition === undefined) return { match: 'all', rows: [] };
  if (isConditionLeaf(condition)) return { match: 'all', rows: [leafRow(condition)] };
  const match = 'all' in condition ? 'all' : 'any';
  const children = 'all' in condition ? condition.all : condition.any;
  if (!children.every(isConditionLeaf)) return null;
  return { match, rows: children.filter(isConditionLeaf).map(leafRow) };
}

function leafRow(leaf: { field: string; operator: ConditionOperator; value?: unknown }): ConditionRow {
  const value = leaf.value;
  return { field: leaf.field, operator: leaf.operator, value: value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value) };
}

// ---- form → definition ------------------------------------------------------------------

export interface FormIssue {
  readonly path: string;
  readonly message: string;
}

export function toDefinition(values: WorkflowFormValues, fieldTypes: Readonly<Record<string, FieldType>>): { definition: Record<string, unknown>; issues: FormIssue[] } {
  const issues: FormIssue[] = [];
  const definition: Record<string, unknown> = {
    name: values.name,
    trigger_type: values.trigger_type,
    actions: values.actions.map((action, index) => actionDefinition(action, index, fieldTypes, issues)),
    is_active: values.is_active,
  };
  if (values.description.trim() !== '') definition.description = values.description;
  const config = triggerConfig(values);
  if (config) definition.trigger_config = config;

  if (values.conditionsJson !== null) {
    try {
      definition.trigger_conditions = JSON.parse(values.conditionsJson);
    } catch {
      issues.push({ path: 'conditionsJson', message: 'is not valid JSON' });
    }
  } else if (values.conditions.length > 0) {
    const leaves = values.conditions.map((row, index) => conditionLeaf(row, index, fieldTypes, issues));
    definition.trigger_conditions = leaves.length === 1 && values.match === 'all' ? leaves[0] : { [values.match]: leaves };
  }
  return { definition, issues };
}

function triggerConfig(values: WorkflowFormValues): Record<string, unknown> | undefined {
  const { config } = values;
  switch (values.trigger_type) {
    case 'field_changed':
      return config.fields.length > 0 ? { fields: config.fields } : undefined;
    case 'status_changed': {
      const out: Record<string, unknown> = {};
      if (config.from.length > 0) out.from = config.from;
      if (config.to.length > 0) out.to = config.to;
      return Object.keys(out).length > 0 ? out : undefined;
    }
    case 'scheduled':
      return { field: config.field, offset: wholeNumber(config.offset), unit: config.unit, direction: config.direction };
    default:
      return undefined;
  }
}

function conditionLeaf(row: ConditionRow, index: number, fieldTypes: Readonly<Record<string, FieldType>>, issues: FormIssue[]): Record<string, unknown> {
  const leaf: Record<string, unknown> = { field: row.field, operator: row.operator };
  const type = fieldTypes[row.field];
  if (VALUELESS_OPERATORS.includes(row.operator)) return leaf;
  if (LIST_OPERATORS.includes(row.operator)) {
    const items = row.value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    leaf.value = items.map((item) => typedValue(item, type, `conditions.${index}.value`, issues));
    return leaf;
  }
  if (DAY_COUNT_OPERATORS.includes(row.operator)) {
    leaf.value = wholeNumber(row.value);
    return leaf;
  }
  if (row.value.trim() !== '') leaf.value = typedValue(row.value.trim(), type, `conditions.${index}.value`, issues);
  return leaf;
}

function actionDefinition(action: ActionRow, index: number, fieldTypes: Readonly<Record<string, FieldType>>, issues: FormIssue[]): Record<string, unknown> {
  switch (action.type) {
    case 'send_email': {
      const out: Record<string, unknown> = { type: action.type, to: action.to, subject: action.subject, body: action.body };
      const cc = action.cc.split(',').map((item) => item.trim()).filter((item) => item !== '');
      if (cc.length > 0) out.cc = cc;
      if (action.template.trim() !== '') out.template = action.template.trim();
      return out;
    }
    case 'update_field': {
      const value = action.value.trim() === '' ? null : typedValue(action.value.trim(), fieldTypes[action.field], `actions.${index}.value`, issues);
      const multi = fieldTypes[action.field] === 'multi_select' && typeof value === 'string';
      return { type: action.type, field: action.field, value: multi ? value.split(',').map((item) => item.trim()).filter(Boolean) : value };
    }
    case 'create_task': {
      const out: Record<string, unknown> = { type: action.type, title: action.title };
      if (action.description.trim() !== '') out.description = action.description;
      if (action.due_in_days.trim() !== '') out.due_in_days = wholeNumber(action.due_in_days);
      if (action.assignee !== '') out.assignee = action.assignee;
      return out;
    }
    case 'webhook': {
      const out: Record<string, unknown> = { type: action.type, url: action.url.trim() };
      if (action.secret_ref.trim() !== '') out.secret_ref = action.secret_ref.trim();
      return out;
    }
  }
}

/** Typed as the field stores it, so "equals 3" compares a number with a number. */
function typedValue(raw: string, type: FieldType | undefined, path: string, issues: FormIssue[]): unknown {
  if (type === 'number' || type === 'currency') {
    const number = Number(raw);
    if (!Number.isFinite(number)) issues.push({ path, message: 'must be a number' });
    return Number.isFinite(number) ? number : raw;
  }
  if (type === 'checkbox') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    issues.push({ path, message: 'must be true or false' });
    return raw;
  }
  return raw;
}

/** A whole number when the text is one; otherwise the text, for the schema to refuse with its own words. */
function wholeNumber(raw: string): number | string {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
}

// ---- issues → inputs ----------------------------------------------------------------------

/**
 * Where an issue about the definition belongs in the form. Accepts the
 * server's paths (`definition.actions[0].to`, `definition.actions.0.to`) and
 * the schema's; null means "no single input" (shown above the form).
 */
export function formPathFor(issuePath: string, values: Pick<WorkflowFormValues, 'conditionsJson'>): string | null {
  const segments = issuePath.replace(/\[(?:"([^"]*)"|(\d+))\]/g, (_match, key: string | undefined, index: string | undefined) => `.${key ?? index ?? ''}`).split('.').filter((part) => part !== '');
  if (segments[0] === 'definition') segments.shift();
  const [head, ...rest] = segments;
  switch (head) {
    case 'name':
    case 'description':
    case 'trigger_type':
      return head;
    case 'trigger_config':
      return rest[0] && ['fields', 'from', 'to', 'field', 'offset', 'unit', 'direction'].includes(rest[0]) ? `config.${rest[0]}` : 'config';
    case 'trigger_conditions': {
      if (values.conditionsJson !== null) return 'conditionsJson';
      if (rest[0] === 'all' || rest[0] === 'any') {
        const index = Number(rest[1]);
        const key = rest[2];
        return Number.isInteger(index) ? `conditions.${index}.${key === 'operator' || key === 'value' ? key : 'field'}` : 'conditions';
      }
      if (rest[0] === 'field' || rest[0] === 'operator' || rest[0] === 'value') return `conditions.0.${rest[0]}`;
      return 'conditions';
    }
    case 'conditions':
    case 'conditionsJson':
      return segments.join('.');
    case 'actions': {
      const index = Number(rest[0]);
      if (!Number.isInteger(index)) return 'actions';
      const key = rest[1] ?? 'type';
      return `actions.${index}.${key in EMPTY_ACTION ? key : 'type'}`;
    }
    default:
      return null;
  }
}

/** react-hook-form's nested error object from flat issues; issues without an input go to `root`. */
export function toFieldErrors(issues: readonly FormIssue[], values: WorkflowFormValues): FieldErrors<WorkflowFormValues> {
  const errors: Record<string, unknown> = {};
  const unplaced: string[] = [];
  for (const issue of issues) {
    const path = formPathFor(issue.path, values);
    if (path === null) {
      unplaced.push(issue.path && issue.path !== '(root)' ? `${issue.path}: ${issue.message}` : issue.message);
      continue;
    }
    setIn(errors, path.split('.'), { type: 'validate', message: issue.message });
  }
  if (unplaced.length > 0) errors.root = { type: 'validate', message: unplaced.join(' ') };
  return errors as FieldErrors<WorkflowFormValues>;
}

function setIn(target: Record<string, unknown>, path: string[], error: { type: string; message: string }): void {
  let node: Record<string, unknown> = target;
  path.forEach((segment, index) => {
    if (index === path.length - 1) {
      // The first issue about an input is the one shown.
      if (node[segment] === undefined) node[segment] = error;
      return;
    }
    const next = node[segment];
    if (typeof next !== 'object' || next === null || 'message' in next) {
      node[segment] = /^\d+$/.test(path[index + 1] ?? '') ? [] : {};
    }
    node = node[segment] as Record<string, unknown>;
  });
}

/** The builder's resolver: WorkflowDefinitionSchema (the server's schema) run on the form's definition. */
export function workflowResolver(fieldTypes: Readonly<Record<string, FieldType>>): Resolver<WorkflowFormValues> {
  return async (values) => {
    const { definition, issues } = toDefinition(values, fieldTypes);
    const parsed = WorkflowDefinitionSchema.safeParse(definition);
    const all = [...issues, ...(parsed.success ? [] : zodIssuesToErrors(parsed.error.issues, definition))];
    if (all.length === 0) return { values, errors: {} };
    return { values: {}, errors: toFieldErrors(all, values) };
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
