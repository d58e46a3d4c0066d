import { canManageConfiguration, summarizePermissions } from '../engine/permissions/evaluate-permission.js';
import type { Template } from '../engine/template/template-schema.js';
import type { TenantConfig } from '../services/config/tenant-config.js';
import { resolveModule } from '../services/config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES } from '../services/errors.js';
import { listRecords } from '../services/records/list-records.js';
import { configVisibleTo, fieldLevelsFor } from '../services/access/field-levels.js';
import * as schemas from './schemas.js';
import { define, defineTenant } from './define-callable.js';
import type { z } from 'zod';
import type { Caller } from '../services/caller.js';
import type { Services } from '../services/create-services.js';

/** A tenant-scoped callable whose answer is the tenant's configuration after the change. */
function configCallable<Req extends z.ZodType>(
  request: Req,
  run: (services: Services, caller: Caller, input: z.infer<Req>) => Promise<TenantConfig>,
) {
  return defineTenant({
    request,
    response: schemas.ZConfigResponseSchema,
    handle: async ({ caller, services }, input) => ({ config: toConfigView(await run(services, caller, input)) }),
  });
}

/** A tenant-scoped callable whose answer is one record. */
function recordCallable<Req extends z.ZodType>(
  request: Req,
  run: (services: Services, caller: Caller, input: z.infer<Req>) => Promise<schemas.TRecordView>,
) {
  return defineTenant({
    request,
    response: schemas.ZRecordResponseSchema,
    handle: async ({ caller, services }, input) => ({ record: await run(services, caller, input) }),
  });
}


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

  crmBootstrap: defineTenant({
    request: schemas.ZBootstrapRequestSchema,
    response: schemas.ZBootstrapResponseSchema,
    handle: async ({ caller: actor, services }) => {
      const config = await services.configs.load(actor.tenantId);
      const selected = config !== null && config.template !== null;
      return {
        tenant: { id: actor.tenantId, name: actor.tenantName },
        user: { uid: actor.uid, role: actor.role, platformRole: actor.platformRole },
        templateSelected: selected,
        canManageConfiguration: canManageConfiguration(actor),
        // Fields hidden from the caller are left out of the configuration the SPA renders from.
        config: selected ? toConfigView(configVisibleTo(actor, config)) : null,
        permissions: selected
          ? summarizePermissions({ actor, matrix: config.permissions, modules: config.modules.map((m) => m.slug) })
          : {},
        fieldLevels: selected ? fieldLevelsFor(actor, config) : {},
        preview: actor.previewOf !== undefined && actor.role !== null ? { role: actor.role, realRole: actor.previewOf } : null,
      };
    },
  }),

  crmListTemplates: defineTenant({
    request: schemas.ZListTemplatesRequestSchema,
    response: schemas.ZListTemplatesResponseSchema,
    handle: async ({ caller, services }) => {
      // Only those who may pick a template see the catalog (members get the "not set up" screen).
      if (!canManageConfiguration(caller)) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins of this tenant can choose its template.');
      }
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

  crmSelectTemplate: configCallable(schemas.ZSelectTemplateRequestSchema, (services, caller, input) =>
    services.config.selectTemplate(caller, input.templateSlug),
  ),

  crmUpdateTenantSettings: defineTenant({
    request: schemas.ZUpdateTenantSettingsRequestSchema,
    response: schemas.ZConfigResponseSchema,
    handle: async ({ caller: actor, services }, input) => {
      const { config, timezoneChanged } = await services.config.updateSettings(actor, {
        timezone: input.timezone,
        defaultLanguage: input.defaultLanguage,
      });
      // Reminders on date-only fields were planned at 09:00 in the old zone; those tasks drop themselves
      // as stale when they fire, so scheduled workflows are planned again in the new one.
      if (timezoneChanged) await services.workflows.replanScheduled(actor.tenantId, config.updatedAt.toISOString());
      // TODAY() formulas: the daily sweep moves to the new zone's days (services/formulas/schedule-formula-sweeps.ts).
      if (timezoneChanged) await (await import('../services/formulas/schedule-formula-sweeps.js')).rescheduleFormulaSweep({ store: services.store, now: services.now }, actor.tenantId);
      return { config: toConfigView(config) };
    },
  }),

  crmAddField: configCallable(schemas.ZAddFieldRequestSchema, (services, caller, input) =>
    services.config.addField(caller, input.module, input.field),
  ),

  crmUpdateField: configCallable(schemas.ZUpdateFieldRequestSchema, (services, caller, input) =>
    services.config.updateField(caller, input.module, input.key, withoutUndefined(input.changes)),
  ),

  crmReorderFields: configCallable(schemas.ZReorderFieldsRequestSchema, (services, caller, input) =>
    services.config.reorderFields(caller, input.module, input.keys),
  ),

  crmDeactivateField: configCallable(schemas.ZDeactivateFieldRequestSchema, (services, caller, input) =>
    services.config.deactivateField(caller, input.module, input.key),
  ),

  crmCreateModule: configCallable(schemas.ZCreateModuleRequestSchema, (services, caller, input) =>
    services.config.createModule(caller, { ...input.module, fields: input.fields, permissions: input.permissions }),
  ),

  crmCreateRecord: recordCallable(schemas.ZCreateRecordRequestSchema, (services, caller, input) =>
    services.records.create(caller, input.module, input.data),
  ),

  crmGetRecord: recordCallable(schemas.ZGetRecordRequestSchema, (services, caller, input) =>
    services.records.get(caller, input.recordId),
  ),

  crmUpdateRecord: recordCallable(schemas.ZUpdateRecordRequestSchema, (services, caller, input) =>
    services.records.update(caller, input.recordId, input.data, input.expectedVersion),
  ),

  crmDeleteRecord: recordCallable(schemas.ZDeleteRecordRequestSchema, (services, caller, input) =>
    services.records.delete(caller, input.recordId),
  ),

  crmRestoreRecord: recordCallable(schemas.ZRestoreRecordRequestSchema, (services, caller, input) =>
    services.records.restore(caller, input.recordId),
  ),

  crmListRecords: defineTenant({
    request: schemas.ZListRecordsRequestSchema,
    response: schemas.ZListRecordsResponseSchema,
    handle: async ({ caller, services }, { tenantId: _tenantId, ...input }) =>
      listRecords(services, caller, input),
  }),
} as const;


export function toConfigView(config: TenantConfig): schemas.TConfigView {
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
        index_slots: module.index_slots ?? [],
      };
    }),
    permissionsMatrix: config.permissions,
    timezone: config.timezone ?? 'UTC',
    defaultLanguage: config.defaultLanguage ?? null,
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
