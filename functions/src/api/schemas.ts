/**
 * Request and response schemas of every callable: the one source of truth for
 * the wire format. The SPA imports these (they depend on zod and the pure
 * engine only) so its forms validate exactly what the server will.
 */
import { IconNameSchema } from '../engine/template/icon-names.js';
import { z } from 'zod';
import {
  FieldDefinitionSchema,
  LocalizedTextSchema,
  ModuleDefinitionSchema,
  PermissionActionSchema,
  PermissionsMatrixSchema,
  TENANT_ROLES,
} from '../engine/template/template-schema.js';
import { IndexSlotSchema } from '../engine/template/index-slots.js';

const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Firestore reserves document ids of the form `__x__` (`__name__`, `__proto__`); it refuses them on write and read. */
const RESERVED_ID = /^__.*__$/;
export const IdSchema = z
  .string()
  .regex(ID, 'must be an id of letters, digits, "-" or "_" (at most 128)')
  .refine((id) => !RESERVED_ID.test(id), 'must not start and end with "__" (Firestore reserves such ids)');
export const TenantIdSchema = IdSchema;
export const ModuleSlugSchema = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be a module slug like "patients"');
export const FieldKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a field key like "full_name"');
const TemplateSlugSchema = z.string().regex(/^[a-z][a-z0-9-]{1,49}$/, 'must be a template slug like "hospital"');

/**
 * Record data: a map of field keys to values. Keys are checked against the
 * module's fields by the service; here only their shape and the size of the
 * whole payload are bounded.
 */
export const RecordDataSchema = z
  .record(z.string().max(64), z.unknown())
  .refine((data) => Object.keys(data).length <= 200, 'has too many fields (at most 200)')
  .refine((data) => JSON.stringify(data).length <= 256 * 1024, 'is too large (at most 256 KB)');

// ---- bootstrap --------------------------------------------------------------

export const ZBootstrapRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export type TBootstrapRequest = z.infer<typeof ZBootstrapRequestSchema>;

const AccessScopeSchema = z.enum(['all', 'own', 'none']);
export const ModulePermissionsSchema = z.object({
  create: AccessScopeSchema,
  read: AccessScopeSchema,
  update: AccessScopeSchema,
  delete: AccessScopeSchema,
  export: AccessScopeSchema,
});

export const ModuleConfigViewSchema = ModuleDefinitionSchema.extend({
  /** Any stored name: modules saved before icons were checked against the set still load. */
  icon: z.string().optional(),
  fields: z.array(FieldDefinitionSchema),
  source: z.enum(['template', 'custom']),
  record_prefix: z.string(),
  display_field: z.string().nullable(),
  status_field: z.string().nullable(),
  /** Index slots of the module's indexed fields; `backfilling` until existing records carry the value. */
  index_slots: z.array(IndexSlotSchema),
});
export type TModuleConfigView = z.infer<typeof ModuleConfigViewSchema>;

/** Languages the SPA ships dictionaries for (web/src/lib/i18n); a test keeps the two lists equal. */
export const UI_LANGUAGES = ['en', 'es'] as const;
export const UiLanguageSchema = z.enum(UI_LANGUAGES, { error: 'must be one of: en, es' });

export const ConfigViewSchema = z.object({
  template: z.object({ slug: z.string(), version: z.string(), name: z.string() }),
  modules: z.array(ModuleConfigViewSchema),
  permissionsMatrix: PermissionsMatrixSchema,
  /** The tenant's IANA time zone for "today", reminders and dashboards; 'UTC' until an admin sets one. */
  timezone: z.string(),
  /**
   * The language an admin chose for people who have not picked one on their
   * device; null until set (then the browser's language applies).
   */
  defaultLanguage: UiLanguageSchema.nullable(),
  revision: z.number().int(),
});
export type TConfigView = z.infer<typeof ConfigViewSchema>;

export const ZBootstrapResponseSchema = z.object({
  tenant: z.object({ id: z.string(), name: z.string() }),
  user: z.object({
    uid: z.string(),
    role: z.enum(['owner', 'admin', 'member']).nullable(),
    platformRole: z.enum(['super_admin', 'staff']).nullable(),
  }),
  templateSelected: z.boolean(),
  canManageConfiguration: z.boolean(),
  config: ConfigViewSchema.nullable(),
  permissions: z.record(z.string(), ModulePermissionsSchema),
  /** Field-level security for this user: module → field → `read` | `none` (absent: `edit`). */
  fieldLevels: z.record(z.string(), z.record(z.string(), z.enum(['read', 'none']))).optional(),
  /** Set while an admin previews the CRM as another role (read-only); `role` above is the previewed one. */
  preview: z.object({ role: z.enum(['owner', 'admin', 'member']), realRole: z.enum(['owner', 'admin', 'member']).nullable() }).nullable().optional(),
});
export type TBootstrapResponse = z.infer<typeof ZBootstrapResponseSchema>;

export const ZListMyTenantsRequestSchema = z.strictObject({});
export const ZListMyTenantsResponseSchema = z.object({
  tenants: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(['owner', 'admin', 'member']).nullable() })),
});
export type TListMyTenantsResponse = z.infer<typeof ZListMyTenantsResponseSchema>;

// ---- templates --------------------------------------------------------------

export const ZListTemplatesRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export const TemplateCardSchema = z.object({
  slug: z.string(),
  name: z.string(),
  industryType: z.string(),
  description: z.string(),
  iconUrl: z.string().nullable(),
  version: z.string(),
  modules: z.array(
    z.object({
      slug: z.string(),
      label: LocalizedTextSchema,
      icon: z.string().nullable(),
      fields: z.array(z.object({ key: z.string(), label: LocalizedTextSchema, type: z.string(), required: z.boolean() })),
    }),
  ),
  workflowCount: z.number().int(),
  dashboardCount: z.number().int(),
});
export type TTemplateCard = z.infer<typeof TemplateCardSchema>;
export const ZListTemplatesResponseSchema = z.object({ templates: z.array(TemplateCardSchema) });
export type TListTemplatesResponse = z.infer<typeof ZListTemplatesResponseSchema>;

export const ZSelectTemplateRequestSchema = z.strictObject({ tenantId: TenantIdSchema, templateSlug: TemplateSlugSchema });
export type TSelectTemplateRequest = z.infer<typeof ZSelectTemplateRequestSchema>;
export const ZConfigResponseSchema = z.object({ config: ConfigViewSchema });
export type TConfigResponse = z.infer<typeof ZConfigResponseSchema>;

// ---- tenant settings ---------------------------------------------------------

/** The zone itself is checked by the service (`Intl` decides what a time zone is). */
export const ZUpdateTenantSettingsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  timezone: z.string().min(1).max(64),
  /** Absent leaves the tenant's default language as it is. */
  defaultLanguage: UiLanguageSchema.optional(),
});
export type TUpdateTenantSettingsRequest = z.infer<typeof ZUpdateTenantSettingsRequestSchema>;

// ---- custom fields and modules ---------------------------------------------

/** A field as an admin submits it: the template field schema, minus what only templates may set. */
export const CustomFieldInputSchema = FieldDefinitionSchema;

export const ZAddFieldRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  field: CustomFieldInputSchema,
});
export type TAddFieldRequest = z.input<typeof ZAddFieldRequestSchema>;

export const FieldChangesSchema = z.strictObject({
  label: LocalizedTextSchema.optional(),
  required: z.boolean().optional(),
  searchable: z.boolean().optional(),
  unique: z.boolean().optional(),
  active: z.boolean().optional(),
  default: z.unknown().optional(),
  options: z.unknown().optional(),
  validation: z.unknown().optional(),
  help_text: LocalizedTextSchema.optional(),
  /** Index the field (number, currency, date, datetime): existing records are backfilled by a job with progress. */
  indexed: z.boolean().optional(),
  /** Imports may match existing records on this field (an admin's choice). */
  import_key: z.boolean().optional(),
});
export const ZUpdateFieldRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  key: FieldKeySchema,
  changes: FieldChangesSchema,
});
export type TUpdateFieldRequest = z.input<typeof ZUpdateFieldRequestSchema>;

export const ZReorderFieldsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  keys: z.array(FieldKeySchema).min(1).max(500),
});
export const ZDeactivateFieldRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  key: FieldKeySchema,
});

export const ZCreateModuleRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: z.strictObject({
    slug: ModuleSlugSchema,
    label: LocalizedTextSchema,
    label_plural: LocalizedTextSchema.optional(),
    icon: IconNameSchema.optional(),
    record_prefix: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2–10 capital letters or digits, like "VEH"').optional(),
    default_statuses: z.array(z.string().min(1).max(64)).max(50).optional(),
  }),
  fields: z.array(CustomFieldInputSchema).min(1).max(200),
  /** Actions per role on the new module; by default owners and admins get `*`, members their own records. */
  permissions: z.partialRecord(z.enum(TENANT_ROLES), z.array(PermissionActionSchema).max(9)).optional(),
});
export type TCreateModuleRequest = z.input<typeof ZCreateModuleRequestSchema>;

// ---- records -----------------------------------------------------------------

export const RecordViewSchema = z.object({
  id: z.string(),
  module: z.string(),
  number: z.string(),
  data: z.record(z.string(), z.unknown()),
  display: z.string().nullable(),
  related: z.record(z.string(), z.object({ id: z.string(), display: z.string().nullable() })),
  ownerId: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deleted: z.boolean(),
  deletedAt: z.string().nullable(),
  version: z.number().int(),
});
export type TRecordView = z.infer<typeof RecordViewSchema>;
export const ZRecordResponseSchema = z.object({ record: RecordViewSchema });
export type TRecordResponse = z.infer<typeof ZRecordResponseSchema>;

export const ZCreateRecordRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  data: RecordDataSchema,
});
export type TCreateRecordRequest = z.infer<typeof ZCreateRecordRequestSchema>;

export const ZGetRecordRequestSchema = z.strictObject({ tenantId: TenantIdSchema, recordId: IdSchema });
export type TGetRecordRequest = z.infer<typeof ZGetRecordRequestSchema>;

export const ZUpdateRecordRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  recordId: IdSchema,
  expectedVersion: z.number().int().positive(),
  data: RecordDataSchema,
});
export type TUpdateRecordRequest = z.infer<typeof ZUpdateRecordRequestSchema>;

export const ZDeleteRecordRequestSchema = ZGetRecordRequestSchema;
export const ZRestoreRecordRequestSchema = ZGetRecordRequestSchema;

export const RecordFilterSchema = z.strictObject({
  field: FieldKeySchema,
  op: z.enum(['eq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains']),
  value: z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.union([z.string().max(1000), z.number(), z.boolean()])).max(30)]),
});
export type TRecordFilter = z.infer<typeof RecordFilterSchema>;

export const ZListRecordsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  module: ModuleSlugSchema,
  filters: z.array(RecordFilterSchema).max(10).optional(),
  search: z.string().max(200).optional(),
  /** number, created_at, updated_at, or the key of an indexed field of the module (sorted across all pages). */
  sort: z.union([z.enum(['number', 'created_at', 'updated_at']), FieldKeySchema]).optional(),
  direction: z.enum(['asc', 'desc']).optional(),
  pageSize: z.number().int().min(1).max(100).optional(),
  cursor: z.string().max(2000).optional(),
  deleted: z.boolean().optional(),
  /** Only plan the list: say how it would be served (index or bounded scan) without reading records. */
  explain: z.boolean().optional(),
  /** Documents already scanned by earlier calls of this same list (from `plan.scanned`), so the total keeps counting. */
  scannedBefore: z.number().int().min(0).max(100_000_000).optional(),
});
export type TListRecordsRequest = z.infer<typeof ZListRecordsRequestSchema>;
export const ListPlanSchema = z.object({
  /** `index`: every condition is answered by an index. `scan`: some are checked on documents read, at most `scanBound` per call. */
  kind: z.enum(['index', 'scan']),
  /** The condition the index answers (a field key, `search`, `owner` for read_own callers, `trash`); null when it selects the whole module. */
  servedBy: z.string().nullable(),
  /** Filters (by field key, `search` for text search) checked on documents read rather than by the index. */
  scannedConditions: z.array(z.string()),
  scanBound: z.number().int(),
  /** Documents this call read (0 when only explaining). */
  scannedThisCall: z.number().int(),
  /** Documents read by this list so far, this call included (`scannedBefore` + this call). */
  scanned: z.number().int(),
});
export type TListPlan = z.infer<typeof ListPlanSchema>;
export const ZListRecordsResponseSchema = z.object({
  records: z.array(RecordViewSchema),
  nextCursor: z.string().nullable(),
  scanLimited: z.boolean(),
  plan: ListPlanSchema,
});
export type TListRecordsResponse = z.infer<typeof ZListRecordsResponseSchema>;
