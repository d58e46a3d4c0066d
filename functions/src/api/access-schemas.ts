/**
 * Wire format of the access callables: audit log, field-level security and
 * the permission editor. Depends on zod only, so the SPA can import it.
 */
import { z } from 'zod';
import { AUDIT_KINDS } from '../services/audit/audit-kinds.js';

export { AUDIT_KINDS };
import { FieldPermissionsSchema, PermissionsMatrixSchema } from '../engine/template/permissions-schema.js';
import { LocalizedTextSchema } from '../engine/template/localized-text.js';
import { IdSchema, TenantIdSchema } from './schemas.js';

const InstantSchema = z.string().max(40).refine((value) => !Number.isNaN(new Date(value).getTime()), 'must be an ISO date or instant');

export const ZAuditFiltersSchema = z.strictObject({
  actorUid: z.string().min(1).max(128).optional(),
  kind: z.enum(AUDIT_KINDS).optional(),
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
});

export const ZListAuditLogRequestSchema = ZAuditFiltersSchema.extend({
  tenantId: TenantIdSchema,
  pageSize: z.number().int().min(1).max(200).optional(),
  cursor: z.string().max(2000).optional(),
});
export type TListAuditLogRequest = z.infer<typeof ZListAuditLogRequestSchema>;

export const AuditEntryViewSchema = z.object({
  id: IdSchema,
  at: z.string(),
  kind: z.string(),
  action: z.string(),
  actor: z.object({ uid: z.string(), email: z.string().nullable(), role: z.string().nullable(), platformRole: z.string().nullable() }),
  via: z.object({ kind: z.string(), name: z.string().optional(), keyId: z.string().optional() }),
  target: z.object({ module: z.string().nullable(), id: z.string().nullable(), label: z.string().nullable() }),
  /** Values are JSON text (null: absent on that side). */
  changes: z.array(z.object({ path: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
  truncated: z.boolean(),
});
export type TAuditEntryView = z.infer<typeof AuditEntryViewSchema>;

export const ZListAuditLogResponseSchema = z.object({
  entries: z.array(AuditEntryViewSchema),
  nextCursor: z.string().nullable(),
});
export type TListAuditLogResponse = z.infer<typeof ZListAuditLogResponseSchema>;

export const ZExportAuditLogRequestSchema = ZAuditFiltersSchema.extend({ tenantId: TenantIdSchema });
export const ZExportAuditLogResponseSchema = z.object({
  csv: z.string(),
  entries: z.number().int(),
  /** False when the export stopped at its row bound; narrow the filters. */
  complete: z.boolean(),
});
export type TExportAuditLogResponse = z.infer<typeof ZExportAuditLogResponseSchema>;

// ---- permission editor --------------------------------------------------------

export const ZGetAccessSettingsRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export const AccessSettingsSchema = z.object({
  matrix: PermissionsMatrixSchema,
  fieldPermissions: FieldPermissionsSchema,
  revision: z.number().int(),
  modules: z.array(
    z.object({
      slug: z.string(),
      label: LocalizedTextSchema,
      fields: z.array(z.object({ key: z.string(), label: LocalizedTextSchema, type: z.string(), active: z.boolean() })),
    }),
  ),
});
export type TAccessSettings = z.infer<typeof AccessSettingsSchema>;
export const ZAccessSettingsResponseSchema = z.object({ settings: AccessSettingsSchema });
export type TAccessSettingsResponse = z.infer<typeof ZAccessSettingsResponseSchema>;

export const ZSaveAccessSettingsRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  matrix: PermissionsMatrixSchema,
  fieldPermissions: FieldPermissionsSchema,
  /** The revision the editor loaded: a save over someone else's change is refused. */
  expectedRevision: z.number().int(),
});
export type TSaveAccessSettingsRequest = z.infer<typeof ZSaveAccessSettingsRequestSchema>;
