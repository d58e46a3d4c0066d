/**
 * Wire format of global search, saved views, group counts and the calendar
 * (services/search, services/views). Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { FieldKeySchema, IdSchema, ModuleSlugSchema, RecordViewSchema, TenantIdSchema } from './schemas.js';

// ---- global search -------------------------------------------------------

export const ZSearchRecordsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  text: z.string().max(200),
  limit: z.number().int().min(1).max(40).optional(),
  /** Only these modules (e.g. a relationship picker); default every module the caller may read. */
  modules: z.array(ModuleSlugSchema).max(100).optional(),
});
export type TSearchRecordsRequest = z.infer<typeof ZSearchRecordsRequestSchema>;

export const SearchHitSchema = z.object({
  id: z.string(),
  module: z.string(),
  number: z.string(),
  display: z.string().nullable(),
  context: z.object({ field: z.string(), value: z.string() }).nullable(),
  updatedAt: z.string(),
});
export type TSearchHit = z.infer<typeof SearchHitSchema>;

export const ZSearchRecordsResponseSchema = z.object({
  hits: z.array(SearchHitSchema),
  /** Store queries run for this keystroke (1 up to 30 readable modules). */
  queries: z.number().int(),
  scanned: z.number().int(),
  truncated: z.boolean(),
});
export type TSearchRecordsResponse = z.infer<typeof ZSearchRecordsResponseSchema>;

// ---- saved views ---------------------------------------------------------

export { VIEW_ROLES, ViewRoleSchema, ViewFilterSchema, ViewColumnKeySchema, ViewColumnSchema, ViewBodySchema } from '../engine/views/view-schema.js';
export type { TViewFilter, TViewColumn, TViewBody, TViewBodyInput } from '../engine/views/view-schema.js';
import { ViewBodySchema, ViewRoleSchema, VIEW_ROLES } from '../engine/views/view-schema.js';

export const SavedViewSchema = ViewBodySchema.extend({
  id: z.string(),
  ownerId: z.string(),
  /** Roles that open this view by default in its module (set by admins on shared views). */
  defaultForRoles: z.array(ViewRoleSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Columns, filters or the sort/group/kanban/calendar field dropped because the caller may not read them. */
  dropped: z.array(z.string()),
  /** May the caller change or delete it. */
  editable: z.boolean(),
});
export type TSavedView = z.infer<typeof SavedViewSchema>;

export const ZListViewsRequestSchema = z.strictObject({ tenantId: TenantIdSchema, module: ModuleSlugSchema.optional() });
export const ZListViewsResponseSchema = z.object({
  views: z.array(SavedViewSchema),
  /** Module → the id of the view the caller's role opens by default. */
  defaults: z.record(z.string(), z.string()),
});
export type TListViewsResponse = z.infer<typeof ZListViewsResponseSchema>;

export const ZSaveViewRequestSchema = z.strictObject({ tenantId: TenantIdSchema, viewId: IdSchema.optional(), view: ViewBodySchema });
export type TSaveViewRequest = z.input<typeof ZSaveViewRequestSchema>;
export const ZViewResponseSchema = z.object({ view: SavedViewSchema });
export type TViewResponse = z.infer<typeof ZViewResponseSchema>;

export const ZDeleteViewRequestSchema = z.strictObject({ tenantId: TenantIdSchema, viewId: IdSchema });
export const ZOkResponseSchema = z.object({ ok: z.literal(true) });

export const ZSetDefaultViewRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  viewId: IdSchema,
  /** The roles this view becomes the default for (replacing their previous default in the module); empty clears. */
  roles: z.array(ViewRoleSchema).max(VIEW_ROLES.length),
});

// ---- group counts and calendar ------------------------------------------

export const ZCountGroupsRequestSchema = z.strictObject({ tenantId: TenantIdSchema, module: ModuleSlugSchema, field: FieldKeySchema });
export const ZCountGroupsResponseSchema = z.object({
  /** One entry per option of the select field, in option order, then `null` for records without a value. */
  groups: z.array(z.object({ value: z.string().nullable(), count: z.number().int() })),
  total: z.number().int(),
});
export type TCountGroupsResponse = z.infer<typeof ZCountGroupsResponseSchema>;

const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-11-24');
export const ZListCalendarRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  field: FieldKeySchema,
  /** Tenant-local days, `to` included; at most 42 days (a month grid). */
  from: DaySchema,
  to: DaySchema,
});
export const ZListCalendarResponseSchema = z.object({
  records: z.array(RecordViewSchema),
  /** True when the range holds more than the bound: the SPA says so and suggests a narrower view. */
  truncated: z.boolean(),
  queries: z.number().int(),
});
export type TListCalendarResponse = z.infer<typeof ZListCalendarResponseSchema>;
