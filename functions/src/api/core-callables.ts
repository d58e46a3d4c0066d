import { canManageConfiguration, summarizePermissions } from '../engine/permissions/evaluate-permission.js';
import type { Template } from '../engine/template/template-schema.js';
import type { TenantConfig } from '../services/config/tenant-config.js';
import { resolveModule } from '../services/config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES } from '../services/errors.js';
import { listRecords } from '../services/records/list-records.js';
import * as schemas from './schemas.js';
import { define, requireCaller } from './define-callable.js';

/** The configuration and record callables. */
export const CORE_CALLABLES = {
  crmListMyTenants: define({
    request: schemas.ZListMyTenantsRequestSchema,
    response: schemas.ZListMyTenantsResponseSchema,
    scope: 'user',
    handle: async ({ claims, services }) => {
      const memberships = await services.identity.listMemberships(claims);
      return { tenants: memberships.map((m) => ({ id: m.tenantId, name: m.tenantName, role: m.role })) };
    },
  }),

  crmBootstrap: define({
    request: schemas.ZBootstrapRequestSchema,
    response: schemas.ZBootstrapResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }) => {
      const actor = requireCaller(caller);
      const config = await services.configs.load(actor.tenantId);
      const selected = config !== null && config.template !== null;
      return {
        tenant: { id: actor.tenantId, name: actor.tenantName },
        user: { uid: actor.uid, role: actor.role, platformRole: actor.platformRole },
        templateSelected: selected,
        canManageConfiguration: canManageConfiguration(actor),
        config: selected ? toConfigView(config) : null,
        permissions: selected
          ? summarizePermissions({ actor, matrix: config.permissions, modules: config.modules.map((m) => m.slug) })
          : {},
      };
    },
  }),

  crmListTemplates: define({
    request: schemas.ZListTemplatesRequestSchema,
    response: schemas.ZListTemplatesResponseSchema,
    scope: 'tenant',
    handle: async ({ services }) => {
      const summaries = await services.catalog.listActive();
      const templates = await Promise.all(
        summaries.map(async (summary) => {
          const template = await services.catalog.getVersion(summary.slug, summary.latestVersion);
          return template ? toTemplateCard(template, summary.iconUrl) : null;
        }),
      );
      return { templates: templates.filter((card) => card !== null) };
    },
  }),

  crmSelectTemplate: define({
    request: schemas.ZSelectTemplateRequestSchema,
    response: schemas.ZConfigResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      config: toConfigView(await services.config.selectTemplate(requireCaller(caller), input.templateSlug)),
    }),
  }),

  crmUpdateTenantSettings: define({
    request: schemas.ZUpdateTenantSettingsRequestSchema,
    response: schemas.ZConfigResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => {
      const actor = requireCaller(caller);
      const { config, timezoneChanged } = await services.config.updateSettings(actor, { timezone: input.timezone });
      // Reminders on date-only fields were planned at 09:00 in the old zone; those tasks drop themselves
      // as stale when they fire, so scheduled workflows are planned again in the new one.
      if (timezoneChanged) await services.workflows.replanScheduled(actor.tenantId, config.updatedAt.toISOString());
      return { config: toConfigView(config) };
    },
  }),

  crmAddField: define({
    request: schemas.ZAddFieldRequestSchema,
    response: schemas.ZConfigResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      config: toConfigView(await services.config.addField(requireCaller(caller), input.module, input.field)),
    }),
  }),

  crmUpdateField: define({
    request: schemas.ZUpdateFieldRequestSchema,
    response: schemas.ZConfigResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      config: toConfigView(
        await services.config.updateField(requireCaller(caller), input.module, input.key, withoutUndefined(input.changes)),
      ),
    }),
  }),

  crmReorderFields: define({
    request: schemas.ZReorderFieldsRequestSchema,
    response: schemas.ZConfigResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      config: toConfigView(await services.config.reorderFields(requireCaller(caller), input.module, input.keys)),
    }),
  }),

  crmDeactivateField: define({
    request: schemas.ZDeactivateFieldRequestSchema,
    response: schemas.ZConfigResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      config: toConfigView(await services.config.deactivateField(requireCaller(caller), input.module, input.key)),
    }),
  }),

  crmCreateModule: define({
    request: schemas.ZCreateModuleRequestSchema,
    response: schemas.ZConfigResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      config: toConfigView(
        await services.config.createModule(requireCaller(caller), {
          ...input.module,
          fields: input.fields,
          permissions: input.permissions,
        }),
      ),
    }),
  }),

  crmCreateRecord: define({
    request: schemas.ZCreateRecordRequestSchema,
    response: schemas.ZRecordResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      record: await services.records.create(requireCaller(caller), input.module, input.data),
    }),
  }),

  crmGetRecord: define({
    request: schemas.ZGetRecordRequestSchema,
    response: schemas.ZRecordResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      record: await services.records.get(requireCaller(caller), input.recordId),
    }),
  }),

  crmUpdateRecord: define({
    request: schemas.ZUpdateRecordRequestSchema,
    response: schemas.ZRecordResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      record: await services.records.update(requireCaller(caller), input.recordId, input.data, input.expectedVersion),
    }),
  }),

  crmDeleteRecord: define({
    request: schemas.ZDeleteRecordRequestSchema,
    response: schemas.ZRecordResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      record: await services.records.delete(requireCaller(caller), input.recordId),
    }),
  }),

  crmRestoreRecord: define({
    request: schemas.ZRestoreRecordRequestSchema,
    response: schemas.ZRecordResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      record: await services.records.restore(requireCaller(caller), input.recordId),
    }),
  }),

  crmListRecords: define({
    request: schemas.ZListRecordsRequestSchema,
    response: schemas.ZListRecordsResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) =>
      listRecords(services, requireCaller(caller), input),
  }),
} as const;


function toConfigView(config: TenantConfig): schemas.TConfigView {
  if (!config.template) throw new CrmError(CRM_ERROR_CODES.templateNotSelected, 'Choose a template first.');
  return {
    template: config.template,
    modules: config.modules.map((module) => {
      const resolved = resolveModule(config, module.slug);
      return {
        ...module,
        record_prefix: resolved?.prefix ?? module.slug.toUpperCase(),
        display_field: resolved?.displayField ?? null,
        status_field: resolved?.statusField ?? null,
      };
    }),
    permissionsMatrix: config.permissions,
    timezone: config.timezone ?? 'UTC',
    revision: config.revision,
  };
}

function toTemplateCard(template: Template, iconUrl: string | null): schemas.TTemplateCard {
  return {
    slug: template.slug,
    name: template.name,
    industryType: template.industry_type,
    description: template.description ?? '',
    iconUrl,
    version: template.version,
    modules: [...template.enabled_modules]
      .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
      .map((module) => ({
        slug: module.slug,
        label: module.label,
        icon: module.icon ?? null,
        fields: (template.field_schemas[module.slug] ?? []).map((field) => ({
          key: field.key,
          label: field.label,
          type: field.type,
          required: field.required,
        })),
      })),
    workflowCount: Object.values(template.workflow_schemas ?? {}).reduce((sum, list) => sum + list.length, 0),
    dashboardCount: Object.keys(template.dashboard_layout ?? {}).length,
  };
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
