import {
  CHOICE_FIELD_TYPES,
  DATE_FIELD_TYPES,
  FieldDefinitionSchema,
  INDEXABLE_FIELD_TYPES,
  NUMERIC_FIELD_TYPES,
  relationshipOptions,
  selectOptionValues,
} from '../fields/field-definition.js';
import type { FieldDefinition, FieldType } from '../fields/field-definition.js';
import { SYSTEM_FIELD_TYPES, isSystemFieldKey } from '../fields/system-fields.js';
import { checkFieldValue, isCalendarDate, normalizeDateTime } from '../fields/check-field-value.js';
import { ModuleDefinitionSchema, statusFieldFor } from './module-schema.js';
import type { ModuleDefinition } from './module-schema.js';
import { collectFormulaIssues } from '../formulas/collect-formula-issues.js';
import { MAX_PATH_HOPS, resolveFieldPath } from '../paths/resolve-field-path.js';
import { CHANGE_OPERATORS, DATE_OPERATORS, ORDERING_OPERATORS, conditionLeaves } from './condition-schema.js';
import type { ConditionLeaf } from './condition-schema.js';
import { UPDATE_TRIGGER_TYPES, WorkflowDefinitionSchema } from './workflow-schema.js';
import type { WorkflowDefinition } from './workflow-schema.js';
import { WidgetSchema } from './dashboard-schema.js';
import type { Widget } from './dashboard-schema.js';
import { TENANT_ROLES } from './permissions-schema.js';
import { isRelativeDate } from './relative-dates.js';
import { MAX_INDEXED_FIELDS, indexedFieldsOf, widgetValueFields } from './index-slots.js';
import { checkRecordBudget } from './record-budget.js';
import { rollupTemplateIssues } from '../rollups/check-rollups.js';
import { parseWidgetFilter } from '../dashboards/parse-filter.js';
import { filterCombinationProblem } from '../dashboards/filter-combination.js';
import type { MessageParams } from '../fields/field-value-messages.js';

/** Any day does to check a template's relative dates: they only need to resolve. */
const TEMPLATE_CHECK_DAY = '2026-01-01';

/** `messageKey` / `params`, when set, say the same as `message` for the SPA to translate. */
export type TemplateIssue = { path: PropertyKey[]; message: string; messageKey?: string; params?: MessageParams };

/** `raw` is kept so a field that fails its own schema still has its references checked (no second wave of errors). */
type FieldEntry = { index: number; key: string; def: FieldDefinition | undefined; raw: unknown };
/** What a reference resolves to; 'unknown' when the target exists but could not be parsed or is tenant-defined. */
type ResolvedType = FieldType | 'unknown';
type Resolved = { ok: true; type: ResolvedType; def?: FieldDefinition } | { ok: false; message: string };

const VALUE_COMPARED_OPERATORS = ['equals', 'not_equals', 'changed_to', 'changed_from', 'in', 'not_in'];
const PLACEHOLDER_PATTERN = /\{\{\s*data\.([a-zA-Z0-9_.]+)\s*\}\}/g;

/**
 * Cross-references inside a template (things no single element can check).
 * Works on raw input, parsing each element on its own, so that it still
 * reports everything when some other part of the template is malformed —
 * a broken element is skipped, never blamed twice.
 */
export function collectTemplateIssues(input: unknown): TemplateIssue[] {
  if (!isRecord(input)) return [];
  const issues: TemplateIssue[] = [];
  const report = (path: PropertyKey[], message: string): void => {
    issues.push({ path, message });
  };

  // --- modules ---------------------------------------------------------------
  const modules = new Map<string, { index: number; def: ModuleDefinition | undefined }>();
  asArray(input.enabled_modules).forEach((entry, index) => {
    const parsed = ModuleDefinitionSchema.safeParse(entry);
    const slug = parsed.success ? parsed.data.slug : stringProp(entry, 'slug');
    if (slug === undefined) return;
    const first = modules.get(slug);
    if (first) {
      report(['enabled_modules', index, 'slug'], `duplicate module slug "${slug}" (first used at enabled_modules[${first.index}])`);
      return;
    }
    modules.set(slug, { index, def: parsed.success ? parsed.data : undefined });
  });
  const notEnabled = (slug: string): string => `module "${slug}" is not in enabled_modules`;

  // --- fields ----------------------------------------------------------------
  const fieldsByModule = new Map<string, Map<string, FieldEntry>>();
  for (const [slug, list] of entriesOf(input.field_schemas)) {
    if (!modules.has(slug)) report(['field_schemas', slug], `field schema for ${notEnabled(slug)}`);
    const fields = new Map<string, FieldEntry>();
    asArray(list).forEach((entry, index) => {
      const parsed = FieldDefinitionSchema.safeParse(entry);
      const key = parsed.success ? parsed.data.key : stringProp(entry, 'key');
      if (key === undefined) return;
      const first = fields.get(key);
      if (first) {
        report(['field_schemas', slug, index, 'key'], `duplicate field key "${key}" (first used at field_schemas.${slug}[${first.index}])`);
        return;
      }
      fields.set(key, { index, key, def: parsed.success ? parsed.data : undefined, raw: entry });
    });
    fieldsByModule.set(slug, fields);
  }
  /** Modules without a field schema get their fields from the tenant later; references into them are not checked. */
  const hasSchema = (slug: string): boolean => (fieldsByModule.get(slug)?.size ?? 0) > 0;
  const fieldDefs = (slug: string): FieldDefinition[] =>
    [...(fieldsByModule.get(slug)?.values() ?? [])].flatMap((entry) => (entry.def ? [entry.def] : []));

  /**
   * A field reference: a key, or a relationship path of up to MAX_PATH_HOPS hops walked by the one
   * path resolver formulas and workflow runs use. Modules without a field schema (tenant-defined
   * later) and fields that failed their own schema resolve to 'unknown' rather than a second error.
   */
  const resolveField = (slug: string, ref: string, allowHop = true): Resolved => {
    const parts = ref.split('.');
    if (parts.length > 1 && !allowHop) return { ok: false, message: `"${ref}" must be a field of module "${slug}"` };
    if (parts.length === 1 && isSystemFieldKey(ref)) return { ok: true, type: SYSTEM_FIELD_TYPES[ref] };
    const known = (module: string): boolean => modules.has(module) && hasSchema(module);
    const entryOf = (module: string, key: string): FieldEntry | undefined => fieldsByModule.get(module)?.get(key);
    const resolved = resolveFieldPath(slug, parts, (module) =>
      known(module) ? [...(fieldsByModule.get(module)?.values() ?? [])].map((entry) => entry.def ?? { key: entry.key, type: 'unknown' }) : undefined,
    );
    const where = parts.length > 1 ? ` (in "${ref}")` : '';
    if (!resolved.ok) {
      if (resolved.reason === 'module' || (resolved.reason !== 'too-deep' && !known(resolved.module))) return { ok: true, type: 'unknown' };
      const key = parts[resolved.segment] ?? '';
      switch (resolved.reason) {
        case 'too-deep':
          return { ok: false, message: `"${ref}" follows ${parts.length - 1} relationships; a path may follow at most ${MAX_PATH_HOPS}` };
        case 'not-relationship':
          if (!entryOf(resolved.module, key)?.def) return { ok: true, type: 'unknown' };
          return { ok: false, message: `"${key}" is not a relationship field, so "${ref}" cannot be followed` };
        default:
          return { ok: false, message: `"${key}" is not a field of module "${resolved.module}"${where}` };
      }
    }
    if (resolved.system) return { ok: true, type: resolved.field.type as ResolvedType };
    const def = entryOf(resolved.module, resolved.field.key)?.def;
    return def ? { ok: true, type: def.type, def } : { ok: true, type: 'unknown' };
  };

  for (const [slug, fields] of fieldsByModule) {
    for (const { index, def, raw } of fields.values()) {
      const path = ['field_schemas', slug, index, 'options'];
      const target = def && relationshipOptions(def);
      if (!target) {
        // The field is malformed elsewhere (reported by its schema); its target can still be named now.
        const rawTarget = def ? undefined : rawRelatedModule(raw);
        if (rawTarget !== undefined && !modules.has(rawTarget)) report([...path, 'related_module'], `relationship to ${notEnabled(rawTarget)}`);
        continue;
      }
      if (!modules.has(target.related_module)) {
        report([...path, 'related_module'], `relationship to ${notEnabled(target.related_module)}`);
        continue;
      }
      const display = resolveField(target.related_module, target.display_field, false);
      if (!display.ok) report([...path, 'display_field'], display.message);
    }
  }

  // --- formulas and validation rules (types, paths, cycles, read budget) ----------
  issues.push(
    ...collectFormulaIssues({
      modules: [...modules].map(([slug, { index, def }]) => ({
        slug,
        modulePath: ['enabled_modules', index],
        rules: def?.validation_rules ?? [],
        fields: [...(fieldsByModule.get(slug)?.values() ?? [])].flatMap((entry) =>
          entry.def ? [{ def: entry.def, path: ['field_schemas', slug, entry.index] }] : [],
        ),
      })),
    }),
  );

  // --- module-level references -------------------------------------------------
  for (const [slug, { index, def }] of modules) {
    if (!def || !hasSchema(slug)) continue;
    const fields = fieldsByModule.get(slug) ?? new Map<string, FieldEntry>();
    const path = ['enabled_modules', index];
    if (def.display_field !== undefined) {
      const display = resolveField(slug, def.display_field, false);
      if (!display.ok) report([...path, 'display_field'], display.message);
    }
    if (def.status_field !== undefined) {
      const status = fields.get(def.status_field);
      if (!status) report([...path, 'status_field'], `"${def.status_field}" is not a field of module "${slug}"`);
      else if (status.def && status.def.type !== 'select') report([...path, 'status_field'], `"${def.status_field}" must be a select field`);
    }
    const statusKey = statusFieldFor(def, fieldDefs(slug));
    const statusDef = statusKey === undefined ? undefined : fields.get(statusKey)?.def;
    if (def.default_statuses && statusDef?.type === 'select') {
      const options = selectOptionValues(statusDef);
      const statuses = def.default_statuses;
      statuses.forEach((status, i) => {
        if (!options.includes(status)) {
          report([...path, 'default_statuses', i], `"${status}" is not an option of the status field "${statusDef.key}"`);
        }
      });
      const missing = options.filter((option) => !statuses.includes(option));
      if (missing.length > 0) {
        report([...path, 'default_statuses'], `missing status field option(s) ${missing.map((m) => `"${m}"`).join(', ')}`);
      }
    }
  }

  // --- workflows ---------------------------------------------------------------
  for (const [slug, list] of entriesOf(input.workflow_schemas)) {
    if (!modules.has(slug)) report(['workflow_schemas', slug], `workflows for ${notEnabled(slug)}`);
    const names = new Map<string, number>();
    asArray(list).forEach((entry, index) => {
      const parsed = WorkflowDefinitionSchema.safeParse(entry);
      if (!parsed.success) return;
      const workflow = parsed.data;
      const path = ['workflow_schemas', slug, index];
      const first = names.get(workflow.name);
      if (first !== undefined) report([...path, 'name'], `duplicate workflow name "${workflow.name}" (first used at workflow_schemas.${slug}[${first}])`);
      else names.set(workflow.name, index);
      checkWorkflow(slug, workflow, path);
    });
  }

  function checkWorkflow(slug: string, workflow: WorkflowDefinition, path: PropertyKey[]): void {
    if (workflow.trigger_conditions) {
      for (const { leaf, path: leafPath } of conditionLeaves(workflow.trigger_conditions)) {
        checkConditionLeaf(slug, workflow, leaf, [...path, 'trigger_conditions', ...leafPath]);
      }
    }
    const config = workflow.trigger_config;
    if (config && 'field' in config) {
      const target = resolveField(slug, config.field, false);
      if (!target.ok) report([...path, 'trigger_config', 'field'], target.message);
      else if (!isDateType(target.type)) report([...path, 'trigger_config', 'field'], `"${config.field}" must be a date or datetime field`);
    } else if (config && 'fields' in config && config.fields) {
      config.fields.forEach((field, i) => {
        const target = resolveField(slug, field, false);
        if (!target.ok) report([...path, 'trigger_config', 'fields', i], target.message);
      });
    } else if (config && workflow.trigger_type === 'status_changed' && hasSchema(slug)) {
      const module = modules.get(slug)?.def;
      const statusKey = module ? statusFieldFor(module, fieldDefs(slug)) : undefined;
      const statusDef = statusKey === undefined ? undefined : fieldsByModule.get(slug)?.get(statusKey)?.def;
      if (module && statusKey === undefined) {
        report([...path, 'trigger_type'], `module "${slug}" has no status field`);
      } else if (statusDef) {
        const options = selectOptionValues(statusDef);
        const sides = config as { from?: string[]; to?: string[] };
        for (const side of ['from', 'to'] as const) {
          (sides[side] ?? []).forEach((value, i) => {
            if (!options.includes(value)) report([...path, 'trigger_config', side, i], `"${value}" is not an option of "${statusDef.key}"`);
          });
        }
      }
    }
    workflow.actions.forEach((action, i) => {
      const actionPath = [...path, 'actions', i];
      for (const [prop, text] of Object.entries(action)) {
        if (prop === 'type' || prop === 'value') continue;
        for (const item of Array.isArray(text) ? text : [text]) {
          if (typeof item === 'string') checkPlaceholders(slug, item, [...actionPath, prop]);
        }
      }
      if (action.type === 'update_field') {
        const target = isSystemFieldKey(action.field) ? undefined : fieldsByModule.get(slug)?.get(action.field);
        if (!hasSchema(slug)) return;
        if (!target) {
          report([...actionPath, 'field'], `"${action.field}" is not a field of module "${slug}"`);
          return;
        }
        if (target.def) {
          const result = checkFieldValue(target.def, action.value);
          if (!result.ok) report([...actionPath, 'value'], result.message);
        }
      }
    });
  }

  function checkConditionLeaf(slug: string, workflow: WorkflowDefinition, leaf: ConditionLeaf, path: PropertyKey[]): void {
    const target = resolveField(slug, leaf.field);
    if (!target.ok) {
      report([...path, 'field'], target.message);
      return;
    }
    if (CHANGE_OPERATORS.includes(leaf.operator) && !UPDATE_TRIGGER_TYPES.includes(workflow.trigger_type)) {
      report([...path, 'operator'], `${leaf.operator} only applies to ${UPDATE_TRIGGER_TYPES.join(', ')} workflows`);
    }
    if (target.type === 'unknown') return;
    if (DATE_OPERATORS.includes(leaf.operator) && !isDateType(target.type)) {
      report([...path, 'operator'], `${leaf.operator} needs a date or datetime field; "${leaf.field}" is ${target.type}`);
    }
    if (ORDERING_OPERATORS.includes(leaf.operator) && !isDateType(target.type) && !isNumericType(target.type)) {
      report([...path, 'operator'], `${leaf.operator} needs a number, currency, date or datetime field; "${leaf.field}" is ${target.type}`);
    }
    if (target.def && CHOICE_FIELD_TYPES.includes(target.type) && VALUE_COMPARED_OPERATORS.includes(leaf.operator)) {
      const options = selectOptionValues(target.def);
      const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
      values.forEach((value) => {
        if (typeof value !== 'string' || !options.includes(value)) {
          report([...path, 'value'], `${JSON.stringify(value)} is not an option of "${leaf.field}"`);
        }
      });
    }
  }

  function checkPlaceholders(slug: string, text: string, path: PropertyKey[]): void {
    for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
      const ref = match[1] ?? '';
      const target = resolveField(slug, ref);
      if (!target.ok) report(path, `placeholder {{data.${ref}}}: ${target.message}`);
    }
  }

  // --- dashboards --------------------------------------------------------------
  for (const [name, dashboard] of entriesOf(input.dashboard_layout)) {
    asArray(isRecord(dashboard) ? dashboard.widgets : undefined).forEach((entry, index) => {
      const parsed = WidgetSchema.safeParse(entry);
      const path = ['dashboard_layout', name, 'widgets', index, 'config'];
      if (parsed.success) checkWidget(parsed.data, path);
      else {
        // A malformed widget is reported by its schema; a missing module is reported with it, not after the fix.
        const config = isRecord(entry) ? entry.config : undefined;
        const slug = isRecord(config) ? config.module : undefined;
        if (typeof slug === 'string' && slug !== '' && !modules.has(slug)) report([...path, 'module'], notEnabled(slug));
      }
    });
  }

  function checkWidget(widget: Widget, path: PropertyKey[]): void {
    const slug = widget.config.module;
    if (!modules.has(slug)) {
      report([...path, 'module'], notEnabled(slug));
      return;
    }
    const expect = (ref: string, refPath: PropertyKey[], want?: { types: readonly FieldType[]; noun: string }): ResolvedType | undefined => {
      const target = resolveField(slug, ref, false);
      if (!target.ok) {
        report(refPath, target.message);
        return undefined;
      }
      if (want && target.type !== 'unknown' && !want.types.includes(target.type)) {
        report(refPath, `"${ref}" must be ${want.noun}; it is ${target.type}`);
      }
      return target.type;
    };
    const numeric = { types: NUMERIC_FIELD_TYPES, noun: 'a number or currency field' };
    switch (widget.type) {
      case 'metric_card':
        if (widget.config.field !== undefined) {
          expect(widget.config.field, [...path, 'field'], widget.config.aggregation === 'count' ? undefined : numeric);
        }
        break;
      case 'chart': {
        const xType = expect(widget.config.x_axis, [...path, 'x_axis']);
        if (widget.config.group_by && xType !== undefined && xType !== 'unknown' && !isDateType(xType)) {
          report([...path, 'group_by'], `group_by needs a date or datetime x_axis; "${widget.config.x_axis}" is ${xType}`);
        }
        const y = widget.config.y_axis;
        if (y !== 'count') expect(y.field, [...path, 'y_axis', 'field'], y.aggregation === 'count' ? undefined : numeric);
        break;
      }
      case 'recent_records':
        widget.config.fields.forEach((field, i) => expect(field, [...path, 'fields', i]));
        break;
      case 'pipeline':
        expect(widget.config.stage_field, [...path, 'stage_field'], { types: ['select'], noun: 'a select field' });
        if (widget.config.value_field !== undefined) expect(widget.config.value_field, [...path, 'value_field'], numeric);
        break;
    }
    // A filter may go through one relationship (`patient.gender`), as services/dashboards/path-filter.ts answers it.
    const filter = widget.config.filter ?? {};
    const pathKeys = Object.keys(filter).filter((key) => key.includes('.'));
    let keysOk = true;
    for (const [key, value] of Object.entries(filter)) {
      const target = resolveField(slug, key);
      const filterPath = [...path, 'filter', key];
      const [relationship = ''] = key.split('.');
      const hops = key.split('.').length - 1;
      if (!target.ok) {
        report(filterPath, target.message);
        keysOk = false;
        continue;
      }
      const problem =
        hops > 1
          ? `"${key}" follows ${hops} relationships; dashboard filters follow one (e.g. "patient.gender")`
          : hops === 1 && key !== pathKeys[0]
            ? `"${pathKeys[0]}" and "${key}" both go through a relationship; a figure may use one such filter`
            : hops === 1 && isDateType(target.type)
              ? `"${key}" is a date field; through a relationship a dashboard filters on values (select, checkbox, text...)`
              : hops === 1 && Object.hasOwn(filter, relationship)
                ? `"${key}" and "${relationship}" cannot be combined; keep one of them`
                : null;
      if (problem) {
        report(filterPath, problem);
        keysOk = false;
        continue;
      }
      const values = Array.isArray(value) ? value : [value];
      if (target.def && CHOICE_FIELD_TYPES.includes(target.def.type)) {
        const options = selectOptionValues(target.def);
        for (const v of values) {
          if (typeof v !== 'string' || !options.includes(v)) report(filterPath, `${JSON.stringify(v)} is not an option of "${key}"`);
        }
      } else if (isDateType(target.type)) {
        for (const v of values) {
          const ok = isRelativeDate(v) || (typeof v === 'string' && (isCalendarDate(v) || normalizeDateTime(v) !== undefined));
          if (!ok) {
            report(filterPath, `${JSON.stringify(v)} must be a date (2026-03-01) or a relative date such as "today"`);
            keysOk = false;
          }
        }
      }
    }
    // Then what the server answers the whole filter with: parsed as a saved dashboard's is, a path
    // filter standing as a filter on its relationship, then what one query can combine.
    if (keysOk && hasSchema(slug)) {
      const asServed = Object.fromEntries(Object.entries(filter).map(([key, value]) => (key.includes('.') ? [key.split('.')[0], ['path-filter-check']] : [key, value])));
      const parsed = parseWidgetFilter({ filter: asServed, fields: fieldDefs(slug), today: TEMPLATE_CHECK_DAY });
      const problem = parsed.ok ? filterCombinationProblem(parsed.conditions) : parsed.message;
      if (problem) report([...path, 'filter'], problem);
    }
  }

  // --- index slots and Firestore's per-document limits ---------------------------
  // Fields a dashboard sums, averages or min/maxes are indexed when the template is selected (index-slots.ts).
  const impliedIndexed = new Map<string, Set<string>>();
  for (const [, dashboard] of entriesOf(input.dashboard_layout)) {
    for (const entry of asArray(isRecord(dashboard) ? dashboard.widgets : undefined)) {
      const parsed = WidgetSchema.safeParse(entry);
      if (!parsed.success) continue;
      const keys = impliedIndexed.get(parsed.data.config.module) ?? new Set<string>();
      for (const key of widgetValueFields(parsed.data)) keys.add(key);
      impliedIndexed.set(parsed.data.config.module, keys);
    }
  }
  for (const [slug] of fieldsByModule) {
    const implied = impliedIndexed.get(slug) ?? new Set<string>();
    const fields = fieldDefs(slug).map((field) => (implied.has(field.key) && INDEXABLE_FIELD_TYPES.includes(field.type) ? { ...field, indexed: true } : field));
    const indexed = indexedFieldsOf(fields);
    if (indexed.length > MAX_INDEXED_FIELDS) {
      report(
        ['field_schemas', slug],
        `${indexed.length} indexed fields (${indexed.map((field) => `"${field.key}"`).join(', ')}, counting those dashboards sum or average); a module has ${MAX_INDEXED_FIELDS} index slots: un-index some`,
      );
    }
    for (const message of checkRecordBudget({ module: slug, fields })) report(['field_schemas', slug], message);
  }

  // --- roll-ups: their relationship, aggregated field and filter live in another module ---
  issues.push(...rollupTemplateIssues(fieldsByModule));

  // --- permissions -------------------------------------------------------------
  const matrix = isRecord(input.permissions_matrix) ? input.permissions_matrix : {};
  for (const role of TENANT_ROLES) {
    for (const [slug] of entriesOf(matrix[role])) {
      if (!modules.has(slug)) report(['permissions_matrix', role, slug], `permissions for ${notEnabled(slug)}`);
    }
  }
  const fieldLevels = isRecord(input.field_permissions) ? input.field_permissions : {};
  for (const [role, byModule] of entriesOf(fieldLevels)) {
    for (const [slug, byField] of entriesOf(byModule)) {
      if (!modules.has(slug)) {
        report(['field_permissions', role, slug], `field levels for ${notEnabled(slug)}`);
        continue;
      }
      const keys = new Set(fieldDefs(slug).map((field) => field.key));
      for (const [key] of entriesOf(byField)) {
        if (!keys.has(key)) report(['field_permissions', role, slug, key], `"${slug}" has no field "${key}"`);
      }
    }
  }

  // --- languages ---------------------------------------------------------------
  const languages = input.languages;
  const defaultLanguage = typeof input.default_language === 'string' ? input.default_language : 'en';
  if (Array.isArray(languages) && !languages.includes(defaultLanguage)) {
    report(['default_language'], `"${defaultLanguage}" is not one of the template's languages`);
  }

  return issues;
}

function isDateType(type: ResolvedType): boolean {
  return type !== 'unknown' && DATE_FIELD_TYPES.includes(type);
}

function isNumericType(type: ResolvedType): boolean {
  return type !== 'unknown' && NUMERIC_FIELD_TYPES.includes(type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function entriesOf(value: unknown): Array<[string, unknown]> {
  return isRecord(value) ? Object.entries(value) : [];
}

function stringProp(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const prop = value[key];
  return typeof prop === 'string' ? prop : undefined;
}

/** `options.related_module` of a raw relationship field entry, when it names one. */
function rawRelatedModule(raw: unknown): string | undefined {
  if (!isRecord(raw) || raw.type !== 'relationship' || !isRecord(raw.options)) return undefined;
  const target = raw.options.related_module;
  return typeof target === 'string' && target !== '' ? target : undefined;
}
