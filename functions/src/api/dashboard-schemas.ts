/**
 * Request and response schemas of the dashboard callables (style of
 * schemas.ts): the wire format the SPA imports. Widget definitions reuse the
 * template's WidgetSchema, so a dashboard saved here is one a template could ship.
 */
import { z } from 'zod';
import { LocalizedTextSchema } from '../engine/template/template-schema.js';
import { AGGREGATIONS, CHART_TYPES, WidgetSchema } from '../engine/template/dashboard-schema.js';
import { IdSchema, TenantIdSchema } from './schemas.js';

const RoleSchema = z.enum(['owner', 'admin', 'member']);
const DashboardKeySchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, "-" or "_"');
const DayRangeSchema = z.object({ start: z.string(), end: z.string() });

export const DashboardViewSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: LocalizedTextSchema,
  role_restriction: RoleSchema.nullable(),
  widgets: z.array(WidgetSchema),
  is_default: z.boolean(),
  source: z.enum(['template', 'custom']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TDashboardView = z.infer<typeof DashboardViewSchema>;

// ---- list -------------------------------------------------------------------

export const ZListDashboardsRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export type TListDashboardsRequest = z.infer<typeof ZListDashboardsRequestSchema>;
export const ZListDashboardsResponseSchema = z.object({
  dashboards: z.array(DashboardViewSchema),
  /** The caller's landing dashboard: the default made for their role, else the default for everyone. */
  defaultDashboardId: z.string().nullable(),
});
export type TListDashboardsResponse = z.infer<typeof ZListDashboardsResponseSchema>;

// ---- data -------------------------------------------------------------------

export const ZGetDashboardDataRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  dashboardId: IdSchema,
  /** Language for option labels; titles come localized in `dashboard`. */
  lang: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(),
});
export type TGetDashboardDataRequest = z.infer<typeof ZGetDashboardDataRequestSchema>;

const MetricDataSchema = z.object({
  id: z.string(),
  status: z.literal('ok'),
  type: z.literal('metric_card'),
  aggregation: z.enum(AGGREGATIONS),
  value: z.number().nullable(),
  /** Local days [start, end) of the filter's relative date, if any. */
  period: DayRangeSchema.nullable(),
  /** The same figure over the previous period; null without a relative date filter. */
  comparison: z
    .object({ previous: z.number().nullable(), change: z.number().nullable(), changePercent: z.number().nullable(), period: DayRangeSchema })
    .nullable(),
});
const ChartDataSchema = z.object({
  id: z.string(),
  status: z.literal('ok'),
  type: z.literal('chart'),
  chartType: z.enum(CHART_TYPES),
  groupBy: z.enum(['value', 'day', 'week', 'month']),
  aggregation: z.enum(['count', 'sum', 'avg']),
  period: DayRangeSchema.nullable(),
  series: z.array(z.object({ key: z.string(), label: z.string(), value: z.number().nullable() })),
});
const RecentRecordsDataSchema = z.object({
  id: z.string(),
  status: z.literal('ok'),
  type: z.literal('recent_records'),
  fields: z.array(z.string()),
  records: z.array(z.object({ id: z.string(), number: z.string(), display: z.string().nullable(), values: z.record(z.string(), z.unknown()) })),
});
const PipelineDataSchema = z.object({
  id: z.string(),
  status: z.literal('ok'),
  type: z.literal('pipeline'),
  stageField: z.string(),
  valueField: z.string().nullable(),
  stages: z.array(
    z.object({
      stage: z.string(),
      label: z.string(),
      count: z.number(),
      sum: z.number().nullable(),
      /** Pass as `{ module, filters }` to crmListRecords to open the module list at this stage. */
      listFilter: z.object({
        module: z.string(),
        filters: z.array(z.object({ field: z.string(), op: z.literal('eq'), value: z.string() })),
      }),
    }),
  ),
});
const WidgetTypeSchema = z.enum(['metric_card', 'chart', 'recent_records', 'pipeline']);
const HiddenWidgetSchema = z.object({
  id: z.string(),
  type: WidgetTypeSchema,
  status: z.literal('hidden'),
  reason: z.literal('no-read-access'),
  message: z.string(),
});
const FailedWidgetSchema = z.object({ id: z.string(), type: WidgetTypeSchema, status: z.literal('error'), message: z.string() });

export const WidgetDataSchema = z.union([MetricDataSchema, ChartDataSchema, RecentRecordsDataSchema, PipelineDataSchema, HiddenWidgetSchema, FailedWidgetSchema]);
export type TWidgetData = z.infer<typeof WidgetDataSchema>;

export const ZGetDashboardDataResponseSchema = z.object({
  dashboard: DashboardViewSchema,
  /** The tenant's IANA zone relative dates were resolved in, and its "today". */
  timeZone: z.string(),
  today: z.string(),
  generatedAt: z.string(),
  /** One entry per widget of `dashboard.widgets`, same order and ids. */
  widgets: z.array(WidgetDataSchema),
});
export type TGetDashboardDataResponse = z.infer<typeof ZGetDashboardDataResponseSchema>;

// ---- save / delete ----------------------------------------------------------

export const DashboardInputSchema = z.strictObject({
  key: DashboardKeySchema.optional(),
  name: LocalizedTextSchema,
  role_restriction: RoleSchema.nullable().optional(),
  /** Checked with the template WidgetSchema and then against the tenant's modules and fields. */
  widgets: z.array(z.unknown()).max(50),
  is_default: z.boolean().optional(),
});
export type TDashboardInput = z.infer<typeof DashboardInputSchema>;

export const ZSaveDashboardRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  /** Absent: create. Present: replace that dashboard. */
  dashboardId: IdSchema.optional(),
  dashboard: DashboardInputSchema,
});
export type TSaveDashboardRequest = z.infer<typeof ZSaveDashboardRequestSchema>;
export const ZSaveDashboardResponseSchema = z.object({ dashboard: DashboardViewSchema });
export type TSaveDashboardResponse = z.infer<typeof ZSaveDashboardResponseSchema>;

export const ZDeleteDashboardRequestSchema = z.strictObject({ tenantId: TenantIdSchema, dashboardId: IdSchema });
export type TDeleteDashboardRequest = z.infer<typeof ZDeleteDashboardRequestSchema>;
export const ZDeleteDashboardResponseSchema = z.object({ deleted: z.literal(true) });
export type TDeleteDashboardResponse = z.infer<typeof ZDeleteDashboardResponseSchema>;
