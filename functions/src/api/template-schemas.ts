/**
 * Wire format of the template console and tenant upgrade callables. Like
 * schemas.ts, zod and the pure engine only, so the SPA can import it.
 */
import { z } from 'zod';
import { MigrationStepSchema } from '../engine/template/template-schema.js';
import { ConfigViewSchema, IdSchema, TenantIdSchema } from './schemas.js';

const TemplateSlugSchema = z.string().regex(/^[a-z][a-z0-9-]{1,49}$/, 'must be a template slug like "hospital"');
const VersionSchema = z
  .string()
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/, 'must be a semantic version like 1.1.0')
  // Version ids become document ids: keep them path-safe.
  .max(64);

export const TemplateErrorSchema = z.object({ path: z.string(), message: z.string() });
export const UpgradeChangeSchema = z.object({ kind: z.enum(['add', 'change', 'remove']), path: z.string(), summary: z.string() });
export type TUpgradeChange = z.infer<typeof UpgradeChangeSchema>;

export const TemplateSummarySchema = z.object({
  slug: z.string(),
  name: z.string(),
  industryType: z.string(),
  description: z.string(),
  iconUrl: z.string().nullable(),
  latestVersion: z.string(),
  isActive: z.boolean(),
  isSystem: z.boolean(),
});

export const VersionInfoSchema = z.object({
  version: z.string(),
  changeNote: z.string(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
});

export const DraftInfoSchema = z.object({
  draftId: z.string(),
  slug: z.string().nullable(),
  name: z.string().nullable(),
  version: z.string().nullable(),
  valid: z.boolean(),
  errorCount: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

export const DraftViewSchema = DraftInfoSchema.extend({
  /** The draft JSON as saved (possibly invalid). */
  template: z.unknown(),
  /** Every validator error, at its JSON path (`field_schemas.patients[2].options`). */
  errors: z.array(TemplateErrorSchema),
  /** What the draft changes against the latest published version of its slug (when it validates). */
  changes: z.array(UpgradeChangeSchema),
  baseVersion: z.string().nullable(),
});
export type TDraftView = z.infer<typeof DraftViewSchema>;

export const MigrationJobViewSchema = z.object({
  jobId: z.string(),
  /** `reindex`: fields became indexed and the module's records get their index slots (no data change). */
  kind: z.enum(['upgrade', 'reindex']),
  indexing: z.array(z.string()),
  tenantId: z.string(),
  templateSlug: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  status: z.enum(['running', 'done']),
  /** `scan` walks every record; `settle` catches records created by instances that still had the old configuration. */
  phase: z.enum(['scan', 'settle']),
  processed: z.number().int(),
  migrated: z.number().int(),
  total: z.number().int(),
  percent: z.number(),
  steps: z.array(z.intersection(MigrationStepSchema, z.object({ version: z.string() }))),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type TMigrationJobView = z.infer<typeof MigrationJobViewSchema>;

// ---- console (platform super admins and staff) --------------------------------

export const ZConsoleListTemplatesRequestSchema = z.strictObject({});
export const ZConsoleListTemplatesResponseSchema = z.object({
  templates: z.array(
    z.object({
      summary: TemplateSummarySchema,
      versions: z.array(VersionInfoSchema.extend({ tenants: z.number().int() })),
      tenants: z.number().int(),
      drafts: z.array(DraftInfoSchema),
    }),
  ),
});
export type TConsoleListTemplatesResponse = z.infer<typeof ZConsoleListTemplatesResponseSchema>;

/** `draftId` reads a draft; otherwise `slug` (and optionally `version`) reads a published version. */
export const ZConsoleGetTemplateRequestSchema = z
  .strictObject({ slug: TemplateSlugSchema.optional(), version: VersionSchema.optional(), draftId: IdSchema.optional() })
  .superRefine((input, ctx) => {
    if (input.slug === undefined && input.draftId === undefined) ctx.addIssue({ code: 'custom', path: ['slug'], message: 'is required (or give draftId)' });
  });
export const ZConsoleGetTemplateResponseSchema = z.object({
  published: z
    .object({
      summary: TemplateSummarySchema,
      template: z.unknown(),
      versions: z.array(VersionInfoSchema),
      usage: z.object({ tenants: z.number().int(), byVersion: z.record(z.string(), z.number().int()) }),
    })
    .nullable(),
  draft: DraftViewSchema.nullable(),
});
export type TConsoleGetTemplateResponse = z.infer<typeof ZConsoleGetTemplateResponseSchema>;

/**
 * Save a draft: `template` is the whole template JSON (valid or not; the
 * answer lists its errors). Without `draftId` a new draft is created; with
 * `fromSlug` instead of `template`, a draft of the next minor version of a
 * published template is started from its latest (or `fromVersion`).
 */
export const ZConsoleSaveDraftRequestSchema = z
  .strictObject({
    draftId: IdSchema.optional(),
    template: z.record(z.string(), z.unknown()).optional(),
    fromSlug: TemplateSlugSchema.optional(),
    fromVersion: VersionSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.template === undefined && input.fromSlug === undefined) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'is required (or give fromSlug)' });
    }
    if (input.template !== undefined && input.fromSlug !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['fromSlug'], message: 'cannot be combined with template' });
    }
  });
export const ZDraftResponseSchema = z.object({ draft: DraftViewSchema });
export type TDraftResponse = z.infer<typeof ZDraftResponseSchema>;

export const ZConsoleCloneTemplateRequestSchema = z.strictObject({
  slug: TemplateSlugSchema,
  version: VersionSchema.optional(),
  newSlug: TemplateSlugSchema,
  name: z.string().trim().min(1).max(100).optional(),
});

export const ZConsolePublishDraftRequestSchema = z.strictObject({
  draftId: IdSchema,
  changeNote: z.string().trim().min(1, 'must say what changed').max(2_000),
});
export const ZConsolePublishDraftResponseSchema = z.object({
  slug: z.string(),
  version: z.string(),
  changes: z.array(UpgradeChangeSchema),
});
export type TConsolePublishDraftResponse = z.infer<typeof ZConsolePublishDraftResponseSchema>;

export const ZConsoleSetTemplateActiveRequestSchema = z.strictObject({ slug: TemplateSlugSchema, active: z.boolean() });
export const ZConsoleSetTemplateActiveResponseSchema = z.object({ summary: TemplateSummarySchema });

/** Deletes a non-system template nobody uses, or (with `draftId`) one draft. */
export const ZConsoleDeleteTemplateRequestSchema = z
  .strictObject({ slug: TemplateSlugSchema.optional(), draftId: IdSchema.optional() })
  .superRefine((input, ctx) => {
    if ((input.slug === undefined) === (input.draftId === undefined)) ctx.addIssue({ code: 'custom', path: ['slug'], message: 'give either slug or draftId' });
  });
export const ZOkResponseSchema = z.object({ ok: z.literal(true) });

export const ZConsoleMigrationStatusRequestSchema = z.strictObject({ tenantId: TenantIdSchema.optional() });
export const ZConsoleMigrationStatusResponseSchema = z.object({ migrations: z.array(MigrationJobViewSchema) });
export type TConsoleMigrationStatusResponse = z.infer<typeof ZConsoleMigrationStatusResponseSchema>;

// ---- tenant upgrades (owners and admins of the tenant, super admins) -----------

export const ZUpgradeStatusRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export const ZUpgradeStatusResponseSchema = z.object({
  templateSelected: z.boolean(),
  template: z.object({ slug: z.string(), version: z.string(), name: z.string() }).nullable(),
  latestVersion: z.string().nullable(),
  upgradeAvailable: z.boolean(),
  newerVersions: z.array(VersionInfoSchema),
  canChangeTemplate: z.boolean(),
  changeTemplateReason: z.string().nullable(),
  migration: MigrationJobViewSchema.nullable(),
});
export type TUpgradeStatusResponse = z.infer<typeof ZUpgradeStatusResponseSchema>;

export const ChoiceSchema = z.enum(['kept_tenant', 'took_template']);
/** Conflict path → choice. Paths come from the preview's `conflicts[].path`. */
export const ChoicesSchema = z.record(z.string().min(1).max(300), ChoiceSchema).refine((choices) => Object.keys(choices).length <= 500, 'too many choices');

export const ZPreviewUpgradeRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  targetVersion: VersionSchema.optional(),
  /** Preview with these choices applied (the answer shows the resulting config). */
  choices: ChoicesSchema.optional(),
});

export const UpgradeConflictSchema = z.object({
  path: z.string(),
  base: z.unknown(),
  theirs: z.unknown(),
  ours: z.unknown(),
  resolution: z.enum(['kept_tenant', 'took_template', 'needs_choice']),
  chosen: z.boolean(),
  reason: z.string(),
  recordCount: z.number().int().optional(),
});
export type TUpgradeConflict = z.infer<typeof UpgradeConflictSchema>;

export const ZPreviewUpgradeResponseSchema = z.object({
  fromVersion: z.string(),
  toVersion: z.string(),
  /** Pass back as `expectedRevision` when applying: the upgrade is refused if the config changed since. */
  revision: z.number().int(),
  templateChanges: z.array(UpgradeChangeSchema),
  changes: z.array(UpgradeChangeSchema),
  conflicts: z.array(UpgradeConflictSchema),
  unresolved: z.array(z.string()),
  migrations: z.array(z.intersection(MigrationStepSchema, z.object({ version: z.string() }))),
  recordsToMigrate: z.number().int(),
  errors: z.array(TemplateErrorSchema),
  warnings: z.array(TemplateErrorSchema),
  config: ConfigViewSchema,
  canApply: z.boolean(),
});
export type TPreviewUpgradeResponse = z.infer<typeof ZPreviewUpgradeResponseSchema>;

export const ZApplyUpgradeRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  targetVersion: VersionSchema,
  choices: ChoicesSchema.optional(),
  expectedRevision: z.number().int().optional(),
});
export const ZApplyUpgradeResponseSchema = z.object({ config: ConfigViewSchema, migration: MigrationJobViewSchema.nullable() });
export type TApplyUpgradeResponse = z.infer<typeof ZApplyUpgradeResponseSchema>;

export const ZMigrationProgressRequestSchema = z.strictObject({ tenantId: TenantIdSchema, jobId: IdSchema.optional() });
export const ZMigrationProgressResponseSchema = z.object({ migration: MigrationJobViewSchema.nullable() });
export type TMigrationProgressResponse = z.infer<typeof ZMigrationProgressResponseSchema>;
