import type { TModuleConfigView } from '@crm/api';
import { AGGREGATIONS, GRID_COLUMNS, WidgetSchema, type Aggregation, type Widget, type WidgetType } from '@crm/engine/template/dashboard-schema.js';
import { RELATIVE_DATE_VALUES, type RelativeDate } from '@crm/engine/template/relative-dates.js';
import type { LocalizedText } from '@crm/engine/template/localized-text.js';
import { relationshipOptions } from '@crm/engine/fields/field-definition.js';

type Field = TModuleConfigView['fields'][number];

/** One filter line as the editor shows it: a field and the values it may take ("any of"). */
export interface FilterRow {
  readonly field: string;
  readonly values: readonly string[];
}

/**
 * A widget flattened for a form: every input has a place, whatever the type,
 * so switching the type keeps what still applies.
 */
export interface WidgetDraft {
  readonly id: string;
  readonly type: WidgetType;
  readonly titleEn: string;
  readonly titleEs: string;
  readonly module: string;
  readonly position: Widget['position'];
  readonly aggregation: Aggregation;
  /** Metric: the measured field; chart: the summed/averaged field. */
  readonly field: string;
  readonly chartType: 'bar' | 'line' | 'pie' | 'donut';
  readonly xAxis: string;
  readonly groupBy: '' | 'day' | 'week' | 'month';
  readonly dateRange: '' | RelativeDate;
  readonly stageField: string;
  readonly valueField: string;
  readonly fields: readonly string[];
  readonly limit: number;
  readonly filters: readonly FilterRow[];
  /** Kept as they were for keys the form does not show (icon, color). */
  readonly icon?: string | undefined;
  readonly color?: string | undefined;
}

/** Grid size a new widget of each type starts with (12 columns; rows are ~56px). */
export const DEFAULT_SIZES: Record<WidgetType, { w: number; h: number }> = {
  metric_card: { w: 3, h: 2 },
  chart: { w: 6, h: 4 },
  recent_records: { w: 6, h: 5 },
  pipeline: { w: 12, h: 4 },
};

export const SYSTEM_DATE_KEYS = ['created_at', 'updated_at'] as const;
export const SYSTEM_LIST_KEYS = ['record_number', 'created_at', 'updated_at'] as const;

const isNumeric = (field: Field) => field.type === 'number' || field.type === 'currency';
const isDate = (field: Field) => field.type === 'date' || field.type === 'datetime';
const isChoice = (field: Field) => field.type === 'select' || field.type === 'multi_select' || field.type === 'checkbox';

/** What each picker may offer for a module: the server would refuse the rest. */
export function fieldChoices(module: TModuleConfigView | undefined) {
  const fields = (module?.fields ?? []).filter((field) => field.active !== false);
  // Sums, averages and min/max read a field's index slot: only indexed fields can be aggregated.
  const indexed = new Set((module?.index_slots ?? []).map((slot) => slot.field));
  return {
    numeric: fields.filter((field) => isNumeric(field) && indexed.has(field.key)),
    /** Chart axis: a choice field groups by value, a date field by day/week/month. */
    axis: fields.filter((field) => isChoice(field) || isDate(field)),
    stage: fields.filter((field) => field.type === 'select'),
    listable: fields.filter((field) => field.type !== 'file'),
    filterable: fields.filter((field) => field.type !== 'textarea' && field.type !== 'file'),
  };
}

/** Related-side field types a filter through a relationship can compare (the server refuses dates there). */
const PATH_FILTER_TYPES = new Set(['select', 'checkbox', 'text']);

/**
 * A filter key through one relationship (`patient.gender` on appointments):
 * the relationship, the related module and its field; null for the module's
 * own fields. The server answers it by filtering the related module first
 * (services/dashboards/README.md: one hop, at most 30 matching related records).
 */
export function pathFilterTarget(module: TModuleConfigView | undefined, modules: readonly TModuleConfigView[], key: string) {
  const [relationKey, fieldKey, ...rest] = key.split('.');
  if (fieldKey === undefined || rest.length > 0) return null;
  const relation = module?.fields.find((candidate) => candidate.key === relationKey && candidate.active !== false);
  const related = modules.find((candidate) => candidate.slug === (relation ? relationshipOptions(relation)?.related_module : undefined));
  const field = related?.fields.find((candidate) => candidate.key === fieldKey && candidate.active !== false);
  return relation && related && field ? { relation, module: related, field } : null;
}

/** Every filter key through one of the module's relationships whose related field can be compared. */
export function pathFilterKeys(module: TModuleConfigView | undefined, modules: readonly TModuleConfigView[]): string[] {
  return (module?.fields ?? [])
    .filter((field) => field.active !== false && field.type === 'relationship')
    .flatMap((relation) => {
      const related = modules.find((candidate) => candidate.slug === relationshipOptions(relation)?.related_module);
      return (related?.fields ?? []).filter((field) => field.active !== false && PATH_FILTER_TYPES.has(field.type)).map((field) => `${relation.key}.${field.key}`);
    });
}

export function isDateAxis(module: TModuleConfigView | undefined, key: string): boolean {
  if ((SYSTEM_DATE_KEYS as readonly string[]).includes(key)) return true;
  const field = module?.fields.find((candidate) => candidate.key === key);
  return field !== undefined && isDate(field);
}

export function filterKind(module: TModuleConfigView | undefined, key: string): 'date' | 'choice' | 'boolean' | 'number' | 'text' {
  if ((SYSTEM_DATE_KEYS as readonly string[]).includes(key)) return 'date';
  const field = module?.fields.find((candidate) => candidate.key === key);
  if (!field) return 'text';
  if (isDate(field)) return 'date';
  if (field.type === 'checkbox') return 'boolean';
  if (field.type === 'select' || field.type === 'multi_select') return 'choice';
  if (isNumeric(field)) return 'number';
  return 'text';
}

function localized(text: LocalizedText, language: 'en' | 'es'): string {
  if (typeof text === 'string') return language === 'en' ? text : '';
  return text[language] ?? '';
}

export function draftFromWidget(widget: Widget): WidgetDraft {
  const config = widget.config as Record<string, unknown>;
  const filter = (config.filter ?? {}) as Record<string, unknown>;
  const yAxis = widget.type === 'chart' ? widget.config.y_axis : 'count';
  return {
    id: widget.id,
    type: widget.type,
    titleEn: localized(widget.title, 'en'),
    titleEs: localized(widget.title, 'es'),
    module: widget.config.module,
    position: widget.position,
    aggregation: widget.type === 'metric_card' ? widget.config.aggregation : yAxis === 'count' ? 'count' : yAxis.aggregation,
    field: widget.type === 'metric_card' ? (widget.config.field ?? '') : yAxis === 'count' ? '' : yAxis.field,
    chartType: widget.type === 'chart' ? widget.config.chart_type : 'bar',
    xAxis: widget.type === 'chart' ? widget.config.x_axis : '',
    groupBy: widget.type === 'chart' ? (widget.config.group_by ?? '') : '',
    dateRange: widget.type === 'chart' ? (widget.config.date_range ?? '') : '',
    stageField: widget.type === 'pipeline' ? widget.config.stage_field : '',
    valueField: widget.type === 'pipeline' ? (widget.config.value_field ?? '') : '',
    fields: widget.type === 'recent_records' ? widget.config.fields : [],
    limit: widget.type === 'recent_records' ? widget.config.limit : 10,
    filters: Object.entries(filter).map(([field, value]) => ({
      field,
      values: (Array.isArray(value) ? value : [value]).map((item) => String(item)),
    })),
    icon: widget.type === 'metric_card' ? widget.config.icon : undefined,
    color: widget.type === 'metric_card' ? widget.config.color : undefined,
  };
}

/** A draft for a new widget, placed below everything else. */
export function newDraft(type: WidgetType, existing: readonly Widget[], module: TModuleConfigView | undefined): WidgetDraft {
  const { w, h } = DEFAULT_SIZES[type];
  const choices = fieldChoices(module);
  return {
    id: newWidgetId(type, existing),
    type,
    titleEn: '',
    titleEs: '',
    module: module?.slug ?? '',
    position: { x: 0, y: bottomOf(existing), w, h },
    aggregation: 'count',
    field: '',
    chartType: 'bar',
    xAxis: choices.axis[0]?.key ?? 'created_at',
    groupBy: '',
    dateRange: '',
    stageField: choices.stage[0]?.key ?? '',
    valueField: '',
    fields: choices.listable.slice(0, 3).map((field) => field.key),
    limit: 10,
    filters: [],
  };
}

export function bottomOf(widgets: readonly Pick<Widget, 'position'>[]): number {
  return widgets.reduce((bottom, widget) => Math.max(bottom, widget.position.y + widget.position.h), 0);
}

export function newWidgetId(type: WidgetType, existing: readonly Pick<Widget, 'id'>[]): string {
  const taken = new Set(existing.map((widget) => widget.id));
  const stem = type.replace('_', '-');
  for (let index = 1; ; index += 1) {
    const id = `${stem}-${index}`;
    if (!taken.has(id)) return id;
  }
}

/** Filter rows → the widget's `{ field: value | values }`, typed as the server compares them. */
export function filterFromRows(rows: readonly FilterRow[], module: TModuleConfigView | undefined, modules: readonly TModuleConfigView[] = []): Record<string, unknown> | undefined {
  const filter: Record<string, unknown> = {};
  for (const row of rows) {
    if (row.field === '' || row.values.length === 0) continue;
    const path = pathFilterTarget(module, modules, row.field);
    const kind = path ? filterKind(path.module, path.field.key) : filterKind(module, row.field);
    const values = row.values.map((value): unknown => (kind === 'boolean' ? value === 'true' : kind === 'number' ? Number(value) : value));
    filter[row.field] = values.length === 1 ? values[0] : values;
  }
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** The draft as the template widget format (checked with the server's own WidgetSchema before saving). */
export function widgetFromDraft(draft: WidgetDraft, module: TModuleConfigView | undefined, modules: readonly TModuleConfigView[] = []): Widget | { error: string } {
  const title: LocalizedText = draft.titleEs.trim() ? { en: draft.titleEn.trim() || draft.titleEs.trim(), es: draft.titleEs.trim() } : draft.titleEn.trim();
  const filter = filterFromRows(draft.filters, module, modules);
  const base = { id: draft.id, title, position: draft.position };
  let candidate: unknown;
  switch (draft.type) {
    case 'metric_card':
      candidate = {
        ...base,
        type: 'metric_card',
        config: {
          module: draft.module,
          aggregation: draft.aggregation,
          ...(draft.aggregation !== 'count' ? { field: draft.field } : {}),
          ...(filter ? { filter } : {}),
          ...(draft.icon ? { icon: draft.icon } : {}),
          ...(draft.color ? { color: draft.color } : {}),
        },
      };
      break;
    case 'chart': {
      const dateAxis = isDateAxis(module, draft.xAxis);
      candidate = {
        ...base,
        type: 'chart',
        config: {
          module: draft.module,
          chart_type: draft.chartType,
          x_axis: draft.xAxis,
          y_axis: draft.aggregation === 'count' || draft.field === '' ? 'count' : { aggregation: draft.aggregation, field: draft.field },
          ...(dateAxis ? { group_by: draft.groupBy || 'day' } : {}),
          ...(draft.dateRange ? { date_range: draft.dateRange } : {}),
          ...(filter ? { filter } : {}),
        },
      };
      break;
    }
    case 'recent_records':
      candidate = { ...base, type: 'recent_records', config: { module: draft.module, limit: draft.limit, fields: [...draft.fields], ...(filter ? { filter } : {}) } };
      break;
    case 'pipeline':
      candidate = {
        ...base,
        type: 'pipeline',
        config: {
          module: draft.module,
          stage_field: draft.stageField,
          ...(draft.valueField ? { value_field: draft.valueField } : {}),
          ...(filter ? { filter } : {}),
        },
      };
      break;
  }
  const parsed = WidgetSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid widget' };
  }
  return parsed.data;
}

/** Grid changes (drag, resize) applied to the widgets, clamped to the 12-column grid. */
export function applyLayout(widgets: readonly Widget[], layout: ReadonlyArray<{ i: string; x: number; y: number; w: number; h: number }>): Widget[] {
  const byId = new Map(layout.map((item) => [item.i, item]));
  let changed = false;
  const next = widgets.map((widget) => {
    const item = byId.get(widget.id);
    if (!item) return widget;
    const w = Math.min(Math.max(1, Math.round(item.w)), GRID_COLUMNS);
    const x = Math.min(Math.max(0, Math.round(item.x)), GRID_COLUMNS - w);
    const position = { x, y: Math.max(0, Math.round(item.y)), w, h: Math.min(Math.max(1, Math.round(item.h)), 24) };
    const same = position.x === widget.position.x && position.y === widget.position.y && position.w === widget.position.w && position.h === widget.position.h;
    if (same) return widget;
    changed = true;
    return { ...widget, position } as Widget;
  });
  return changed ? next : (widgets as Widget[]);
}

export const METRIC_AGGREGATIONS = AGGREGATIONS;
export const CHART_AGGREGATIONS = ['count', 'sum', 'avg'] as const;
export const RELATIVE_DATES = RELATIVE_DATE_VALUES;
