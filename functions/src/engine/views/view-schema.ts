/**
 * A saved view's body (services/views, api/search-schemas.ts): pure zod, so
 * services, the API and the SPA share one definition.
 */
import { z } from 'zod';
import { RELATIVE_DATE_VALUES } from '../template/relative-dates.js';

const FieldKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a field key like "full_name"');
const ModuleSlugSchema = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be a module slug like "patients"');
/** The list's filter (api/schemas.ts RecordFilterSchema has the same shape). */
const ListFilterSchema = z.strictObject({
  field: FieldKeySchema,
  op: z.enum(['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains']),
  value: z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.union([z.string().max(1000), z.number(), z.boolean()])).max(30)]),
});

export const VIEW_ROLES = ['owner', 'admin', 'member'] as const;
export const ViewRoleSchema = z.enum(VIEW_ROLES);

/** A list filter, or a date range relative to today (resolved in the tenant's zone when the view is opened). */
export const ViewFilterSchema = z.union([
  ListFilterSchema,
  z.strictObject({ field: FieldKeySchema, op: z.literal('relative'), value: z.enum(RELATIVE_DATE_VALUES) }),
]);
export type TViewFilter = z.infer<typeof ViewFilterSchema>;

/** `number`, `created_at`, `updated_at` or a field key. */
export const ViewColumnKeySchema = z.union([z.enum(['number', 'created_at', 'updated_at']), FieldKeySchema]);
export const ViewColumnSchema = z.strictObject({
  key: ViewColumnKeySchema,
  /** Pixels; absent: the table's default width. */
  width: z.number().int().min(40).max(1200).optional(),
});
export type TViewColumn = z.infer<typeof ViewColumnSchema>;

export const ViewBodySchema = z.strictObject({
  module: ModuleSlugSchema,
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(80),
  visibility: z.enum(['personal', 'tenant', 'roles']),
  /** With visibility `roles`: who sees it. */
  roles: z.array(ViewRoleSchema).max(VIEW_ROLES.length).default([]),
  type: z.enum(['table', 'kanban', 'calendar']).default('table'),
  /** Kanban columns: a select field. */
  kanbanField: FieldKeySchema.nullable().default(null),
  /** Calendar: a date or datetime field, and the initial range. */
  calendarField: FieldKeySchema.nullable().default(null),
  calendarMode: z.enum(['day', 'week', 'month']).default('month'),
  filters: z.array(ViewFilterSchema).max(10).default([]),
  search: z.string().max(200).default(''),
  /** Shown columns in order; empty: the module's default columns. */
  columns: z.array(ViewColumnSchema).max(100).default([]),
  sort: z.strictObject({ key: ViewColumnKeySchema, direction: z.enum(['asc', 'desc']) }).nullable().default(null),
  /** Table sections by a select field (counts per section). */
  groupBy: FieldKeySchema.nullable().default(null),
  pageSize: z.number().int().min(10).max(100).default(50),
});
export type TViewBody = z.infer<typeof ViewBodySchema>;
export type TViewBodyInput = z.input<typeof ViewBodySchema>;

