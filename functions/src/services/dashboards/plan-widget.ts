import type { DocumentStore, QuerySpec } from '../../store/document-store.js';
import type { Aggregation, CHART_TYPES, Widget } from '../../engine/template/dashboard-schema.js';
import type { FieldDefinition } from '../../engine/fields/field-definition.js';
import { optionLabel } from '../../engine/fields/field-definition.js';
import { isSystemFieldKey } from '../../engine/fields/system-fields.js';
import { bucketsOf, resolveRelativeDate, type DateGrouping, type DayRange } from '../../engine/dashboards/date-range.js';
import {
  isSystemDateField,
  parseWidgetFilter,
  type FilterCondition,
  type RangeCondition,
} from '../../engine/dashboards/parse-filter.js';
import type { RelativeDate } from '../../engine/template/relative-dates.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import { aggregateSelection, findExtreme, type SelectionFigures } from './aggregate-selection.js';
import { compileSelection, hasPreviousPeriod, type Selection } from './compile-selection.js';
import { MAX_INDEXED_FIELDS, slotFieldOf, type SlotField } from '../../engine/template/index-slots.js';
import { slotOf } from '../config/tenant-config.js';

/** A value field and the index slot that holds it. */
interface ValueSlot {
  readonly key: string;
  readonly slot: SlotField;
  readonly ready: boolean;
}

/** A widget whose configuration cannot be answered (refused on save, reported per widget on render). */
export class WidgetConfigError extends Error {
  override readonly name = 'WidgetConfigError';
}

export interface WidgetContext {
  readonly module: ResolvedModule;
  /** Set for viewers who may read only their own records. */
  readonly ownerId: string | null;
  readonly timeZone: string;
  /** Tenant-local day "today" is resolved against. */
  readonly today: string;
  readonly lang: string;
}

export interface RunContext {
  readonly store: DocumentStore;
  /** `crm_tenants/{tenantId}/records`. */
  readonly collection: string;
}

export type MetricFigures = {
  readonly type: 'metric_card';
  readonly aggregation: Aggregation;
  readonly value: number | null;
  readonly period: DayRange | null;
  readonly comparison: { readonly previous: number | null; readonly change: number | null; readonly changePercent: number | null; readonly period: DayRange } | null;
};
export type ChartFigures = {
  readonly type: 'chart';
  readonly chartType: (typeof CHART_TYPES)[number];
  readonly groupBy: 'value' | DateGrouping;
  readonly aggregation: 'count' | 'sum' | 'avg';
  readonly period: DayRange | null;
  readonly series: Array<{ readonly key: string; readonly label: string; readonly value: number | null }>;
};
export type RecentRecordsFigures = {
  readonly type: 'recent_records';
  readonly fields: string[];
  readonly records: Array<{ readonly id: string; readonly number: string; readonly display: string | null; readonly values: Record<string, unknown> }>;
};
export type PipelineFigures = {
  readonly type: 'pipeline';
  readonly stageField: string;
  readonly valueField: string | null;
  readonly stages: Array<{
    readonly stage: string;
    readonly label: string;
    readonly count: number;
    readonly sum: number | null;
    /** What the SPA passes to crmListRecords when the stage is clicked. */
    readonly listFilter: { readonly module: string; readonly filters: Array<{ readonly field: string; readonly op: 'eq'; readonly value: string }> };
  }>;
};
export type WidgetFigures = MetricFigures | ChartFigures | RecentRecordsFigures | PipelineFigures;

export interface WidgetPlan {
  run(context: RunContext): Promise<WidgetFigures>;
}

/** Default ranges of date-grouped charts that name none. */
const DEFAULT_RANGE: Record<DateGrouping, RelativeDate> = { day: 'last_30_days', week: 'last_90_days', month: 'this_year' };
const RECENT_BATCH_LIMIT = 50;
/** Groups (options, stages, date buckets) one chart or pipeline may have: each costs at least one aggregation. */
export const MAX_GROUPS = 60;

/**
 * Checks a widget against the tenant's module and turns it into a bounded
 * set of store operations (planning is synchronous and reads nothing, so
 * saving a dashboard validates with the very code that renders it). Every
 * plan costs the same number of queries whatever the record count:
 * - metric count/sum/avg: one count and one sum/avg aggregation per token chunk (twice with a change figure);
 * - metric min/max: one limit-1 query ordered by the field's index slot per token chunk;
 * - chart by a choice field: one aggregation per option (bounded by the option list);
 * - chart by day/week/month: one aggregation per bucket and chunk (bounded by the range);
 * - pipeline: one count and one sum aggregation per stage;
 * - recent records: `limit` documents per chunk, newest first.
 */
export function planWidget(widget: Widget, context: WidgetContext): WidgetPlan {
  const { module } = context;
  const fieldOf = (key: string, role: string): FieldDefinition => {
    const field = module.fields.find((candidate) => candidate.key === key);
    if (!field) throw new WidgetConfigError(`${role}: "${key}" is not a field of ${module.slug}`);
    return field;
  };
  /** A summed / averaged / min-maxed field must be indexed: its slot is what Firestore aggregates. */
  const numericField = (key: string, role: string): ValueSlot => {
    const field = fieldOf(key, role);
    if (field.type !== 'number' && field.type !== 'currency') throw new WidgetConfigError(`${role}: "${key}" must be a number or currency field`);
    const slot = slotOf(module, key);
    if (!slot) {
      throw new WidgetConfigError(
        `${role}: "${key}" is not indexed; mark it indexed in the ${module.slug} fields (at most ${MAX_INDEXED_FIELDS} per module) to sum, average or min/max it`,
      );
    }
    return { key, slot: slotFieldOf(slot.slot), ready: slot.state === 'ready' };
  };
  /** A slot still being backfilled would give partial figures: say so instead, per widget. */
  const requireReady = (value: ValueSlot | null): void => {
    if (value && !value.ready) throw new WidgetConfigError(`"${value.key}" is still being indexed; this figure appears when existing records are done`);
  };
  const parsed = parseWidgetFilter({ filter: widget.config.filter, fields: module.fields, today: context.today });
  if (!parsed.ok) throw new WidgetConfigError(parsed.message);
  const conditions = parsed.conditions;
  const compile = (extra: readonly FilterCondition[], period: 'current' | 'previous' = 'current'): Selection => {
    const result = compileSelection({ module, conditions: [...conditions, ...extra], ownerId: context.ownerId, timeZone: context.timeZone, period });
    if (!result.ok) throw new WidgetConfigError(result.message);
    return result.selection;
  };

  switch (widget.type) {
    case 'metric_card': {
      const { aggregation } = widget.config;
      const field = aggregation === 'count' ? null : numericField(widget.config.field ?? '', 'field');
      const current = compile([]);
      const previous = hasPreviousPeriod(conditions) ? compile([], 'previous') : null;
      if ((aggregation === 'min' || aggregation === 'max') && (current.hasDateBuckets || current.nativeRange)) {
        throw new WidgetConfigError(`${aggregation} can be filtered by field values but not by a date range`);
      }
      const relative = conditions.find((condition): condition is RangeCondition => condition.kind === 'range' && condition.previous !== null);
      const figure = async (run: RunContext, selection: Selection): Promise<number | null> => {
        if (field && (aggregation === 'min' || aggregation === 'max')) return findExtreme(run.store, run.collection, selection, field.slot, aggregation);
        const figures = await aggregateSelection(run.store, run.collection, selection, field?.slot ?? null);
        return aggregation === 'count' ? figures.count : aggregation === 'sum' ? figures.sum : figures.avg;
      };
      return {
        async run(run) {
          requireReady(field);
          const [value, before] = await Promise.all([figure(run, current), previous ? figure(run, previous) : Promise.resolve(null)]);
          const change = value !== null && before !== null ? value - before : null;
          return {
            type: 'metric_card',
            aggregation,
            value,
            period: relative?.range ?? null,
            comparison:
              previous && relative?.previous
                ? {
                    previous: before,
                    change,
                    changePercent: change !== null && before !== null && before !== 0 ? (change / Math.abs(before)) * 100 : null,
                    period: relative.previous,
                  }
                : null,
          };
        },
      };
    }

    case 'chart': {
      const { x_axis: xAxis, y_axis: yAxis } = widget.config;
      const aggregation = yAxis === 'count' ? 'count' : yAxis.aggregation;
      if (aggregation === 'min' || aggregation === 'max') throw new WidgetConfigError('charts plot count, sum or avg');
      const valueField = aggregation === 'count' || yAxis === 'count' ? null : numericField(yAxis.field, 'y_axis.field');
      const xField = isSystemDateField(xAxis) ? null : fieldOf(xAxis, 'x_axis');
      const isDateAxis = xField === null || xField.type === 'date' || xField.type === 'datetime';
      const pick = (figures: SelectionFigures | undefined): number | null =>
        figures === undefined ? null : aggregation === 'count' ? figures.count : aggregation === 'sum' ? figures.sum : figures.avg;
      const rangeWord = widget.config.date_range;

      if (isDateAxis) {
        if (conditions.some((condition) => condition.kind === 'range' && condition.field === xAxis)) {
          throw new WidgetConfigError(`filter: "${xAxis}" is the chart's axis; set its period with date_range`);
        }
        const grouping = widget.config.group_by ?? 'day';
        const range = resolveRelativeDate(rangeWord ?? DEFAULT_RANGE[grouping], context.today).current;
        const type = xField === null ? 'datetime' : (xField.type as 'date' | 'datetime');
        const dayBuckets = bucketsOf(range, grouping);
        if (dayBuckets.length > MAX_GROUPS) {
          throw new WidgetConfigError(`${dayBuckets.length} ${grouping}s is too many points (at most ${MAX_GROUPS}); group by a longer period or shorten date_range`);
        }
        const buckets = dayBuckets.map((bucket) => ({
          bucket,
          selection: compile([{ kind: 'range', field: xAxis, type, system: xField === null, range: bucket, previous: null, relative: null }]),
        }));
        return {
          async run(run) {
            requireReady(valueField);
            const values = await Promise.all(buckets.map(({ selection }) => aggregateSelection(run.store, run.collection, selection, valueField?.slot ?? null)));
            return {
              type: 'chart',
              chartType: widget.config.chart_type,
              groupBy: grouping,
              aggregation,
              period: range,
              series: buckets.map(({ bucket }, index) => ({ key: bucket.key, label: bucket.key, value: pick(values[index]) })),
            };
          },
        };
      }

      if (widget.config.group_by) throw new WidgetConfigError(`group_by needs a date x_axis; "${xAxis}" is ${xField.type}`);
      const categories = categoriesOf(xField, context.lang);
      // A chart by a choice field has no date axis: its date_range applies to when records were created.
      const extraRange: FilterCondition[] = [];
      let period: DayRange | null = null;
      if (rangeWord) {
        if (conditions.some((condition) => condition.kind === 'range' && condition.field === 'created_at')) {
          throw new WidgetConfigError('date_range applies to created_at, which the filter already sets');
        }
        period = resolveRelativeDate(rangeWord, context.today).current;
        extraRange.push({ kind: 'range', field: 'created_at', type: 'datetime', system: true, range: period, previous: null, relative: rangeWord });
      }
      const planned = categories.map((category) => ({
        category,
        selection: compile([...extraRange, { kind: 'facet', field: xField, values: [category.value] }]),
      }));
      return {
        async run(run) {
          requireReady(valueField);
          const values = await Promise.all(planned.map(({ selection }) => aggregateSelection(run.store, run.collection, selection, valueField?.slot ?? null)));
          return {
            type: 'chart',
            chartType: widget.config.chart_type,
            groupBy: 'value',
            aggregation,
            period,
            series: planned.map(({ category }, index) => ({ key: String(category.value), label: category.label, value: pick(values[index]) })),
          };
        },
      };
    }

    case 'pipeline': {
      const stageField = fieldOf(widget.config.stage_field, 'stage_field');
      if (stageField.type !== 'select') throw new WidgetConfigError(`stage_field: "${stageField.key}" must be a select field`);
      const valueField = widget.config.value_field === undefined ? null : numericField(widget.config.value_field, 'value_field');
      const stages = categoriesOf(stageField, context.lang).map((category) => ({
        category,
        selection: compile([{ kind: 'facet', field: stageField, values: [category.value] }]),
      }));
      return {
        async run(run) {
          requireReady(valueField);
          const values = await Promise.all(stages.map(({ selection }) => aggregateSelection(run.store, run.collection, selection, valueField?.slot ?? null)));
          return {
            type: 'pipeline',
            stageField: stageField.key,
            valueField: valueField?.key ?? null,
            stages: stages.map(({ category }, index) => ({
              stage: String(category.value),
              label: category.label,
              count: values[index]?.count ?? 0,
              sum: valueField === null ? null : (values[index]?.sum ?? 0),
              listFilter: { module: module.slug, filters: [{ field: stageField.key, op: 'eq' as const, value: String(category.value) }] },
            })),
          };
        },
      };
    }

    case 'recent_records': {
      const { fields, limit } = widget.config;
      for (const key of fields) if (!isSystemFieldKey(key)) fieldOf(key, 'fields');
      const selection = compile([]);
      // Newest first needs (array, createdAt DESC): only `tokens` has it, not the date buckets.
      if (selection.hasDateBuckets) throw new WidgetConfigError('recent records can filter by field values and created_at / updated_at, not by a range on a date field');
      const orderField = selection.nativeRange?.field ?? 'createdAt';
      const take = Math.min(limit, RECENT_BATCH_LIMIT);
      return {
        async run(run) {
          const batches = await Promise.all(
            selection.chunks.map((tokens) => {
              const spec: QuerySpec = {
                collection: run.collection,
                where: [
                  tokens.length === 1 ? { field: selection.array, op: 'array-contains', value: tokens[0] as string } : { field: selection.array, op: 'array-contains-any', value: tokens },
                  ...(selection.nativeRange
                    ? [
                        { field: orderField, op: '>=' as const, value: new Date(selection.nativeRange.startMs) },
                        { field: orderField, op: '<' as const, value: new Date(selection.nativeRange.endMs) },
                      ]
                    : []),
                ],
                orderBy: [{ field: orderField, direction: 'desc' }],
                limit: take,
              };
              return run.store.query(spec);
            }),
          );
          const records = batches
            .flat()
            .map((doc) => ({ id: doc.id, record: asStoredRecord(doc.data) }))
            .sort((a, b) => (b.record[orderField] as Date).getTime() - (a.record[orderField] as Date).getTime())
            .slice(0, take);
          return {
            type: 'recent_records',
            fields,
            records: records.map(({ id, record }) => ({ id, number: record.number, display: record.display, values: valuesOf(id, record, fields, module) })),
          };
        },
      };
    }
  }
}

interface Category {
  readonly value: string | boolean;
  readonly label: string;
}

/** The groups of a choice field: its options in order (bounded by the option list), or true/false. */
function categoriesOf(field: FieldDefinition, lang: string): Category[] {
  if (field.type === 'checkbox') return [{ value: true, label: 'Yes' }, { value: false, label: 'No' }];
  if ((field.type === 'select' || field.type === 'multi_select') && Array.isArray(field.options)) {
    if (field.options.length > MAX_GROUPS) {
      throw new WidgetConfigError(`"${field.key}" has ${field.options.length} options; charts and pipelines group at most ${MAX_GROUPS}`);
    }
    return field.options.map((option) => ({ value: typeof option === 'string' ? option : option.value, label: optionLabel(option, lang) }));
  }
  throw new WidgetConfigError(`"${field.key}" is a ${field.type} field: charts group by a select, multi-select, checkbox or date field`);
}

function valuesOf(id: string, record: StoredRecord, fields: readonly string[], module: ResolvedModule): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of fields) {
    switch (key) {
      case 'id':
        values[key] = id;
        break;
      case 'record_number':
        values[key] = record.number;
        break;
      case 'owner':
        values[key] = record.ownerId;
        break;
      case 'created_by':
        values[key] = record.createdBy;
        break;
      case 'updated_by':
        values[key] = record.updatedBy;
        break;
      case 'created_at':
        values[key] = record.createdAt.toISOString();
        break;
      case 'updated_at':
        values[key] = record.updatedAt.toISOString();
        break;
      default: {
        const field = module.fields.find((candidate) => candidate.key === key);
        const value = record.data[key] ?? null;
        values[key] = field?.type === 'relationship' && typeof value === 'string' ? (record.refs[key] ?? { id: value, display: null }) : value;
      }
    }
  }
  return values;
}
