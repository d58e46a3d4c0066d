import { z } from 'zod';
import { IconNameSchema } from './icon-names.js';
import { LocalizedTextSchema } from './localized-text.js';
import { RELATIVE_DATE_VALUES } from './relative-dates.js';
import { TENANT_ROLES } from './permissions-schema.js';

export const WIDGET_TYPES = ['metric_card', 'chart', 'recent_records', 'pipeline'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];
export const AGGREGATIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
export const CHART_TYPES = ['bar', 'line', 'pie', 'donut'] as const;
export const GRID_COLUMNS = 12;

const enumError =
  (noun: string, values: readonly string[]) =>
  (iss: { input?: unknown }): string =>
    iss.input === undefined
      ? 'is required'
      : `unknown ${noun} ${JSON.stringify(iss.input)}; expected one of: ${values.join(', ')}`;

const AggregationSchema = z.enum(AGGREGATIONS, { error: enumError('aggregation', AGGREGATIONS) });
const RelativeDateSchema = z.enum(RELATIVE_DATE_VALUES, { error: enumError('date range', RELATIVE_DATE_VALUES) });
const FieldRefSchema = z.string().min(1).max(63);
const ModuleRefSchema = z.string().min(1).max(50);
/** Field → wanted value; a date field may use a relative date word ("today"). */
const FilterSchema = z.record(z.string().min(1).max(63), z.unknown());

export const PositionSchema = z
  .strictObject({
    x: z.number().int().min(0).max(GRID_COLUMNS - 1),
    y: z.number().int().min(0),
    w: z.number().int().min(1).max(GRID_COLUMNS),
    h: z.number().int().min(1).max(24),
  })
  .refine((position) => position.x + position.w <= GRID_COLUMNS, {
    error: `x + w must not exceed the ${GRID_COLUMNS}-column grid`,
  });

const widgetBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, { error: 'must be letters, digits, "-" or "_" (at most 64)' }),
  title: LocalizedTextSchema,
  position: PositionSchema,
};

export const MetricCardConfigSchema = z
  .strictObject({
    module: ModuleRefSchema,
    aggregation: AggregationSchema,
    field: FieldRefSchema.optional(),
    filter: FilterSchema.optional(),
    icon: IconNameSchema.optional(),
    color: z.string().min(1).max(32).optional(),
  })
  .refine((config) => config.aggregation === 'count' || config.field !== undefined, {
    path: ['field'],
    error: 'is required unless the aggregation is count',
  });

export const ChartConfigSchema = z.strictObject({
  module: ModuleRefSchema,
  chart_type: z.enum(CHART_TYPES, { error: enumError('chart type', CHART_TYPES) }),
  x_axis: FieldRefSchema,
  y_axis: z.union([z.literal('count'), z.strictObject({ aggregation: AggregationSchema, field: FieldRefSchema })], {
    error: 'must be "count" or { "aggregation": ..., "field": ... }',
  }),
  group_by: z.enum(['day', 'week', 'month']).optional(),
  date_range: RelativeDateSchema.optional(),
  filter: FilterSchema.optional(),
});

export const RecentRecordsConfigSchema = z.strictObject({
  module: ModuleRefSchema,
  limit: z.number().int().min(1).max(50).default(10),
  fields: z.array(FieldRefSchema).min(1, { error: 'must list at least one field' }).max(12),
  filter: FilterSchema.optional(),
});

export const PipelineConfigSchema = z.strictObject({
  module: ModuleRefSchema,
  stage_field: FieldRefSchema,
  value_field: FieldRefSchema.optional(),
  filter: FilterSchema.optional(),
});

export const WidgetSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...widgetBase, type: z.literal('metric_card'), config: MetricCardConfigSchema }),
  z.strictObject({ ...widgetBase, type: z.literal('chart'), config: ChartConfigSchema }),
  z.strictObject({ ...widgetBase, type: z.literal('recent_records'), config: RecentRecordsConfigSchema }),
  z.strictObject({ ...widgetBase, type: z.literal('pipeline'), config: PipelineConfigSchema }),
]);
export type Widget = z.infer<typeof WidgetSchema>;

export const DashboardSchema = z
  .strictObject({
    name: LocalizedTextSchema.optional(),
    /** null or absent: every role sees it. */
    role_restriction: z.enum(TENANT_ROLES).nullable().optional(),
    widgets: z.array(WidgetSchema).max(50),
  })
  .superRefine((dashboard, ctx) => {
    const seen = new Set<string>();
    dashboard.widgets.forEach((widget, index) => {
      if (seen.has(widget.id)) {
        ctx.addIssue({ code: 'custom', path: ['widgets', index, 'id'], message: `duplicate widget id "${widget.id}"` });
      }
      seen.add(widget.id);
    });
  });
export type Dashboard = z.infer<typeof DashboardSchema>;

export const DashboardLayoutSchema = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'dashboard names must be lower-case letters, digits, "-" or "_"' }),
  DashboardSchema,
);
export type DashboardLayout = z.infer<typeof DashboardLayoutSchema>;
