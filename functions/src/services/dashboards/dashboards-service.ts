import type { DocumentStore, StoredDocument, WriteData } from '../../store/document-store.js';
import { canManageConfiguration, resolveAccessScope, type TenantRole } from '../../engine/permissions/evaluate-permission.js';
import type { LocalizedText } from '../../engine/template/localized-text.js';
import { resolveLabel } from '../../engine/template/localized-text.js';
import { DashboardSchema, type Widget } from '../../engine/template/dashboard-schema.js';
import { todayIn } from '../../engine/dashboards/date-range.js';
import { isValidTimeZone } from '../../engine/time/zoned-time.js';
import type { Caller } from '../caller.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { CrmError, CRM_ERROR_CODES, invalidInput, type FieldIssue } from '../errors.js';
import { crmPaths } from '../paths.js';
import { planWidget, WidgetConfigError, type WidgetFigures } from './plan-widget.js';
import { recordAudit } from '../audit/record-audit.js';
import { firstHiddenStep, moduleAtPrefix, readScopeFor, type ReadScope } from '../access/field-security.js';
import { applyPathFilter, splitPathFilter } from './path-filter.js';
import type { FieldAccess } from '../../engine/permissions/field-access.js';

export interface DashboardsDeps {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly now?: () => Date;
}

/** A dashboard as stored at `crm_tenants/{tenantId}/dashboards/{id}` (template-seeded or saved by an admin). */
export interface StoredDashboard {
  readonly key: string;
  readonly name: LocalizedText;
  /** null: every role; otherwise only that role (and those who manage dashboards). */
  readonly role_restriction: TenantRole | null;
  readonly widgets: Widget[];
  readonly is_default: boolean;
  readonly source: 'template' | 'custom';
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DashboardView extends StoredDashboard {
  readonly id: string;
}

export interface DashboardInput {
  readonly key?: string | undefined;
  readonly name: LocalizedText;
  readonly role_restriction?: TenantRole | null | undefined;
  readonly widgets: readonly unknown[];
  readonly is_default?: boolean | undefined;
}

export type WidgetResult =
  | ({ readonly id: string; readonly status: 'ok' } & WidgetFigures)
  | { readonly id: string; readonly type: Widget['type']; readonly status: 'hidden'; readonly reason: 'no-read-access'; readonly message: string }
  | { readonly id: string; readonly type: Widget['type']; readonly status: 'error'; readonly message: string };

export interface DashboardData {
  readonly dashboard: DashboardView;
  readonly timeZone: string;
  readonly today: string;
  readonly generatedAt: string;
  readonly widgets: WidgetResult[];
}

const MAX_DASHBOARDS = 100;

/**
 * Dashboards: listing by role, admin CRUD, and rendering. Rendering reads the
 * dashboard and (cached) config, then runs each widget's bounded plan; no
 * figure is cached, so a dashboard is as fresh as its aggregation queries.
 */
export class DashboardsService {
  constructor(private readonly deps: DashboardsDeps) {}

  async list(caller: Caller): Promise<{ dashboards: DashboardView[]; defaultDashboardId: string | null }> {
    await this.deps.configs.require(caller.tenantId);
    const dashboards = (await this.all(caller.tenantId)).filter((dashboard) => isVisible(dashboard, caller));
    return { dashboards, defaultDashboardId: defaultFor(dashboards, caller)?.id ?? null };
  }

  async render(caller: Caller, dashboardId: string, options: { lang?: string | undefined } = {}): Promise<DashboardData> {
    const config = await this.deps.configs.require(caller.tenantId);
    const dashboard = await this.visibleDashboard(caller, dashboardId);
    const timeZone = timeZoneOf(config);
    const now = this.now();
    const today = todayIn(now, timeZone);
    const collection = crmPaths.records(caller.tenantId);
    const readScope = readScopeFor(caller, config);
    const widgets = await Promise.all(
      dashboard.widgets.map(async (rawWidget): Promise<WidgetResult> => {
        // Field-level security: a widget that aggregates, groups or filters on a field hidden from the
        // viewer comes back hidden (its figures would reveal the field); a recent-records widget loses
        // the hidden columns, and is hidden when none is left.
        const widget = withoutHiddenColumns(rawWidget, readScope.access);
        if (!widget || widgetFields(widget).some((field) => !readScope.access.canRead(widget.config.module, field))) {
          return { id: rawWidget.id, type: rawWidget.type, status: 'hidden', reason: 'no-read-access', message: 'You do not have access to this data.' };
        }
        const module = resolveModule(config, widget.config.module);
        if (!module) return { id: widget.id, type: widget.type, status: 'error', message: `There is no module "${widget.config.module}" any more.` };
        const scope = resolveAccessScope({ actor: caller, matrix: config.permissions, module: module.slug, action: 'read' });
        if (scope === 'none') {
          // Say that something is hidden, never what: no figure of a module the viewer cannot read.
          return { id: widget.id, type: widget.type, status: 'hidden', reason: 'no-read-access', message: 'You do not have access to this data.' };
        }
        // A filter through a relationship (`patient.gender`) reveals the related field: every step must be
        // readable, and the related module readable at all; read_own on it keeps the viewer's own related records.
        const scopeOf = (slug: string) => resolveAccessScope({ actor: caller, matrix: config.permissions, module: slug, action: 'read' });
        const pathHidden = Object.keys(widget.config.filter ?? {})
          .filter((key) => key.includes('.'))
          .some((key) => {
            const parts = key.split('.');
            const target = moduleAtPrefix(config, module.slug, parts.slice(0, -1));
            return firstHiddenStep(config, readScope.access, module.slug, parts) !== null || (target !== null && scopeOf(target) === 'none');
          });
        if (pathHidden) {
          return { id: widget.id, type: widget.type, status: 'hidden', reason: 'no-read-access', message: 'You do not have access to this data.' };
        }
        try {
          const split = splitPathFilter({
            widget,
            module,
            moduleOf: (slug) => resolveModule(config, slug),
            ownerIdOf: (slug) => (scopeOf(slug) === 'own' ? caller.uid : null),
            timeZone,
            today,
          });
          const effective = await applyPathFilter({ split, store: this.deps.store, collection });
          const plan = planWidget(effective, { module, ownerId: scope === 'own' ? caller.uid : null, timeZone, today, lang: options.lang ?? 'en' });
          const figures = await plan.run({ store: this.deps.store, collection });
          return { id: widget.id, status: 'ok', ...redactFigures(figures, widget.config.module, readScope) };
        } catch (error) {
          if (error instanceof WidgetConfigError) return { id: widget.id, type: widget.type, status: 'error', message: error.message };
          throw error;
        }
      }),
    );
    return { dashboard, timeZone, today, generatedAt: now.toISOString(), widgets };
  }

  async save(caller: Caller, input: DashboardInput, dashboardId?: string): Promise<DashboardView> {
    requireManager(caller);
    const config = await this.deps.configs.require(caller.tenantId);
    const parsed = DashboardSchema.safeParse({ name: input.name, role_restriction: input.role_restriction ?? null, widgets: input.widgets });
    if (!parsed.success) {
      throw invalidInput(parsed.error.issues.map((issue) => ({ path: ['dashboard', ...issue.path].join('.'), message: issue.message })));
    }
    const widgets = parsed.data.widgets;
    const issues = checkWidgets(config, widgets, this.now());
    if (issues.length > 0) throw invalidInput(issues);

    const { store } = this.deps;
    const collection = crmPaths.dashboards(caller.tenantId);
    const now = this.now().toISOString();
    return store.runTransaction(async (tx) => {
      const existing = await tx.query({ collection });
      const current = dashboardId ? existing.find((doc) => doc.id === dashboardId) : undefined;
      if (dashboardId && !current) throw dashboardNotFound();
      if (!dashboardId && existing.length >= MAX_DASHBOARDS) {
        throw new CrmError(CRM_ERROR_CODES.precondition, `A CRM may have at most ${MAX_DASHBOARDS} dashboards; delete one first.`);
      }
      const previous = current ? toView(current) : null;
      const key = input.key ?? previous?.key ?? slugOf(resolveLabel(input.name, 'en'));
      if (existing.some((doc) => doc.id !== dashboardId && toView(doc).key === key)) {
        throw new CrmError(CRM_ERROR_CODES.alreadyExists, `Another dashboard already uses the key "${key}".`, [{ path: 'dashboard.key', message: 'is already used' }]);
      }
      const isDefault = input.is_default ?? previous?.is_default ?? false;
      const stored: StoredDashboard = {
        key,
        name: input.name,
        role_restriction: parsed.data.role_restriction ?? null,
        widgets,
        is_default: isDefault,
        source: previous?.source ?? 'custom',
        createdAt: previous?.createdAt ?? now,
        updatedAt: now,
      };
      const id = dashboardId ?? store.newId();
      if (isDefault) {
        // One default per audience: a new default replaces the old one for the same role restriction.
        for (const doc of existing) {
          const view = toView(doc);
          if (doc.id !== id && view.is_default && view.role_restriction === stored.role_restriction) tx.update(doc.path, { is_default: false });
        }
      }
      tx.set(`${collection}/${id}`, plainData(stored));
      const { createdAt: _createdAt, updatedAt: _updatedAt, ...audited } = stored;
      recordAudit(tx, {
        kind: 'dashboard',
        action: previous ? 'dashboard.updated' : 'dashboard.created',
        caller,
        target: { id, label: resolveLabel(input.name, 'en') },
        before: previous ? { key: previous.key, name: previous.name, role_restriction: previous.role_restriction, widgets: previous.widgets, is_default: previous.is_default, source: previous.source } : null,
        after: audited,
        at: this.now(),
      });
      return { id, ...stored };
    });
  }

  async delete(caller: Caller, dashboardId: string): Promise<void> {
    requireManager(caller);
    await this.deps.configs.require(caller.tenantId);
    const path = `${crmPaths.dashboards(caller.tenantId)}/${dashboardId}`;
    await this.deps.store.runTransaction(async (tx) => {
      const existing = await tx.get(path);
      if (!existing) throw dashboardNotFound();
      tx.delete(path);
      const { createdAt: _createdAt, updatedAt: _updatedAt, ...before } = existing.data;
      recordAudit(tx, { kind: 'dashboard', action: 'dashboard.deleted', caller, target: { id: dashboardId, label: typeof existing.data.key === 'string' ? existing.data.key : null }, before, after: null, at: this.now() });
    });
  }

  private async visibleDashboard(caller: Caller, dashboardId: string): Promise<DashboardView> {
    const doc = await this.deps.store.get(`${crmPaths.dashboards(caller.tenantId)}/${dashboardId}`);
    const dashboard = doc ? toView(doc) : null;
    if (!dashboard || !isVisible(dashboard, caller)) throw dashboardNotFound();
    return dashboard;
  }

  private async all(tenantId: string): Promise<DashboardView[]> {
    const docs = await this.deps.store.query({ collection: crmPaths.dashboards(tenantId), limit: MAX_DASHBOARDS });
    return docs.map(toView).sort((a, b) => Number(b.is_default) - Number(a.is_default) || a.key.localeCompare(b.key));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

export function timeZoneOf(config: TenantConfig): string {
  const zone = config.timezone;
  return zone && isValidTimeZone(zone) ? zone : 'UTC';
}

/** Managers (owner, admin, super admin) see every dashboard: they are the ones who edit them. */
export function isVisible(dashboard: Pick<StoredDashboard, 'role_restriction'>, caller: Caller): boolean {
  return dashboard.role_restriction === null || dashboard.role_restriction === caller.role || canManageConfiguration(caller);
}

/** The caller's landing dashboard: the default one made for their role, else the default for everyone. */
function defaultFor(dashboards: readonly DashboardView[], caller: Caller): DashboardView | undefined {
  return (
    dashboards.find((d) => d.is_default && d.role_restriction !== null && d.role_restriction === caller.role) ??
    dashboards.find((d) => d.role_restriction !== null && d.role_restriction === caller.role) ??
    dashboards.find((d) => d.is_default && d.role_restriction === null) ??
    dashboards.find((d) => d.role_restriction === null) ??
    dashboards[0]
  );
}

/** Plans every widget against the tenant's modules, as rendering will, and reports what cannot be answered. */
export function checkWidgets(config: TenantConfig, widgets: readonly Widget[], now: Date): FieldIssue[] {
  const timeZone = timeZoneOf(config);
  const today = todayIn(now, timeZone);
  const issues: FieldIssue[] = [];
  widgets.forEach((widget, index) => {
    const path = `dashboard.widgets.${index}.config`;
    const module = resolveModule(config, widget.config.module);
    if (!module) {
      issues.push({ path: `${path}.module`, message: `there is no module "${widget.config.module}"` });
      return;
    }
    try {
      const split = splitPathFilter({ widget, module, moduleOf: (slug) => resolveModule(config, slug), ownerIdOf: () => null, timeZone, today });
      planWidget(split.widget, { module, ownerId: null, timeZone, today, lang: 'en' });
    } catch (error) {
      if (!(error instanceof WidgetConfigError)) throw error;
      issues.push({ path, message: error.message });
    }
  });
  return issues;
}

function requireManager(caller: Caller): void {
  if (!canManageConfiguration(caller)) throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins manage dashboards.');
}

function dashboardNotFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This dashboard does not exist or you do not have access to it.');
}

function toView(doc: StoredDocument): DashboardView {
  const data = doc.data as unknown as Partial<StoredDashboard>;
  return {
    id: doc.id,
    key: data.key ?? doc.id,
    name: data.name ?? data.key ?? doc.id,
    role_restriction: data.role_restriction ?? null,
    widgets: data.widgets ?? [],
    is_default: data.is_default ?? false,
    source: data.source ?? 'custom',
    createdAt: data.createdAt ?? '',
    updatedAt: data.updatedAt ?? '',
  };
}

function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug.length > 0 ? slug : 'dashboard';
}

/** Strips `undefined` (which Firestore refuses) from zod output. */
function plainData(value: StoredDashboard): WriteData {
  return JSON.parse(JSON.stringify(value)) as WriteData;
}

/** Every field a widget reads: aggregated, grouped, staged, listed or filtered on. */
export function widgetFields(widget: Widget): string[] {
  const filterKeys = Object.keys(widget.config.filter ?? {});
  switch (widget.type) {
    case 'metric_card':
      return [...(widget.config.field ? [widget.config.field] : []), ...filterKeys];
    case 'chart':
      return [widget.config.x_axis, ...(widget.config.y_axis === 'count' ? [] : [widget.config.y_axis.field]), ...filterKeys];
    case 'recent_records':
      return [...widget.config.fields, ...filterKeys];
    case 'pipeline':
      return [widget.config.stage_field, ...(widget.config.value_field ? [widget.config.value_field] : []), ...filterKeys];
  }
}

/** A recent-records widget keeps the columns the viewer may read; null when none is left. Other widgets as they are. */
function withoutHiddenColumns(widget: Widget, access: FieldAccess): Widget | null {
  if (widget.type !== 'recent_records' || access.unrestricted) return widget;
  const fields = widget.config.fields.filter((field) => access.canRead(widget.config.module, field));
  return fields.length === 0 ? null : { ...widget, config: { ...widget.config, fields } };
}

/** Recent records show each record's display value and related display values: the same redaction as a record view. */
function redactFigures(figures: WidgetFigures, module: string, scope: ReadScope): WidgetFigures {
  if (scope.access.unrestricted || !('records' in figures) || !Array.isArray(figures.records)) return figures;
  const records = figures.records.map((row) => {
    const related: Record<string, { id: string; display: string | null }> = {};
    for (const [key, value] of Object.entries(row.values)) {
      if (typeof value === 'object' && value !== null && 'id' in value) related[key] = value as { id: string; display: string | null };
    }
    const redacted = scope.redact({ module, data: row.values, display: row.display, related });
    return { ...row, display: redacted.display, values: { ...redacted.data, ...redacted.related } };
  });
  return { ...figures, records } as WidgetFigures;
}
