import { resolveModule, type TenantConfig } from '../services/config/tenant-config.js';
import { requirePlatformStaff } from '../services/template-lifecycle/console-access.js';
import { templateLifecycleFor } from '../services/template-lifecycle/template-lifecycle.js';
import type { TConfigView } from './schemas.js';
import * as schemas from './template-schemas.js';
import { define, defineTenant } from './define-callable.js';

/**
 * Template console (platform scope: the caller's `platform_role` claim must be
 * super_admin or staff, checked here, never only in the SPA) and tenant
 * upgrades (tenant scope: owners and admins of the tenant, or super admins).
 */
export const TEMPLATE_CALLABLES = {
  crmConsoleListTemplates: define({
    request: schemas.ZConsoleListTemplatesRequestSchema,
    response: schemas.ZConsoleListTemplatesResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }) => {
      requirePlatformStaff(claims);
      return { templates: await templateLifecycleFor(services).console.listTemplates() };
    },
  }),

  crmConsoleGetTemplate: define({
    request: schemas.ZConsoleGetTemplateRequestSchema,
    response: schemas.ZConsoleGetTemplateResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }, input) => {
      requirePlatformStaff(claims);
      const { console } = templateLifecycleFor(services);
      if (input.draftId !== undefined) return { published: null, draft: await console.getDraft(input.draftId) };
      return { published: await console.getTemplate(input.slug ?? '', input.version), draft: null };
    },
  }),

  crmConsoleSaveDraft: define({
    request: schemas.ZConsoleSaveDraftRequestSchema,
    response: schemas.ZDraftResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }, input) => {
      requirePlatformStaff(claims);
      const { console } = templateLifecycleFor(services);
      if (input.fromSlug !== undefined) {
        return { draft: await console.draftFromVersion(claims.uid, { slug: input.fromSlug, version: input.fromVersion }) };
      }
      return { draft: await console.saveDraft(claims.uid, { draftId: input.draftId, template: input.template }) };
    },
  }),

  crmConsoleCloneTemplate: define({
    request: schemas.ZConsoleCloneTemplateRequestSchema,
    response: schemas.ZDraftResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }, input) => {
      requirePlatformStaff(claims);
      return { draft: await templateLifecycleFor(services).console.cloneTemplate(claims.uid, input) };
    },
  }),

  crmConsolePublishDraft: define({
    request: schemas.ZConsolePublishDraftRequestSchema,
    response: schemas.ZConsolePublishDraftResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }, input) => {
      requirePlatformStaff(claims);
      return templateLifecycleFor(services).console.publishDraft(claims.uid, input);
    },
  }),

  crmConsoleSetTemplateActive: define({
    request: schemas.ZConsoleSetTemplateActiveRequestSchema,
    response: schemas.ZConsoleSetTemplateActiveResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }, input) => {
      requirePlatformStaff(claims);
      return { summary: await templateLifecycleFor(services).console.setActive(input.slug, input.active) };
    },
  }),

  crmConsoleDeleteTemplate: define({
    request: schemas.ZConsoleDeleteTemplateRequestSchema,
    response: schemas.ZOkResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }, input) => {
      requirePlatformStaff(claims);
      const { console } = templateLifecycleFor(services);
      if (input.draftId !== undefined) await console.deleteDraft(input.draftId);
      else await console.deleteTemplate(input.slug ?? '');
      return { ok: true as const };
    },
  }),

  crmConsoleMigrationStatus: define({
    request: schemas.ZConsoleMigrationStatusRequestSchema,
    response: schemas.ZConsoleMigrationStatusResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }, input) => {
      requirePlatformStaff(claims);
      return { migrations: await templateLifecycleFor(services).console.migrations({ tenantId: input.tenantId }) };
    },
  }),

  crmUpgradeStatus: defineTenant({
    request: schemas.ZUpgradeStatusRequestSchema,
    response: schemas.ZUpgradeStatusResponseSchema,
    handle: async ({ caller, services }) => templateLifecycleFor(services).upgrades.status(caller),
  }),

  crmPreviewUpgrade: defineTenant({
    request: schemas.ZPreviewUpgradeRequestSchema,
    response: schemas.ZPreviewUpgradeResponseSchema,
    handle: async ({ caller, services }, input) => {
      const preview = await templateLifecycleFor(services).upgrades.preview(caller, input.targetVersion, input.choices ?? {});
      return { ...preview, config: toConfigView(preview.config) };
    },
  }),

  crmApplyUpgrade: defineTenant({
    request: schemas.ZApplyUpgradeRequestSchema,
    response: schemas.ZApplyUpgradeResponseSchema,
    handle: async ({ caller, services }, input) => {
      const result = await templateLifecycleFor(services).upgrades.apply(caller, {
        targetVersion: input.targetVersion,
        choices: input.choices ?? {},
        ...(input.expectedRevision !== undefined ? { expectedRevision: input.expectedRevision } : {}),
      });
      return { config: toConfigView(result.config), migration: result.migration };
    },
  }),

  crmMigrationProgress: defineTenant({
    request: schemas.ZMigrationProgressRequestSchema,
    response: schemas.ZMigrationProgressResponseSchema,
    handle: async ({ caller, services }, input) => ({
      migration: await templateLifecycleFor(services).upgrades.progress(caller, input.jobId),
    }),
  }),
} as const;

/** The same view crmBootstrap returns, so the SPA can swap its config after an upgrade. */
function toConfigView(config: TenantConfig): TConfigView {
  const template = config.template ?? { slug: '', version: '', name: '' };
  return {
    template,
    modules: config.modules.map((module) => {
      const resolved = resolveModule(config, module.slug);
      return {
        ...module,
        record_prefix: resolved?.prefix ?? module.slug.toUpperCase(),
        display_field: resolved?.displayField ?? null,
        status_field: resolved?.statusField ?? null,
        index_slots: module.index_slots ?? [],
      };
    }),
    permissionsMatrix: config.permissions,
    timezone: config.timezone ?? 'UTC',
    defaultLanguage: config.defaultLanguage ?? null,
    revision: config.revision,
  };
}
