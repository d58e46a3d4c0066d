import type { DocumentStore, Transaction, WriteData } from '../../store/document-store.js';
import {
  validateTemplate,
  type FieldDefinition,
  type Template,
} from '../../engine/template/template-schema.js';
import { canManageConfiguration, type TenantRole } from '../../engine/permissions/evaluate-permission.js';
import { TENANT_ROLES } from '../../engine/template/template-schema.js';
import { isValidTimeZone } from '../../engine/time/zoned-time.js';
import type { Caller } from '../caller.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import { configToWriteData, parseTenantConfig, type ConfigStore } from './config-store.js';
import type { ModuleConfig, TenantConfig } from './tenant-config.js';

export interface NewModuleInput {
  readonly slug: string;
  readonly label: ModuleConfig['label'];
  readonly label_plural?: ModuleConfig['label'] | undefined;
  readonly icon?: string | undefined;
  readonly record_prefix?: string | undefined;
  readonly default_statuses?: string[] | undefined;
  readonly fields: FieldDefinition[];
  /** Actions each role gets on the new module; roles left out get the defaults below. */
  readonly permissions?: Partial<Record<TenantRole, string[]>> | undefined;
}

/** Edits to a field; the merged field is re-validated with the whole configuration. */
export type FieldChanges = Readonly<Record<string, unknown>>;

/** Tenant configuration: template selection, custom fields, custom modules. */
export class ConfigService {
  constructor(
    private readonly deps: {
      store: DocumentStore;
      configs: ConfigStore;
      catalog: TemplateCatalog;
      now?: () => Date;
    },
  ) {}

  /**
   * Seeds the tenant's configuration, workflows and dashboards from the latest
   * version of a template in one transaction. Re-selection is allowed until the
   * tenant has its first record; after that the template is locked.
   */
  async selectTemplate(caller: Caller, slug: string): Promise<TenantConfig> {
    requireConfigManager(caller);
    const summary = await this.deps.catalog.getSummary(slug);
    if (!summary || !summary.isActive) {
      throw new CrmError(CRM_ERROR_CODES.notFound, `There is no available template "${slug}".`);
    }
    const template = await this.deps.catalog.getVersion(slug, summary.latestVersion);
    if (!template) throw new CrmError(CRM_ERROR_CODES.notFound, `Template "${slug}" has no published version.`);
    const { store } = this.deps;
    const { tenantId } = caller;
    const config = await store.runTransaction(async (tx) => {
      const [existing, anyRecord, oldWorkflows, oldDashboards] = await Promise.all([
        tx.get(crmPaths.tenant(tenantId)),
        tx.query({ collection: crmPaths.records(tenantId), limit: 1 }),
        tx.query({ collection: crmPaths.workflows(tenantId) }),
        tx.query({ collection: crmPaths.dashboards(tenantId) }),
      ]);
      if (anyRecord.length > 0) {
        throw new CrmError(
          CRM_ERROR_CODES.templateLocked,
          'The template cannot be changed because this CRM already has records.',
        );
      }
      const previous = existing ? parseTenantConfig(existing.data) : null;
      const next = buildConfigFromTemplate({
        tenantId,
        template,
        selectedBy: caller.uid,
        now: this.now(),
        revision: (previous?.revision ?? 0) + 1,
        // Re-picking a template (allowed until the first record) must not forget the tenant's settings.
        timezone: previous?.timezone,
        defaultLanguage: previous?.defaultLanguage,
      });
      tx.set(crmPaths.tenant(tenantId), configToWriteData(next));
      for (const doc of [...oldWorkflows, ...oldDashboards]) tx.delete(doc.path);
      writeTemplateAutomation(tx, { tenantId, template, now: this.now(), newId: () => store.newId() });
      return next;
    });
    this.deps.configs.remember(config);
    return config;
  }

  async addField(caller: Caller, moduleSlug: string, field: FieldDefinition): Promise<TenantConfig> {
    return this.mutate(caller, (config) => {
      const module = requireModule(config, moduleSlug);
      if (module.fields.some((existing) => existing.key === field.key)) {
        throw new CrmError(
          CRM_ERROR_CODES.alreadyExists,
          `The module already has a field with the key "${field.key}". Choose another key.`,
          [{ path: 'field.key', message: 'is already used in this module', messageKey: 'validation.keyTaken', params: { field: 'Key', value: field.key } }],
          { messageKey: 'errors.field.keyTaken', params: { key: field.key }, field: 'field.key' },
        );
      }
      const fields = [...module.fields, { ...field, system: false, order: module.fields.length }];
      return replaceModule(config, { ...module, fields });
    });
  }

  async updateField(caller: Caller, moduleSlug: string, key: string, changes: FieldChanges): Promise<TenantConfig> {
    return this.mutate(caller, (config) => {
      const module = requireModule(config, moduleSlug);
      const field = requireField(module, key);
      if (field.system && changes.active === false) {
        throw new CrmError(CRM_ERROR_CODES.precondition, `"${key}" is a system field and cannot be deactivated.`);
      }
      const updated = { ...field, ...changes } as FieldDefinition;
      return replaceModule(config, {
        ...module,
        fields: module.fields.map((candidate) => (candidate.key === key ? updated : candidate)),
      });
    });
  }

  async reorderFields(caller: Caller, moduleSlug: string, keys: readonly string[]): Promise<TenantConfig> {
    return this.mutate(caller, (config) => {
      const module = requireModule(config, moduleSlug);
      const current = module.fields.map((field) => field.key);
      const sameSet = keys.length === current.length && current.every((key) => keys.includes(key));
      if (!sameSet) {
        throw invalidInput(
          [{ path: 'keys', message: `must list every field of the module exactly once (${current.join(', ')})` }],
        );
      }
      const fields = keys.map((key, order) => ({ ...requireField(module, key), order }));
      return replaceModule(config, { ...module, fields });
    });
  }

  async deactivateField(caller: Caller, moduleSlug: string, key: string): Promise<TenantConfig> {
    return this.updateField(caller, moduleSlug, key, { active: false });
  }

  async createModule(caller: Caller, input: NewModuleInput): Promise<TenantConfig> {
    return this.mutate(caller, (config) => {
      if (config.modules.some((module) => module.slug === input.slug)) {
        throw new CrmError(
          CRM_ERROR_CODES.alreadyExists,
          `A module with the slug "${input.slug}" already exists. Choose another slug.`,
          [{ path: 'module.slug', message: 'is already used', messageKey: 'validation.keyTaken', params: { field: 'Slug', value: input.slug } }],
          { messageKey: 'errors.module.slugTaken', params: { slug: input.slug }, field: 'module.slug' },
        );
      }
      const module: ModuleConfig = {
        slug: input.slug,
        label: input.label,
        ...(input.label_plural !== undefined ? { label_plural: input.label_plural } : {}),
        ...(input.icon !== undefined ? { icon: input.icon } : {}),
        ...(input.record_prefix !== undefined ? { record_prefix: input.record_prefix } : {}),
        ...(input.default_statuses !== undefined ? { default_statuses: input.default_statuses } : {}),
        order: Math.max(0, ...config.modules.map((existing) => existing.order ?? 0)) + 1,
        fields: input.fields.map((field, order) => ({ ...field, order })),
        source: 'custom',
      } as ModuleConfig;
      const permissions: Record<string, Record<string, string[]>> = structuredClone(config.permissions);
      for (const role of TENANT_ROLES) {
        const grant = input.permissions?.[role] ?? DEFAULT_CUSTOM_MODULE_PERMISSIONS[role];
        permissions[role] = { ...(permissions[role] ?? {}), [input.slug]: [...grant] };
      }
      return { ...config, modules: [...config.modules, module], permissions: permissions as TenantConfig['permissions'] };
    });
  }

  /**
   * Tenant-wide settings. The zone is kept as the admin spelled it: `Intl`'s
   * resolved name would turn Asia/Kolkata into the legacy Asia/Calcutta.
   */
  async updateSettings(
    caller: Caller,
    settings: { timezone: string; defaultLanguage?: 'en' | 'es' | undefined },
  ): Promise<{ config: TenantConfig; timezoneChanged: boolean }> {
    requireConfigManager(caller);
    const { timezone, defaultLanguage } = settings;
    if (!isValidTimeZone(timezone)) {
      throw invalidInput([
        {
          path: 'timezone',
          message: `"${timezone}" is not a time zone like Europe/Paris`,
          messageKey: 'validation.timeZone',
          params: { field: 'Time zone', value: timezone },
        },
      ]);
    }
    let timezoneChanged = false;
    const config = await this.mutate(caller, (current) => {
      // Assigned on every attempt: the transaction may re-run, and the committed attempt's answer is the true one.
      timezoneChanged = current.timezone !== timezone;
      return { ...current, timezone, ...(defaultLanguage !== undefined ? { defaultLanguage } : {}) };
    });
    return { config, timezoneChanged };
  }

  /**
   * Every configuration edit: read-modify-write of the config document in a
   * transaction, re-validated as a whole template so custom fields and modules
   * obey exactly the rules template fields obey.
   */
  private async mutate(caller: Caller, change: (config: TenantConfig) => TenantConfig): Promise<TenantConfig> {
    requireConfigManager(caller);
    const path = crmPaths.tenant(caller.tenantId);
    const config = await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      const current = doc ? parseTenantConfig(doc.data) : null;
      if (!current || current.template === null) {
        throw new CrmError(CRM_ERROR_CODES.templateNotSelected, 'Choose a template before changing the configuration.');
      }
      const next = normalizeConfig({ ...change(current), revision: current.revision + 1, updatedAt: this.now() });
      tx.set(path, configToWriteData(next));
      return next;
    });
    this.deps.configs.remember(config);
    return config;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/**
 * The grants every shipped template gives members on its modules: they read
 * and create, edit what they own, and never delete (deleting stays with
 * owners and admins until the tenant's matrix says otherwise).
 */
export const DEFAULT_CUSTOM_MODULE_PERMISSIONS: Record<TenantRole, readonly string[]> = {
  owner: ['*'],
  admin: ['*'],
  member: ['create', 'read', 'update_own'],
};

function requireConfigManager(caller: Caller): void {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins of this tenant can change the CRM configuration.');
  }
}

function requireModule(config: TenantConfig, slug: string): ModuleConfig {
  const module = config.modules.find((candidate) => candidate.slug === slug);
  if (!module) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no module "${slug}" in this CRM.`);
  return module;
}

function requireField(module: ModuleConfig, key: string): FieldDefinition {
  const field = module.fields.find((candidate) => candidate.key === key);
  if (!field) throw new CrmError(CRM_ERROR_CODES.notFound, `The module has no field "${key}".`);
  return field;
}

function replaceModule(config: TenantConfig, module: ModuleConfig): TenantConfig {
  return { ...config, modules: config.modules.map((candidate) => (candidate.slug === module.slug ? module : candidate)) };
}

/** The effective configuration, seen as a template, so the template validator's cross-checks apply. */
export function configAsTemplate(config: TenantConfig): unknown {
  return {
    name: config.template?.name ?? 'Tenant configuration',
    slug: config.template?.slug ?? 'tenant',
    industry_type: 'tenant',
    version: config.template?.version ?? '1.0.0',
    enabled_modules: config.modules.map(({ fields: _fields, source: _source, ...module }) => module),
    field_schemas: Object.fromEntries(config.modules.map((module) => [module.slug, module.fields])),
    permissions_matrix: config.permissions,
  };
}

/** Validates the edited configuration and returns it as the schema normalizes it (defaults applied). */
function normalizeConfig(config: TenantConfig): TenantConfig {
  const result = validateTemplate(configAsTemplate(config));
  if (!result.ok) {
    throw invalidInput(result.errors.map((error) => ({ path: describeConfigPath(error.path), message: error.message })));
  }
  const { template } = result;
  return {
    ...config,
    modules: config.modules.map((module) => ({
      ...(template.enabled_modules.find((candidate) => candidate.slug === module.slug) ?? module),
      fields: template.field_schemas[module.slug] ?? [],
      source: module.source,
    })),
  };
}

/** `field_schemas.patients[3].options` reads better to an admin as `patients.fields[3].options`. */
function describeConfigPath(path: string): string {
  return path.replace(/^field_schemas\.([a-z0-9_]+)/, '$1.fields').replace(/^enabled_modules/, 'modules');
}

export function buildConfigFromTemplate({
  tenantId,
  template,
  selectedBy,
  now,
  revision,
  timezone,
  defaultLanguage,
}: {
  tenantId: string;
  template: Template;
  selectedBy: string;
  now: Date;
  revision: number;
  /** Tenant settings survive a rebuild; absent means the default (UTC). */
  timezone?: string | undefined;
  defaultLanguage?: 'en' | 'es' | undefined;
}): TenantConfig {
  const modules = [...template.enabled_modules]
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((module) => ({
      ...module,
      fields: (template.field_schemas[module.slug] ?? []).map((field, order) => ({ ...field, order: field.order ?? order })),
      source: 'template' as const,
    }));
  return {
    tenantId,
    template: { slug: template.slug, version: template.version, name: template.name },
    selectedAt: now,
    selectedBy,
    modules,
    permissions: template.permissions_matrix,
    ...(timezone !== undefined ? { timezone } : {}),
    ...(defaultLanguage !== undefined ? { defaultLanguage } : {}),
    revision,
    updatedAt: now,
  };
}

function writeTemplateAutomation(
  tx: Transaction,
  { tenantId, template, now, newId }: { tenantId: string; template: Template; now: Date; newId: () => string },
): void {
  for (const [module, workflows] of Object.entries(template.workflow_schemas ?? {})) {
    // execution_order defaults to 0 when parsed, so it cannot tell "unset" from "first": order by it,
    // then by position in the template, and store 0..n-1 so every workflow has a distinct place.
    const ordered = workflows.map((workflow, index) => ({ workflow, index }));
    ordered.sort((a, b) => a.workflow.execution_order - b.workflow.execution_order || a.index - b.index);
    ordered.forEach(({ workflow }, order) => {
      tx.set(`${crmPaths.workflows(tenantId)}/${newId()}`, plainData({
        ...workflow,
        module,
        execution_order: order,
        source: 'template',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      }));
    });
  }
  for (const [key, dashboard] of Object.entries(template.dashboard_layout ?? {})) {
    tx.set(`${crmPaths.dashboards(tenantId)}/${newId()}`, plainData({
      key,
      name: dashboard.name ?? (key === 'default' ? 'Overview' : key),
      role_restriction: dashboard.role_restriction ?? null,
      widgets: dashboard.widgets,
      is_default: key === 'default',
      source: 'template',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    }));
  }
}

/** Strips `undefined` (which Firestore refuses) from zod output. */
function plainData(value: Record<string, unknown>): WriteData {
  return JSON.parse(JSON.stringify(value)) as WriteData;
}
