import type { DocumentStore, Transaction, WriteData } from '../../store/document-store.js';
import { freshJobProgress } from '../template-lifecycle/migration-job.js';
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
import { configToWriteData, parseTenantConfig, stampAccessChange, type ConfigStore } from './config-store.js';
import { resolveModule, type ModuleConfig, type TenantConfig } from './tenant-config.js';
import { assignIndexSlots, indexDashboardFields, type SlotToBackfill } from './assign-index-slots.js';
import { indexedFieldsOf } from '../../engine/template/index-slots.js';
import { lifecyclePaths } from '../template-lifecycle/lifecycle-paths.js';
import { WidgetSchema, type DashboardLayout } from '../../engine/template/dashboard-schema.js';
import { recordAudit, type AuditKind } from '../audit/record-audit.js';

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
      /**
       * Starts the reindex job a configuration change created (fields newly
       * indexed in modules with records). The job document is written in the
       * change's transaction, so a start that never happens is picked up by
       * the migration progress check like any stalled job.
       */
      startReindex?: (job: { tenantId: string; jobId: string }) => Promise<void>;
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
      const built = buildConfigFromTemplate({
        tenantId,
        template,
        selectedBy: caller.uid,
        now: this.now(),
        revision: (previous?.revision ?? 0) + 1,
        // Re-picking a template (allowed until the first record) must not forget the tenant's settings.
        timezone: previous?.timezone,
        defaultLanguage: previous?.defaultLanguage,
      });
      const next = stampAccessChange(tx, previous, built);
      tx.set(crmPaths.tenant(tenantId), configToWriteData(next));
      recordAudit(tx, {
        kind: 'template',
        action: previous?.template ? 'template.reselected' : 'template.selected',
        caller,
        target: { id: template.slug, label: template.name },
        before: previous?.template ?? null,
        after: next.template,
        at: this.now(),
      });
      for (const doc of [...oldWorkflows, ...oldDashboards]) tx.delete(doc.path);
      writeTemplateAutomation(tx, { tenantId, template, now: this.now(), newId: () => store.newId() });
      return next;
    });
    this.deps.configs.remember(config);
    return config;
  }

  async addField(caller: Caller, moduleSlug: string, field: FieldDefinition): Promise<TenantConfig> {
    let index = -1;
    const saving = this.mutate(caller, { kind: 'field', action: 'field.added', module: moduleSlug, id: field.key }, (config) => {
      const module = requireModule(config, moduleSlug);
      if (module.fields.some((existing) => existing.key === field.key)) {
        throw new CrmError(
          CRM_ERROR_CODES.alreadyExists,
          `The module already has a field with the key "${field.key}". Choose another key.`,
          [{ path: 'field.key', message: 'is already used in this module', messageKey: 'validation.keyTaken', params: { field: 'Key', value: field.key } }],
          { messageKey: 'errors.field.keyTaken', params: { key: field.key }, field: 'field.key' },
        );
      }
      const fields = [...module.fields, { ...field, system: false, custom: true, order: module.fields.length }];
      index = module.fields.length;
      return replaceModule(config, { ...module, fields });
    });
    return issuesAtRequestPath(saving, () => (index < 0 ? null : `${moduleSlug}.fields[${index}]`), 'field');
  }

  async updateField(caller: Caller, moduleSlug: string, key: string, changes: FieldChanges, action = 'field.updated'): Promise<TenantConfig> {
    let index = -1;
    const saving = this.mutate(caller, { kind: 'field', action, module: moduleSlug, id: key }, (config) => {
      const module = requireModule(config, moduleSlug);
      const field = requireField(module, key);
      index = module.fields.indexOf(field);
      if (field.system && changes.active === false) {
        throw new CrmError(CRM_ERROR_CODES.precondition, `"${key}" is a system field and cannot be deactivated.`);
      }
      const updated = { ...field, ...changes } as FieldDefinition;
      return replaceModule(config, {
        ...module,
        fields: module.fields.map((candidate) => (candidate.key === key ? updated : candidate)),
      });
    });
    return issuesAtRequestPath(saving, () => (index < 0 ? null : `${moduleSlug}.fields[${index}]`), 'changes');
  }

  /** Replaces a module's validation rules; the whole configuration is re-validated (types, paths, fields named). */
  async saveValidationRules(caller: Caller, moduleSlug: string, rules: ModuleConfig['validation_rules']): Promise<TenantConfig> {
    return this.mutate(caller, { kind: 'module', action: 'module.validation_rules_saved', module: moduleSlug, id: moduleSlug }, (config) => {
      const module = requireModule(config, moduleSlug);
      const { validation_rules: _previous, ...rest } = module;
      return replaceModule(config, rules && rules.length > 0 ? { ...rest, validation_rules: rules } : rest);
    });
  }

  async reorderFields(caller: Caller, moduleSlug: string, keys: readonly string[]): Promise<TenantConfig> {
    return this.mutate(caller, { kind: 'field', action: 'field.reordered', module: moduleSlug, id: null }, (config) => {
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
    return this.updateField(caller, moduleSlug, key, { active: false }, 'field.deactivated');
  }

  async createModule(caller: Caller, input: NewModuleInput): Promise<TenantConfig> {
    return this.mutate(caller, { kind: 'module', action: 'module.created', module: input.slug, id: input.slug }, (config) => {
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
        fields: input.fields.map((field, order) => ({ ...field, custom: true, order })),
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
    const config = await this.mutate(caller, { kind: 'settings', action: 'settings.updated', module: null, id: null }, (current) => {
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
  async mutate(caller: Caller, audit: ConfigAudit, change: (config: TenantConfig) => TenantConfig): Promise<TenantConfig> {
    requireConfigManager(caller);
    const path = crmPaths.tenant(caller.tenantId);
    const { store } = this.deps;
    const { config, reindexJob } = await store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      const current = doc ? parseTenantConfig(doc.data) : null;
      if (!current || current.template === null) {
        throw new CrmError(CRM_ERROR_CODES.templateNotSelected, 'Choose a template before changing the configuration.');
      }
      const normalized = normalizeConfig({ ...change(current), revision: current.revision + 1, updatedAt: this.now() });
      const withRecords = await modulesWithRecords(tx, caller.tenantId, current, normalized);
      // A field newly hidden from (or shown to) a role moves its words between public and role-scoped
      // search tokens (record-tokens.ts): existing records are re-indexed so no old token lets a search find them.
      const searchReindex = await modulesWithRecordsAmong(tx, caller.tenantId, searchScopeChanged(current, normalized));
      const slotted = assignIndexSlots({ previous: current, next: normalized, hasRecords: (slug) => withRecords.has(slug) });
      const { backfill } = slotted;
      const next = stampAccessChange(tx, current, slotted.config);
      tx.set(path, configToWriteData(next));
      recordAudit(tx, {
        kind: audit.kind,
        action: audit.action,
        caller,
        target: { module: audit.module, id: audit.id },
        before: auditedConfig(current),
        after: auditedConfig(next),
        at: this.now(),
      });
      if (backfill.length === 0 && searchReindex.length === 0) return { config: next, reindexJob: null };
      const jobId = `reindex-${next.revision}`;
      const modules = [...new Set([...backfillingModules(next), ...searchReindex])];
      tx.set(lifecyclePaths.migration(caller.tenantId, jobId), reindexJobData({ config: next, backfill, modules, caller, now: this.now() }));
      return { config: next, reindexJob: { jobId, modules } };
    });
    this.deps.configs.remember(config);
    if (reindexJob) await this.startReindex(caller.tenantId, reindexJob.jobId, config, reindexJob.modules);
    return config;
  }

  /**
   * Ops catch-up for a tenant configured before index slots (or whose records
   * were written with an older index layout): indexes the fields its
   * dashboards sum or average, assigns slots, and starts a reindex job over
   * every record, which rewrites only records whose index fields differ.
   * Idempotent; run by scripts/reindex-tenants.ts, not exposed as a callable.
   */
  async reindexTenant(tenantId: string, actor: string): Promise<{ jobId: string }> {
    const { store } = this.deps;
    const path = crmPaths.tenant(tenantId);
    const { config, jobId } = await store.runTransaction(async (tx) => {
      const [doc, dashboards] = await Promise.all([tx.get(path), tx.query({ collection: crmPaths.dashboards(tenantId) })]);
      const current = doc ? parseTenantConfig(doc.data) : null;
      if (!current || current.template === null) {
        throw new CrmError(CRM_ERROR_CODES.templateNotSelected, `Tenant ${tenantId} has not chosen a template: nothing to index.`);
      }
      const layout: DashboardLayout = {};
      for (const dashboard of dashboards) {
        const widgets = (Array.isArray(dashboard.data.widgets) ? dashboard.data.widgets : []).flatMap((widget) => {
          const parsed = WidgetSchema.safeParse(widget);
          return parsed.success ? [parsed.data] : [];
        });
        layout[dashboard.id.toLowerCase()] = { widgets };
      }
      const revision = current.revision + 1;
      const { config: next, backfill } = assignIndexSlots({
        previous: current,
        next: { ...current, modules: indexDashboardFields(current.modules, layout), revision, updatedAt: this.now() },
        hasRecords: () => true,
      });
      const id = `reindex-${revision}`;
      tx.set(path, configToWriteData(next));
      tx.set(lifecyclePaths.migration(tenantId, id), reindexJobData({ config: next, backfill, modules: null, caller: { uid: actor }, now: this.now() }));
      return { config: next, jobId: id };
    });
    this.deps.configs.remember(config);
    await this.startReindex(tenantId, jobId, config, null);
    return { jobId };
  }

  /** Progress needs a denominator; counting outside the transaction keeps the config write cheap. */
  private async startReindex(tenantId: string, jobId: string, config: TenantConfig, only: string[] | null = backfillingModules(config)): Promise<void> {
    const { store } = this.deps;
    const counted = await store.aggregate(
      { collection: crmPaths.records(tenantId), ...(only ? { where: [{ field: 'module', op: 'in' as const, value: only }] } : {}) },
      { total: { op: 'count' } },
    );
    await store.update(lifecyclePaths.migration(tenantId, jobId), { total: counted.total ?? 0 });
    await this.deps.startReindex?.({ tenantId, jobId });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/** What a configuration change is, for its audit entry. */
export interface ConfigAudit {
  readonly kind: AuditKind;
  readonly action: string;
  readonly module: string | null;
  readonly id: string | null;
}

/** The parts of the configuration an admin changes; revision and timestamps would only add noise to the diff. */
export function auditedConfig(config: TenantConfig): Record<string, unknown> {
  const { revision: _revision, accessRevision: _accessRevision, updatedAt: _updatedAt, selectedAt: _selectedAt, tenantId: _tenantId, ...rest } = config;
  return rest;
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
    enabled_modules: config.modules.map(({ fields: _fields, source: _source, index_slots: _slots, ...module }) => module),
    field_schemas: Object.fromEntries(config.modules.map((module) => [module.slug, module.fields])),
    permissions_matrix: config.permissions,
    ...(config.fieldPermissions ? { field_permissions: config.fieldPermissions } : {}),
  };
}

/** Validates the edited configuration and returns it as the schema normalizes it (defaults applied). */
function normalizeConfig(config: TenantConfig): TenantConfig {
  const result = validateTemplate(configAsTemplate(config));
  if (!result.ok) {
    throw invalidInput(result.errors.map((error) => ({ ...error, path: describeConfigPath(error.path) })));
  }
  const { template } = result;
  return {
    ...config,
    modules: config.modules.map((module) => ({
      ...(template.enabled_modules.find((candidate) => candidate.slug === module.slug) ?? module),
      fields: template.field_schemas[module.slug] ?? [],
      source: module.source,
      ...(module.index_slots ? { index_slots: module.index_slots } : {}),
    })),
  };
}

/** Modules that gained an indexed field and already hold records (one 1-document query each). */
async function modulesWithRecords(tx: Transaction, tenantId: string, previous: TenantConfig, next: TenantConfig): Promise<Set<string>> {
  const gained = next.modules.filter((module) => {
    const before = previous.modules.find((candidate) => candidate.slug === module.slug)?.index_slots ?? [];
    return indexedFieldsOf(module.fields).some((field) => !before.some((slot) => slot.field === field.key));
  });
  const found = await Promise.all(
    gained.map(async (module) => {
      const docs = await tx.query({ collection: crmPaths.records(tenantId), where: [{ field: 'module', op: '==', value: module.slug }], limit: 1 });
      return docs.length > 0 ? module.slug : null;
    }),
  );
  return new Set(found.filter((slug): slug is string => slug !== null));
}

/** Modules where a field's search scope changed: hidden from a role, or visible again to it. */
function searchScopeChanged(previous: TenantConfig, next: TenantConfig): string[] {
  return next.modules
    .map((module) => module.slug)
    .filter((slug) => {
      const before = resolveModule(previous, slug)?.searchReaders;
      const after = resolveModule(next, slug)?.searchReaders;
      return JSON.stringify([...(before ?? new Map())]) !== JSON.stringify([...(after ?? new Map())]);
    });
}

async function modulesWithRecordsAmong(tx: Transaction, tenantId: string, slugs: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    slugs.map(async (slug) => {
      const docs = await tx.query({ collection: crmPaths.records(tenantId), where: [{ field: 'module', op: '==', value: slug }], limit: 1 });
      return docs.length > 0 ? slug : null;
    }),
  );
  return found.filter((slug): slug is string => slug !== null);
}

/** Modules with a slot still being filled: what a reindex after a field change walks. */
function backfillingModules(config: TenantConfig): string[] {
  return config.modules.filter((module) => (module.index_slots ?? []).some((slot) => slot.state === 'backfilling')).map((module) => module.slug);
}

function reindexJobData({
  config,
  backfill,
  modules,
  caller,
  now,
}: {
  config: TenantConfig;
  backfill: readonly SlotToBackfill[];
  /** null: every record of the tenant. */
  modules: string[] | null;
  caller: Pick<Caller, 'uid'>;
  now: Date;
}): WriteData {
  const version = config.template?.version ?? '0.0.0';
  return {
    tenantId: config.tenantId,
    kind: 'reindex',
    modules,
    indexSlots: backfill.map((slot) => ({ ...slot })),
    templateSlug: config.template?.slug ?? '',
    fromVersion: version,
    toVersion: version,
    steps: [],
    total: 0,
    ...freshJobProgress(caller.uid, now),
  };
}

/**
 * Whole-configuration checks (a roll-up's relationship must point at its
 * module, a formula's paths must resolve) report at the field's place in the
 * configuration (`agents.fields[11].options.field`); for the field being
 * added or edited, the issue is about the request's own input (`field.options.field`),
 * so the editor can show it at the input it concerns.
 */
async function issuesAtRequestPath(saving: Promise<TenantConfig>, configPath: () => string | null, requestPath: string): Promise<TenantConfig> {
  try {
    return await saving;
  } catch (error) {
    const from = configPath();
    if (!(error instanceof CrmError) || error.code !== CRM_ERROR_CODES.invalidInput || from === null) throw error;
    const moved = (path: string | undefined) => (path !== undefined && (path === from || path.startsWith(`${from}.`)) ? `${requestPath}${path.slice(from.length)}` : path);
    if (!error.issues.some((issue) => moved(issue.path) !== issue.path)) throw error;
    const field = moved(error.field);
    throw new CrmError(
      error.code,
      error.message.split(`${from}.`).join(`${requestPath}.`),
      error.issues.map((issue) => ({ ...issue, path: moved(issue.path) ?? issue.path })),
      { messageKey: error.messageKey, params: error.params, ...(field !== undefined ? { field } : {}) },
    );
  }
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
  const fromTemplate = [...template.enabled_modules]
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((module) => ({
      ...module,
      fields: (template.field_schemas[module.slug] ?? []).map((field, order) => ({ ...field, order: field.order ?? order })),
      source: 'template' as const,
    }));
  // Selection happens before the first record: every slot starts ready.
  const { modules } = assignIndexSlots({
    previous: null,
    next: { modules: indexDashboardFields(fromTemplate, template.dashboard_layout) },
    hasRecords: () => false,
  }).config;
  return {
    tenantId,
    template: { slug: template.slug, version: template.version, name: template.name },
    selectedAt: now,
    selectedBy,
    modules,
    permissions: template.permissions_matrix,
    ...(template.field_permissions ? { fieldPermissions: template.field_permissions } : {}),
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
