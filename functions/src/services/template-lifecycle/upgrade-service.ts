import type { DocumentData, DocumentStore, ReadOps, StoredDocument, Transaction, WriteData } from '../../store/document-store.js';
import { validateTemplate, compareVersions, type Template, type TemplateError } from '../../engine/template/template-schema.js';
import { canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import { mergeTemplateUpgrade, type Choice, type MergeUpgradeResult, type UpgradeChange, type UpgradeConflict } from '../../engine/template-lifecycle/merge-upgrade.js';
import { normalizeDashboard, normalizeWorkflow } from '../../engine/template-lifecycle/merge-upgrade.js';
import { diffTemplates } from '../../engine/template-lifecycle/diff-templates.js';
import { stepsForUpgrade, type VersionedStep } from '../../engine/template-lifecycle/apply-migrations.js';
import {
  DASHBOARD_DEFINITION_KEYS,
  WORKFLOW_DEFINITION_KEYS,
  pick,
  sameValue,
  sideFromTemplate,
  type ConfigSide,
  type ModuleShape,
} from '../../engine/template-lifecycle/template-side.js';
import type { Caller } from '../caller.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import { configAsTemplate } from '../config/config-service.js';
import { assignIndexSlots, indexDashboardFields, type SlotToBackfill } from '../config/assign-index-slots.js';
import { configToWriteData, parseTenantConfig, stampAccessChange, type ConfigStore } from '../config/config-store.js';
import type { ModuleConfig, TenantConfig } from '../config/tenant-config.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import { lifecyclePaths } from './lifecycle-paths.js';
import { freshJobProgress, parseMigrationJob, toMigrationJobView, type MigrationJobView } from './migration-job.js';
import type { MigrationDriver } from './migration-driver.js';
import { listVersions, type VersionInfo } from './template-versions.js';
import { recordAudit } from '../audit/record-audit.js';
import { auditedConfig } from '../config/config-service.js';

/** No batch for this long means the job's runner is gone. */
const STALLED_AFTER_MS = 120_000;

export interface UpgradeDeps {
  readonly store: DocumentStore;
  readonly catalog: TemplateCatalog;
  readonly configs: ConfigStore;
  readonly driver: MigrationDriver;
  readonly now?: () => Date;
}

export interface UpgradeStatus {
  readonly templateSelected: boolean;
  readonly template: { slug: string; version: string; name: string } | null;
  readonly latestVersion: string | null;
  readonly upgradeAvailable: boolean;
  readonly newerVersions: VersionInfo[];
  /** The brief's can_change_template: switching templates is refused once records exist. */
  readonly canChangeTemplate: boolean;
  readonly changeTemplateReason: string | null;
  readonly migration: MigrationJobView | null;
}

export interface UpgradePreview {
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly revision: number;
  /** What the new version changes in the template itself. */
  readonly templateChanges: UpgradeChange[];
  /** What the upgrade changes in this tenant's configuration. */
  readonly changes: UpgradeChange[];
  readonly conflicts: UpgradeConflict[];
  readonly unresolved: string[];
  readonly migrations: VersionedStep[];
  readonly recordsToMigrate: number;
  /** Problems that block applying (the merged configuration would be invalid). */
  readonly errors: TemplateError[];
  /** Problems in the tenant's workflows or dashboards after the merge; applying is allowed, they should be fixed. */
  readonly warnings: TemplateError[];
  readonly config: TenantConfig;
  readonly canApply: boolean;
}

interface TenantState {
  readonly config: TenantConfig;
  readonly workflows: StoredDocument[];
  readonly dashboards: StoredDocument[];
}

interface Plan {
  readonly state: TenantState;
  readonly base: Template;
  readonly next: Template;
  readonly merged: MergeUpgradeResult;
  readonly config: TenantConfig;
  /** Index slots newly assigned in modules with records: the migration job fills them. */
  readonly backfill: SlotToBackfill[];
  readonly steps: VersionedStep[];
  readonly errors: TemplateError[];
  readonly warnings: TemplateError[];
}

/**
 * Tenant-side template upgrades: is there a newer version, what would it do
 * (three-way merge with what the tenant changed), and applying it — the
 * configuration, workflows and dashboards in one transaction together with
 * the migration job for the records, so the configuration never runs ahead of
 * a job that will bring the data along.
 */
export class UpgradeService {
  constructor(private readonly deps: UpgradeDeps) {}

  async status(caller: Caller): Promise<UpgradeStatus> {
    requireUpgrader(caller);
    const { store } = this.deps;
    const [configDoc, anyRecord, jobs] = await Promise.all([
      store.get(crmPaths.tenant(caller.tenantId)),
      store.query({ collection: crmPaths.records(caller.tenantId), limit: 1 }),
      store.query({ collection: lifecyclePaths.migrations(caller.tenantId), orderBy: [{ field: 'createdAt', direction: 'desc' }], limit: 1 }),
    ]);
    const config = configDoc ? parseTenantConfig(configDoc.data) : null;
    const hasRecords = anyRecord.length > 0;
    const job = jobs[0];
    const jobView = job ? toMigrationJobView(job.id, parseMigrationJob(job.data)) : null;
    if (jobView) await this.restartIfStalled(jobView);
    const base = {
      canChangeTemplate: !hasRecords,
      changeTemplateReason: hasRecords ? 'The template cannot be changed because this CRM already has records.' : null,
      migration: jobView,
    };
    if (!config?.template) {
      return { templateSelected: false, template: null, latestVersion: null, upgradeAvailable: false, newerVersions: [], ...base };
    }
    const current = config.template;
    const [summary, versions] = await Promise.all([this.deps.catalog.getSummary(current.slug), listVersions(store, current.slug)]);
    const newer = versions.filter((version) => compareVersions(version.version, current.version) > 0);
    return {
      templateSelected: true,
      template: current,
      latestVersion: summary?.latestVersion ?? null,
      upgradeAvailable: newer.length > 0,
      newerVersions: newer,
      ...base,
    };
  }

  async preview(caller: Caller, targetVersion?: string, choices: Readonly<Record<string, Choice>> = {}): Promise<UpgradePreview> {
    requireUpgrader(caller);
    const target = await this.resolveTarget(caller.tenantId, targetVersion);
    const counts = await this.moduleCounts(caller.tenantId, target);
    const state = await loadTenantState(this.deps.store, caller.tenantId);
    await this.requireNoRunningMigration(this.deps.store, caller.tenantId);
    const plan = await this.plan({ state, target, counts, choices, caller });
    const recordsToMigrate = await this.countRecords(caller.tenantId, [...new Set(plan.steps.map((step) => step.module))]);
    return {
      fromVersion: plan.base.version,
      toVersion: plan.next.version,
      revision: state.config.revision,
      templateChanges: diffTemplates(plan.base, plan.next),
      changes: plan.merged.changes,
      conflicts: plan.merged.conflicts,
      unresolved: plan.merged.unresolved,
      migrations: plan.steps,
      recordsToMigrate,
      errors: plan.errors,
      warnings: plan.warnings,
      config: plan.config,
      canApply: plan.merged.unresolved.length === 0 && plan.errors.length === 0,
    };
  }

  async apply(
    caller: Caller,
    { targetVersion, choices = {}, expectedRevision }: { targetVersion: string; choices?: Readonly<Record<string, Choice>>; expectedRevision?: number },
  ): Promise<{ config: TenantConfig; migration: MigrationJobView | null }> {
    requireUpgrader(caller);
    const { store } = this.deps;
    const target = await this.resolveTarget(caller.tenantId, targetVersion);
    const counts = await this.moduleCounts(caller.tenantId, target);
    const total = await this.countRecords(caller.tenantId, null);
    const result = await store.runTransaction(async (tx) => {
      const state = await loadTenantState(tx, caller.tenantId);
      await this.requireNoRunningMigration(tx, caller.tenantId);
      if (expectedRevision !== undefined && state.config.revision !== expectedRevision) {
        throw new CrmError(CRM_ERROR_CODES.versionConflict, 'The configuration changed since the preview. Preview the upgrade again.');
      }
      const plan = await this.plan({ state, target, counts, choices, caller });
      if (plan.merged.unresolved.length > 0) {
        throw new CrmError(
          CRM_ERROR_CODES.precondition,
          `Choose how to resolve ${plan.merged.unresolved.length} conflict(s) before upgrading.`,
          plan.merged.unresolved.map((path) => ({ path: `choices.${path}`, message: 'needs a choice: kept_tenant or took_template' })),
        );
      }
      if (plan.errors.length > 0) {
        throw invalidInput(plan.errors.map((error) => ({ path: error.path, message: error.message })), 'The upgraded configuration would be invalid: ' + plan.errors.map((error) => `${error.path}: ${error.message}`).join('; '));
      }
      const now = this.now();
      const upgraded = stampAccessChange(tx, state.config, plan.config);
      tx.set(crmPaths.tenant(caller.tenantId), configToWriteData(upgraded));
      recordAudit(tx, {
        kind: 'upgrade',
        action: 'template.upgraded',
        caller,
        target: { id: plan.next.slug, label: `${plan.base.version} → ${plan.next.version}` },
        before: auditedConfig(state.config),
        after: auditedConfig(plan.config),
        at: now,
      });
      writeAutomation(tx, { tenantId: caller.tenantId, state, merged: plan.merged, now, newId: () => store.newId() });
      if (plan.steps.length === 0 && plan.backfill.length === 0) return { config: upgraded, migration: null };
      const jobId = store.newId();
      const job = {
        tenantId: caller.tenantId,
        kind: 'upgrade' as const,
        modules: null,
        indexSlots: plan.backfill.map((slot) => ({ ...slot })),
        templateSlug: plan.next.slug,
        fromVersion: plan.base.version,
        toVersion: plan.next.version,
        steps: plan.steps,
        total,
        ...freshJobProgress(caller.uid, now),
      };
      const data: WriteData = { ...job, steps: plainData({ steps: plan.steps }).steps ?? [] };
      tx.create(lifecyclePaths.migration(caller.tenantId, jobId), data);
      return { config: upgraded, migration: toMigrationJobView(jobId, parseMigrationJob(data as DocumentData)) };
    });
    this.deps.configs.remember(result.config);
    if (result.migration) await this.deps.driver.start({ tenantId: caller.tenantId, jobId: result.migration.jobId });
    return result;
  }

  async progress(caller: Caller, jobId?: string): Promise<MigrationJobView | null> {
    requireUpgrader(caller);
    const view = await migrationProgress(this.deps.store, caller.tenantId, jobId);
    if (view) await this.restartIfStalled(view);
    return view;
  }

  /**
   * A running job nobody advanced for a while lost its runner (the embedded
   * process restarted, or Cloud Tasks gave up retrying). Looking at its
   * progress starts it again; the cursor makes that safe at any time, and a
   * second runner on a live job only loses the race for each batch.
   */
  private async restartIfStalled(view: MigrationJobView): Promise<void> {
    if (view.status !== 'running') return;
    if (this.now().getTime() - Date.parse(view.updatedAt) < STALLED_AFTER_MS) return;
    await this.deps.driver.start({ tenantId: view.tenantId, jobId: view.jobId });
  }

  // ---------------------------------------------------------------- internals

  private async plan({
    state,
    target,
    counts,
    choices,
  }: {
    state: TenantState;
    target: { slug: string; version: string };
    counts: Readonly<Record<string, number>>;
    choices: Readonly<Record<string, Choice>>;
    caller: Caller;
  }): Promise<Plan> {
    const current = state.config.template;
    if (!current) throw new CrmError(CRM_ERROR_CODES.templateNotSelected, 'Choose a template first.');
    if (current.slug !== target.slug) {
      throw new CrmError(CRM_ERROR_CODES.precondition, 'The configuration changed since this upgrade was prepared. Try again.');
    }
    if (compareVersions(target.version, current.version) <= 0) {
      throw new CrmError(CRM_ERROR_CODES.precondition, `This CRM is already on version ${current.version} of the template.`);
    }
    const [base, next] = await Promise.all([
      this.deps.catalog.getVersion(current.slug, current.version),
      this.deps.catalog.getVersion(target.slug, target.version),
    ]);
    if (!base) throw new CrmError(CRM_ERROR_CODES.notFound, `Version ${current.version} of the template is no longer published.`);
    if (!next) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no version ${target.version} of this template.`);
    const steps = stepsForUpgrade({ migrations: next.migrations, templateVersion: next.version, fromVersion: base.version });
    const merged = mergeTemplateUpgrade({
      base: sideFromTemplate(base),
      next: sideFromTemplate(next),
      tenant: { ...tenantSide(state), recordCounts: counts },
      migrations: steps,
      choices,
    });
    const draft: TenantConfig = {
      ...state.config,
      template: { slug: next.slug, version: next.version, name: next.name },
      modules: merged.modules.map((module) => ({ ...module, source: module.source ?? 'template' }) as ModuleConfig),
      permissions: merged.permissions,
      fieldPermissions: merged.fieldPermissions,
      revision: state.config.revision + 1,
      updatedAt: this.now(),
    };
    const validation = validateTemplate({
      ...(configAsTemplate(draft) as Record<string, unknown>),
      workflow_schemas: groupWorkflows(merged),
      dashboard_layout: Object.fromEntries(merged.dashboards.map((entry) => [entry.key, dashboardForValidation(entry.key, entry.dashboard)])),
    });
    const problems = validation.ok ? [] : validation.errors;
    const isAutomation = (error: TemplateError): boolean => /^(workflow_schemas|dashboard_layout)/.test(error.path);
    const normalized = validation.ok ? normalizeModules(draft, validation.template) : draft;
    // The new version's dashboards may sum fields the old one did not: index them, keeping every
    // slot the tenant has. New slots are filled by the upgrade's migration job (migrateRecord).
    let indexed: { config: TenantConfig; backfill: SlotToBackfill[] } = { config: normalized, backfill: [] };
    const slotErrors: TemplateError[] = [];
    try {
      indexed = assignIndexSlots({
        previous: state.config,
        next: { ...normalized, modules: indexDashboardFields(normalized.modules, next.dashboard_layout) },
        hasRecords: () => true,
      });
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
      slotErrors.push({ path: 'field_schemas', message: error.message });
    }
    const config = indexed.config;
    return {
      state,
      base,
      next,
      merged,
      config,
      backfill: indexed.backfill,
      steps,
      errors: [...problems.filter((error) => !isAutomation(error)), ...slotErrors],
      warnings: problems.filter(isAutomation),
    };
  }

  private async resolveTarget(tenantId: string, targetVersion: string | undefined): Promise<{ slug: string; version: string }> {
    const config = await this.deps.configs.require(tenantId);
    const slug = config.template?.slug ?? '';
    if (targetVersion) return { slug, version: targetVersion };
    const summary = await this.deps.catalog.getSummary(slug);
    if (!summary) throw new CrmError(CRM_ERROR_CODES.notFound, 'The template of this CRM no longer exists.');
    return { slug, version: summary.latestVersion };
  }

  /** Record counts of the tenant's modules the target version drops (they decide whether removal needs a choice). */
  private async moduleCounts(tenantId: string, target: { slug: string; version: string }): Promise<Record<string, number>> {
    const [config, next] = await Promise.all([this.deps.configs.require(tenantId), this.deps.catalog.getVersion(target.slug, target.version)]);
    if (!next) throw new CrmError(CRM_ERROR_CODES.notFound, `There is no version ${target.version} of this template.`);
    const kept = new Set(next.enabled_modules.map((module) => module.slug));
    const dropped = config.modules.filter((module) => !kept.has(module.slug)).map((module) => module.slug);
    const counts = await Promise.all(dropped.map((slug) => this.countRecords(tenantId, [slug])));
    return Object.fromEntries(dropped.map((slug, index) => [slug, counts[index] ?? 0]));
  }

  /** Aggregation `count()` (one read per 1000 records), never reading the records. */
  private async countRecords(tenantId: string, modules: string[] | null): Promise<number> {
    if (modules !== null && modules.length === 0) return 0;
    const collection = crmPaths.records(tenantId);
    if (modules === null) return (await this.deps.store.aggregate({ collection }, { n: { op: 'count' } })).n ?? 0;
    const counts = await Promise.all(
      modules.map(async (module) => (await this.deps.store.aggregate({ collection, where: [{ field: 'module', op: '==', value: module }] }, { n: { op: 'count' } })).n ?? 0),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  private async requireNoRunningMigration(reader: ReadOps, tenantId: string): Promise<void> {
    const running = await reader.query({
      collection: lifecyclePaths.migrations(tenantId),
      where: [{ field: 'status', op: '==', value: 'running' }],
      limit: 1,
    });
    if (running.length > 0) {
      throw new CrmError(CRM_ERROR_CODES.precondition, 'A data migration from the last upgrade is still running. Wait for it to finish.');
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

export async function migrationProgress(store: DocumentStore, tenantId: string, jobId?: string): Promise<MigrationJobView | null> {
  if (jobId) {
    const doc = await store.get(lifecyclePaths.migration(tenantId, jobId));
    if (!doc) throw new CrmError(CRM_ERROR_CODES.notFound, 'There is no such migration.');
    return toMigrationJobView(doc.id, parseMigrationJob(doc.data));
  }
  const [latest] = await store.query({
    collection: lifecyclePaths.migrations(tenantId),
    orderBy: [{ field: 'createdAt', direction: 'desc' }],
    limit: 1,
  });
  return latest ? toMigrationJobView(latest.id, parseMigrationJob(latest.data)) : null;
}

function requireUpgrader(caller: Caller): void {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins of this tenant can upgrade its template.');
  }
}

async function loadTenantState(reader: ReadOps, tenantId: string): Promise<TenantState> {
  const [configDoc, workflows, dashboards] = await Promise.all([
    reader.get(crmPaths.tenant(tenantId)),
    reader.query({ collection: crmPaths.workflows(tenantId) }),
    reader.query({ collection: crmPaths.dashboards(tenantId) }),
  ]);
  const config = configDoc ? parseTenantConfig(configDoc.data) : null;
  if (!config?.template) throw new CrmError(CRM_ERROR_CODES.templateNotSelected, 'Choose a template first.');
  return { config, workflows, dashboards };
}

function tenantSide(state: TenantState): ConfigSide {
  return {
    // Index slots are the server's bookkeeping, not a template property to merge: reassigned after the merge.
    modules: state.config.modules.map(({ index_slots: _slots, ...module }) => module) as ModuleShape[],
    workflows: state.workflows.flatMap((doc) =>
      typeof doc.data.module === 'string' && typeof doc.data.name === 'string'
        ? [{ id: doc.id, module: doc.data.module, definition: pick(doc.data, WORKFLOW_DEFINITION_KEYS) as { name: string } }]
        : [],
    ),
    dashboards: state.dashboards.map((doc) => ({
      id: doc.id,
      key: typeof doc.data.key === 'string' ? doc.data.key : doc.id,
      dashboard: pick(doc.data, DASHBOARD_DEFINITION_KEYS),
    })),
    permissions: state.config.permissions,
    fieldPermissions: state.config.fieldPermissions,
  };
}

function groupWorkflows(merged: MergeUpgradeResult): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const workflow of merged.workflows) (out[workflow.module] ??= []).push(normalizeWorkflow(workflow.definition));
  return out;
}

function dashboardForValidation(key: string, dashboard: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const normalized = normalizeDashboard(key, dashboard);
  return { ...normalized, role_restriction: normalized.role_restriction ?? undefined };
}

/** The validator's output for modules and fields (defaults applied), keeping each module's source and order. */
function normalizeModules(config: TenantConfig, template: Template): TenantConfig {
  return {
    ...config,
    modules: config.modules.map((module) => ({
      ...(template.enabled_modules.find((candidate) => candidate.slug === module.slug) ?? module),
      fields: template.field_schemas[module.slug] ?? [],
      source: module.source,
    })),
  };
}

/** Workflow and dashboard documents: update what changed, create what the template adds, delete what goes. */
function writeAutomation(
  tx: Transaction,
  { tenantId, state, merged, now, newId }: { tenantId: string; state: TenantState; merged: MergeUpgradeResult; now: Date; newId: () => string },
): void {
  const stamp = now.toISOString();
  const workflowDocs = new Map(state.workflows.map((doc) => [doc.id, doc]));
  for (const workflow of merged.workflows) {
    const definition = normalizeWorkflow(workflow.definition);
    const existing = workflow.id ? workflowDocs.get(workflow.id) : undefined;
    if (existing) {
      if (sameValue(normalizeWorkflow(pick(existing.data, WORKFLOW_DEFINITION_KEYS)), definition)) continue;
      const bookkeeping = Object.fromEntries(Object.entries(existing.data).filter(([key]) => !(WORKFLOW_DEFINITION_KEYS as readonly string[]).includes(key)));
      tx.set(existing.path, plainData({ ...bookkeeping, ...definition, module: workflow.module, updatedAt: stamp }));
    } else {
      tx.set(`${crmPaths.workflows(tenantId)}/${newId()}`, plainData({ ...definition, module: workflow.module, source: 'template', createdAt: stamp, updatedAt: stamp }));
    }
  }
  for (const id of merged.removedWorkflowIds) tx.delete(`${crmPaths.workflows(tenantId)}/${id}`);

  const dashboardDocs = new Map(state.dashboards.map((doc) => [doc.id, doc]));
  for (const entry of merged.dashboards) {
    const definition = normalizeDashboard(entry.key, entry.dashboard);
    const existing = entry.id ? dashboardDocs.get(entry.id) : undefined;
    if (existing) {
      if (sameValue(normalizeDashboard(entry.key, pick(existing.data, DASHBOARD_DEFINITION_KEYS)), definition)) continue;
      tx.set(existing.path, plainData({ ...existing.data, ...definition, updatedAt: stamp }));
    } else {
      tx.set(`${crmPaths.dashboards(tenantId)}/${newId()}`, plainData({
        key: entry.key,
        ...definition,
        is_default: entry.key === 'default',
        source: 'template',
        createdAt: stamp,
        updatedAt: stamp,
      }));
    }
  }
  for (const id of merged.removedDashboardIds) tx.delete(`${crmPaths.dashboards(tenantId)}/${id}`);
}

/** JSON-clean copy: Firestore refuses `undefined`, which zod output may hold. */
function plainData(value: Record<string, unknown>): WriteData {
  return JSON.parse(JSON.stringify(value)) as WriteData;
}
