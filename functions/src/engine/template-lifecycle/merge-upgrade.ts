import type { FieldDefinition, SelectOption } from '../fields/field-definition.js';
import { statusFieldFor } from '../template/module-schema.js';
import type { FieldLevel, FieldPermissions, PermissionsMatrix } from '../template/permissions-schema.js';
import type { MigrationStep } from '../template/migration-schema.js';
import {
  DASHBOARD_DEFINITION_KEYS,
  WORKFLOW_DEFINITION_KEYS,
  canonical,
  pick,
  sameValue,
  workflowKey,
  type ConfigSide,
  type DashboardEntry,
  type ModuleShape,
  type WorkflowEntry,
} from './template-side.js';

/**
 * Three-way merge of a template upgrade into a tenant's configuration.
 *
 *   base   the template version the tenant is on (what it selected)
 *   theirs the template version it upgrades to
 *   ours   the tenant's configuration now (its custom fields and modules,
 *          edited labels, workflows, dashboards and permissions)
 *
 * Where only one side changed something, that side wins. Where both changed
 * the same thing differently there is a conflict, resolved by policy or by
 * the admin's choice (keyed by the conflict's path):
 *
 * - Wording (labels, help texts, placeholders, module presentation) and the
 *   tenant's own automation (workflows, dashboards): the tenant's edit is
 *   kept (`kept_tenant`); it chose its words and rules on purpose.
 *   Labels merge per language, so a translation the template adds is taken
 *   even when the tenant reworded another language.
 * - Structure with data at stake (a field's type, required, validation...,
 *   a module the template drops while the tenant has records or changes in
 *   it, a field the tenant edited that the template drops without
 *   migrating it): `needs_choice`; the upgrade cannot be applied until the
 *   admin picks `kept_tenant` or `took_template`.
 * - Something the tenant deleted (or deactivated) that the template changed
 *   stays deleted (`kept_tenant`), listed so the admin can bring it back.
 * - Select options and permission grants merge as sets (additions from both
 *   sides, removals from both sides), which cannot conflict.
 */
export type Resolution = 'kept_tenant' | 'took_template' | 'needs_choice';
export type Choice = Exclude<Resolution, 'needs_choice'>;

export interface UpgradeConflict {
  /** Where, e.g. `modules.patients.fields.full_name.label.en`. Choices are keyed by it. */
  readonly path: string;
  readonly base: unknown;
  /** The new template version's value (absent: removed). */
  readonly theirs: unknown;
  /** The tenant's value (absent: removed). */
  readonly ours: unknown;
  readonly resolution: Resolution;
  /** True when the resolution came from the admin's choice rather than policy. */
  readonly chosen: boolean;
  readonly reason: string;
  readonly recordCount?: number;
}

export interface UpgradeChange {
  readonly kind: 'add' | 'change' | 'remove';
  readonly path: string;
  readonly summary: string;
}

export interface MergedWorkflow extends WorkflowEntry {
  readonly source: 'template' | 'tenant';
}

export interface MergeUpgradeResult {
  readonly modules: ModuleShape[];
  readonly permissions: PermissionsMatrix;
  /** Field levels after the upgrade (only `read` and `none` are stored). */
  readonly fieldPermissions: FieldPermissions;
  /** The tenant's workflows after the upgrade; entries with an `id` update that document, others are new. */
  readonly workflows: MergedWorkflow[];
  readonly removedWorkflowIds: string[];
  readonly dashboards: DashboardEntry[];
  readonly removedDashboardIds: string[];
  /** What the upgrade does to this tenant. */
  readonly changes: UpgradeChange[];
  readonly conflicts: UpgradeConflict[];
  /** Paths of conflicts still waiting for a choice. */
  readonly unresolved: string[];
}

export interface MergeUpgradeInput {
  readonly base: ConfigSide;
  readonly next: ConfigSide;
  readonly tenant: ConfigSide & { readonly recordCounts?: Readonly<Record<string, number>> };
  /** Data migrations of the upgrade: fields they move away from may be dropped without a choice. */
  readonly migrations?: readonly MigrationStep[];
  readonly choices?: Readonly<Record<string, Choice>>;
}

const WORDING_FIELD_PROPS = new Set(['label', 'help_text', 'placeholder']);
/** Properties whose conflicts are settled for the tenant without asking (they change no data). */
const SOFT_FIELD_PROPS = new Set(['searchable']);
/** Presentation; a field's position is the tenant's business. */
const IGNORED_FIELD_PROPS = new Set(['order']);
const LOCALIZED_MODULE_PROPS = new Set(['label', 'label_plural', 'description']);

export function mergeTemplateUpgrade(input: MergeUpgradeInput): MergeUpgradeResult {
  const merger = new UpgradeMerger(input);
  return merger.run();
}

class UpgradeMerger {
  private readonly changes: UpgradeChange[] = [];
  private readonly conflicts: UpgradeConflict[] = [];
  private readonly movedAway: Set<string>;

  constructor(private readonly input: MergeUpgradeInput) {
    this.movedAway = new Set(
      (input.migrations ?? []).flatMap((step) =>
        step.type === 'rename_field' || step.type === 'move_value' ? [`${step.module}.${step.from}`] : [],
      ),
    );
  }

  run(): MergeUpgradeResult {
    const modules = this.mergeModules();
    const slugs = new Set(modules.map((module) => module.slug));
    const permissions = this.mergePermissions(slugs);
    const fieldPermissions = this.mergeFieldPermissions(modules);
    const workflows = this.mergeWorkflows(slugs);
    const dashboards = this.mergeDashboards();
    return {
      modules,
      permissions,
      fieldPermissions,
      workflows: workflows.kept,
      removedWorkflowIds: workflows.removed,
      dashboards: dashboards.kept,
      removedDashboardIds: dashboards.removed,
      changes: this.changes,
      conflicts: this.conflicts,
      unresolved: this.conflicts.filter((conflict) => conflict.resolution === 'needs_choice').map((conflict) => conflict.path),
    };
  }

  // ---------------------------------------------------------------- conflicts

  /** Records a conflict and returns how it was settled: the admin's choice, else the policy. */
  private conflict(path: string, sides: { base: unknown; theirs: unknown; ours: unknown }, policy: Resolution, reason: string, recordCount?: number): Resolution {
    const choice = this.input.choices?.[path];
    const resolution = choice ?? policy;
    this.conflicts.push({
      path,
      base: sides.base,
      theirs: sides.theirs,
      ours: sides.ours,
      resolution,
      chosen: choice !== undefined,
      reason,
      ...(recordCount !== undefined ? { recordCount } : {}),
    });
    return resolution;
  }

  private change(kind: UpgradeChange['kind'], path: string, summary: string): void {
    this.changes.push({ kind, path, summary });
  }

  // ---------------------------------------------------------------- modules

  private mergeModules(): ModuleShape[] {
    const { base, next, tenant } = this.input;
    const baseBy = bySlug(base.modules);
    const nextBy = bySlug(next.modules);
    const out: ModuleShape[] = [];
    // The tenant's order first, then modules the template adds.
    for (const ours of tenant.modules) {
      const path = `modules.${ours.slug}`;
      const b = baseBy.get(ours.slug);
      const t = nextBy.get(ours.slug);
      if (!b && !t) {
        out.push(ours);
        continue;
      }
      if (!b && t) {
        const resolution = this.conflict(path, { base: undefined, theirs: t.slug, ours: ours.slug }, 'kept_tenant', 'The new template version adds a module with the slug of one of your modules; yours is kept.');
        out.push(resolution === 'took_template' ? { ...this.mergeModule(path, undefined, t, { ...ours, fields: [] }), source: 'template' } : ours);
        continue;
      }
      if (b && !t) {
        const count = tenant.recordCounts?.[ours.slug] ?? 0;
        const unchanged = sameModule(b, ours);
        if (count === 0 && unchanged) {
          this.change('remove', path, `Module "${ours.slug}" is removed.`);
          continue;
        }
        const reason =
          count > 0
            ? `The new template version removes module "${ours.slug}", which has ${count} record(s). Keep it as your own module, or remove it (records stay stored but are no longer shown).`
            : `The new template version removes module "${ours.slug}", which you customized. Keep it as your own module, or remove it.`;
        const resolution = this.conflict(path, { base: b.slug, theirs: undefined, ours: ours.slug }, 'needs_choice', reason, count);
        if (resolution === 'took_template') this.change('remove', path, `Module "${ours.slug}" is removed.`);
        else out.push({ ...ours, source: 'custom' });
        continue;
      }
      if (b && t) out.push(this.mergeModule(path, b, t, ours));
    }
    const tenantSlugs = new Set(tenant.modules.map((module) => module.slug));
    for (const t of next.modules) {
      if (tenantSlugs.has(t.slug)) continue;
      const b = baseBy.get(t.slug);
      const path = `modules.${t.slug}`;
      if (!b) {
        this.change('add', path, `Module "${t.slug}" is added.`);
        out.push({ ...t, fields: t.fields.map((field, order) => ({ ...field, order: field.order ?? order })), source: 'template' });
        continue;
      }
      // The tenant no longer has a module it got from the template.
      if (!sameModule(b, t)) {
        const resolution = this.conflict(path, { base: b.slug, theirs: t.slug, ours: undefined }, 'kept_tenant', `You removed module "${t.slug}", which the new template version changes; it stays removed.`);
        if (resolution === 'took_template') {
          this.change('add', path, `Module "${t.slug}" is restored.`);
          out.push({ ...t, source: 'template' });
        }
      }
    }
    return out;
  }

  private mergeModule(path: string, b: ModuleShape | undefined, t: ModuleShape, ours: ModuleShape): ModuleShape {
    const props = new Set([...Object.keys(b ?? {}), ...Object.keys(t), ...Object.keys(ours)]);
    props.delete('fields');
    props.delete('source');
    props.delete('order');
    props.delete('default_statuses');
    const merged: Record<string, unknown> = { slug: ours.slug };
    for (const prop of props) {
      if (prop === 'slug') continue;
      const bv = (b as Record<string, unknown> | undefined)?.[prop];
      const tv = (t as Record<string, unknown>)[prop];
      const ov = (ours as Record<string, unknown>)[prop];
      const value = LOCALIZED_MODULE_PROPS.has(prop)
        ? this.mergeLocalized(`${path}.${prop}`, bv, tv, ov)
        : this.mergeAtomic(`${path}.${prop}`, bv, tv, ov, 'kept_tenant', 'You changed this module setting; the new template version changes it too. Yours is kept.');
      if (value !== undefined) merged[prop] = value;
    }
    if (ours.order !== undefined) merged.order = ours.order;
    const fields = this.mergeFields(path, b?.fields ?? [], t.fields, ours.fields, ours.slug);
    const module = { ...merged, fields, source: ours.source ?? 'template' } as unknown as ModuleShape;
    // default_statuses must list exactly the status field's options, so it follows the merged options.
    const hasStatuses = ours.default_statuses !== undefined || t.default_statuses !== undefined;
    const statusKey = statusFieldFor(module, fields);
    const statusField = statusKey === undefined ? undefined : fields.find((field) => field.key === statusKey);
    if (hasStatuses && statusField && Array.isArray(statusField.options)) {
      return { ...module, default_statuses: statusField.options.map(optionValue) };
    }
    const statuses = this.mergeAtomic(`${path}.default_statuses`, b?.default_statuses, t.default_statuses, ours.default_statuses, 'kept_tenant', 'Both changed the default statuses; yours are kept.');
    return statuses === undefined ? module : { ...module, default_statuses: statuses as string[] };
  }

  // ---------------------------------------------------------------- fields

  private mergeFields(
    modulePath: string,
    baseFields: readonly FieldDefinition[],
    nextFields: readonly FieldDefinition[],
    ourFields: readonly FieldDefinition[],
    slug: string,
  ): FieldDefinition[] {
    const baseBy = byKey(baseFields);
    const nextBy = byKey(nextFields);
    const out: FieldDefinition[] = [];
    for (const ours of ourFields) {
      const path = `${modulePath}.fields.${ours.key}`;
      const b = baseBy.get(ours.key);
      const t = nextBy.get(ours.key);
      if (!b && !t) {
        out.push(ours);
      } else if (!b && t) {
        if (sameField(t, ours)) {
          out.push(ours);
          continue;
        }
        const resolution = this.conflict(path, { base: undefined, theirs: t, ours }, 'kept_tenant', `The new template version adds a field "${ours.key}"; you already have a field with that key, which is kept.`);
        out.push(resolution === 'took_template' ? { ...t, order: ours.order } : ours);
      } else if (b && !t) {
        const migrated = this.movedAway.has(`${slug}.${ours.key}`);
        if (migrated || sameField(b, ours)) {
          this.change('remove', path, migrated ? `Field "${ours.key}" is replaced; its values are migrated.` : `Field "${ours.key}" is removed.`);
          continue;
        }
        const resolution = this.conflict(path, { base: b, theirs: undefined, ours }, 'needs_choice', `The new template version removes field "${ours.key}", which you changed. Keep it as your own field, or remove it (stored values stay but are no longer shown).`);
        if (resolution === 'took_template') this.change('remove', path, `Field "${ours.key}" is removed.`);
        else out.push({ ...ours, system: false, custom: true });
      } else if (b && t) {
        out.push(this.mergeField(path, b, t, ours));
      }
    }
    const ourKeys = new Set(ourFields.map((field) => field.key));
    let order = Math.max(-1, ...out.map((field, index) => field.order ?? index));
    for (const t of nextFields) {
      if (ourKeys.has(t.key)) continue;
      const path = `${modulePath}.fields.${t.key}`;
      const b = baseBy.get(t.key);
      if (!b) {
        this.change('add', path, `Field "${t.key}" is added${t.required ? ' (required)' : ''}.`);
        order += 1;
        out.push({ ...t, order });
      } else if (!sameField(b, t)) {
        const resolution = this.conflict(path, { base: b, theirs: t, ours: undefined }, 'kept_tenant', `You deleted field "${t.key}", which the new template version changes; it stays deleted.`);
        if (resolution === 'took_template') {
          order += 1;
          out.push({ ...t, order });
          this.change('add', path, `Field "${t.key}" is restored.`);
        }
      }
    }
    return out;
  }

  private mergeField(path: string, b: FieldDefinition, t: FieldDefinition, ours: FieldDefinition): FieldDefinition {
    const props = new Set([...Object.keys(b), ...Object.keys(t), ...Object.keys(ours)]);
    const merged: Record<string, unknown> = {};
    const templateChanged = !sameField(b, t);
    for (const prop of props) {
      if (IGNORED_FIELD_PROPS.has(prop)) continue;
      const bv = (b as Record<string, unknown>)[prop];
      const tv = (t as Record<string, unknown>)[prop];
      const ov = (ours as Record<string, unknown>)[prop];
      const at = `${path}.${prop}`;
      let value: unknown;
      if (WORDING_FIELD_PROPS.has(prop)) value = this.mergeLocalized(at, bv, tv, ov);
      else if (prop === 'options' && (Array.isArray(tv) || Array.isArray(ov))) value = this.mergeOptions(at, bv, tv, ov);
      else if (prop === 'active') value = ov ?? tv;
      else if (SOFT_FIELD_PROPS.has(prop)) value = this.mergeAtomic(at, bv, tv, ov, 'kept_tenant', 'Both changed this setting; yours is kept.');
      else value = this.mergeAtomic(at, bv, tv, ov, 'needs_choice', `Both you and the new template version changed "${prop}" of this field. Choose which to keep.`);
      if (value !== undefined) merged[prop] = value;
    }
    if (ours.order !== undefined) merged.order = ours.order;
    if (ours.active === false && b.active !== false && templateChanged) {
      // The tenant's "delete" is deactivation: the template's changes still apply underneath.
      const resolution = this.conflict(path, { base: b, theirs: t, ours }, 'kept_tenant', `You deleted (deactivated) field "${ours.key}", which the new template version changes; it stays deleted and takes the template's changes.`);
      merged.active = resolution === 'took_template';
    } else if (templateChanged) {
      this.change('change', path, `Field "${ours.key}" changes: ${changedProps(b, t).join(', ')}.`);
    }
    return merged as FieldDefinition;
  }

  private mergeOptions(path: string, bv: unknown, tv: unknown, ov: unknown): SelectOption[] {
    const base = optionMap(bv);
    const next = optionMap(tv);
    const ours = optionMap(ov);
    const out: SelectOption[] = [];
    for (const [value, o] of ours) {
      const b = base.get(value);
      const t = next.get(value);
      if (b && !t) {
        // The template dropped an option; a map_values migration moves its records.
        if (sameValue(b, o)) continue;
        const resolution = this.conflict(`${path}.${value}`, { base: b, theirs: undefined, ours: o }, 'kept_tenant', `The new template version removes option "${value}", which you changed; it is kept.`);
        if (resolution === 'took_template') continue;
        out.push(o);
      } else if (b && t) {
        const label = this.mergeLocalized(`${path}.${value}.label`, labelOf(b), labelOf(t), labelOf(o));
        const color = this.mergeAtomic(`${path}.${value}.color`, colorOf(b), colorOf(t), colorOf(o), 'kept_tenant', 'Both changed the colour; yours is kept.');
        out.push(buildOption(value, label, color));
      } else {
        out.push(o);
      }
    }
    for (const [value, t] of next) {
      if (ours.has(value)) continue;
      if (!base.has(value)) out.push(t);
      // An option in base and the template but not the tenant's: the tenant removed it, keep it removed.
    }
    return out;
  }

  // ---------------------------------------------------------------- values

  private mergeAtomic(path: string, b: unknown, t: unknown, o: unknown, policy: Resolution, reason: string): unknown {
    if (sameValue(t, b)) return o;
    if (sameValue(o, b) || sameValue(o, t)) return t;
    const resolution = this.conflict(path, { base: b, theirs: t, ours: o }, policy, reason);
    return resolution === 'took_template' ? t : o;
  }

  /** Labels merge language by language; a string is the "en" text. */
  private mergeLocalized(path: string, b: unknown, t: unknown, o: unknown): unknown {
    if (sameValue(t, b)) return o;
    if (sameValue(o, b)) return t;
    // A plain string speaks for the default language only: rewording it does not delete translations.
    const bm = localizedMap(b);
    const tm = typeof t === 'string' ? { ...bm, en: t } : localizedMap(t);
    const om = typeof o === 'string' ? { ...bm, en: o } : localizedMap(o);
    const out: Record<string, string> = {};
    for (const lang of new Set([...Object.keys(bm), ...Object.keys(tm), ...Object.keys(om)])) {
      const value = this.mergeAtomic(
        `${path}.${lang}`,
        bm[lang],
        tm[lang],
        om[lang],
        'kept_tenant',
        'You and the new template version both reworded this label; your wording is kept.',
      );
      if (typeof value === 'string') out[lang] = value;
    }
    const langs = Object.keys(out);
    if (langs.length === 0) return undefined;
    if (langs.length === 1 && out.en !== undefined && (typeof o === 'string' || o === undefined)) return out.en;
    return out;
  }

  // ---------------------------------------------------------------- permissions

  private mergePermissions(slugs: ReadonlySet<string>): PermissionsMatrix {
    const { base, next, tenant } = this.input;
    const out: Record<string, Record<string, string[]>> = {};
    const roles = new Set([...Object.keys(base.permissions), ...Object.keys(next.permissions), ...Object.keys(tenant.permissions)]);
    for (const role of roles) {
      const get = (matrix: PermissionsMatrix, module: string): string[] | undefined =>
        (matrix as Record<string, Record<string, string[]> | undefined>)[role]?.[module];
      const modules = new Set(
        [base, next, tenant].flatMap((side) => Object.keys((side.permissions as Record<string, Record<string, string[]> | undefined>)[role] ?? {})),
      );
      const grants: Record<string, string[]> = {};
      for (const module of modules) {
        if (!slugs.has(module)) continue;
        const b = new Set(get(base.permissions, module) ?? []);
        // A module the template dropped but the tenant kept is the tenant's now: the template's grants no longer apply.
        const templateHasModule = next.modules.some((m) => m.slug === module);
        const t = templateHasModule ? new Set(get(next.permissions, module) ?? []) : b;
        const o = get(tenant.permissions, module);
        const tenantHasModule = tenant.modules.some((m) => m.slug === module);
        // A module new to the tenant takes the template's grants as they are.
        const ours = new Set(o ?? (tenantHasModule ? [] : [...t]));
        const added = [...t].filter((action) => !b.has(action));
        const removed = [...b].filter((action) => !t.has(action));
        // Set merge: grants either side added are in, grants either side removed are out.
        const final = [...new Set([...ours, ...added])].filter((action) => !removed.includes(action));
        if (!sameValue([...ours].sort(), [...final].sort()) && tenantHasModule) {
          this.change('change', `permissions.${role}.${module}`, `${role} on ${module}: ${describeGrantChange([...ours], final)}.`);
        }
        if (final.length > 0 || o !== undefined) grants[module] = final;
      }
      if (Object.keys(grants).length > 0) out[role] = grants;
    }
    return out as PermissionsMatrix;
  }

  /**
   * Per role, module and field: where the tenant kept the base version's
   * level, the new version's level is taken; where the tenant set its own,
   * the tenant's stays (an admin's restriction is a security decision the
   * template must not undo). A renamed field keeps its level under the new
   * key; levels of fields that no longer exist are dropped.
   */
  private mergeFieldPermissions(modules: readonly ModuleShape[]): FieldPermissions {
    const { base, next, tenant } = this.input;
    const renamed = new Map(
      (this.input.migrations ?? []).flatMap((step) =>
        step.type === 'rename_field' || step.type === 'move_value' ? [[`${step.module}.${step.to}`, step.from] as const] : [],
      ),
    );
    const levelIn = (side: FieldPermissions | undefined, role: string, module: string, field: string): FieldLevel =>
      (side as Record<string, Record<string, Record<string, FieldLevel>> | undefined> | undefined)?.[role]?.[module]?.[field] ?? 'edit';
    const out: Record<string, Record<string, Record<string, FieldLevel>>> = {};
    for (const role of ['admin', 'member']) {
      for (const module of modules) {
        for (const field of module.fields) {
          const from = renamed.get(`${module.slug}.${field.key}`);
          const b = levelIn(base.fieldPermissions, role, module.slug, from ?? field.key);
          const t = levelIn(next.fieldPermissions, role, module.slug, field.key);
          const o = from !== undefined && levelIn(tenant.fieldPermissions, role, module.slug, field.key) === 'edit'
            ? levelIn(tenant.fieldPermissions, role, module.slug, from)
            : levelIn(tenant.fieldPermissions, role, module.slug, field.key);
          const final = o === b ? t : o;
          if (final !== o && tenant.modules.some((candidate) => candidate.slug === module.slug)) {
            this.change('change', `field_permissions.${role}.${module.slug}.${field.key}`, `${role} on ${module.slug}.${field.key}: ${o} → ${final}.`);
          }
          if (final !== 'edit') ((out[role] ??= {})[module.slug] ??= {})[field.key] = final;
        }
      }
    }
    return out as FieldPermissions;
  }

  // ---------------------------------------------------------------- workflows and dashboards

  private mergeWorkflows(slugs: ReadonlySet<string>): { kept: MergedWorkflow[]; removed: string[] } {
    const { base, next, tenant } = this.input;
    const norm = (entry: WorkflowEntry | undefined): unknown => (entry ? normalizeWorkflow(entry.definition) : undefined);
    const result = this.mergeEntities({
      kind: 'workflow',
      base: keyed(base.workflows, workflowKey),
      // Workflows of a module the template dropped stay as they were: the module is the tenant's now, or gone.
      next: keyed(
        [...next.workflows, ...base.workflows.filter((entry) => !next.modules.some((module) => module.slug === entry.module))],
        workflowKey,
      ),
      ours: keyed(tenant.workflows, workflowKey),
      norm,
      pathOf: (key) => `workflows.${key}`,
    });
    const kept: MergedWorkflow[] = [];
    const removed = [...result.removed];
    for (const entry of result.kept) {
      if (!slugs.has(entry.value.module)) {
        if (entry.value.id) removed.push(entry.value.id);
        this.change('remove', `workflows.${workflowKey(entry.value)}`, `Workflow "${entry.value.definition.name}" is removed with its module.`);
        continue;
      }
      kept.push({ ...entry.value, source: entry.from === 'ours' ? 'tenant' : 'template' });
    }
    return { kept, removed };
  }

  private mergeDashboards(): { kept: DashboardEntry[]; removed: string[] } {
    const { base, next, tenant } = this.input;
    const result = this.mergeEntities({
      kind: 'dashboard',
      base: keyed(base.dashboards, (entry) => entry.key),
      next: keyed(next.dashboards, (entry) => entry.key),
      ours: keyed(tenant.dashboards, (entry) => entry.key),
      norm: (entry) => (entry ? normalizeDashboard(entry.key, entry.dashboard) : undefined),
      pathOf: (key) => `dashboards.${key}`,
    });
    return { kept: result.kept.map((entry) => entry.value), removed: result.removed };
  }

  /** Whole-entity three-way merge for tenant-editable automation; the tenant's edit wins a conflict. */
  private mergeEntities<E extends { id?: string }>({
    kind,
    base,
    next,
    ours,
    norm,
    pathOf,
  }: {
    kind: string;
    base: Map<string, E>;
    next: Map<string, E>;
    ours: Map<string, E>;
    norm: (entry: E | undefined) => unknown;
    pathOf: (key: string) => string;
  }): { kept: Array<{ value: E; from: 'ours' | 'theirs' }>; removed: string[] } {
    const kept: Array<{ value: E; from: 'ours' | 'theirs' }> = [];
    const removed: string[] = [];
    for (const [key, o] of ours) {
      const b = base.get(key);
      const t = next.get(key);
      const path = pathOf(key);
      const sides = { base: norm(b), theirs: norm(t), ours: norm(o) };
      if (!b && !t) kept.push({ value: o, from: 'ours' });
      else if (!b && t) {
        if (!sameValue(sides.theirs, sides.ours)) {
          const resolution = this.conflict(path, sides, 'kept_tenant', `The new template version adds a ${kind} named like one of yours; yours is kept.`);
          if (resolution === 'took_template') {
            kept.push({ value: { ...t, ...(o.id ? { id: o.id } : {}) }, from: 'theirs' });
            continue;
          }
        }
        kept.push({ value: o, from: 'ours' });
      } else if (b && !t) {
        if (sameValue(sides.base, sides.ours)) {
          if (o.id) removed.push(o.id);
          this.change('remove', path, `The ${kind} "${key}" is removed.`);
          continue;
        }
        const resolution = this.conflict(path, sides, 'kept_tenant', `The new template version removes this ${kind}, which you edited; yours is kept.`);
        if (resolution === 'took_template') {
          if (o.id) removed.push(o.id);
          this.change('remove', path, `The ${kind} "${key}" is removed.`);
        } else kept.push({ value: o, from: 'ours' });
      } else if (b && t) {
        if (sameValue(sides.theirs, sides.base) || sameValue(sides.theirs, sides.ours)) {
          kept.push({ value: o, from: 'ours' });
        } else if (sameValue(sides.ours, sides.base)) {
          this.change('change', path, `The ${kind} "${key}" is updated.`);
          kept.push({ value: { ...t, ...(o.id ? { id: o.id } : {}) }, from: 'theirs' });
        } else {
          const resolution = this.conflict(path, sides, 'kept_tenant', `You edited this ${kind}; the new template version changes it too. Yours is kept.`);
          if (resolution === 'took_template') {
            this.change('change', path, `The ${kind} "${key}" is replaced by the template's.`);
            kept.push({ value: { ...t, ...(o.id ? { id: o.id } : {}) }, from: 'theirs' });
          } else kept.push({ value: o, from: 'ours' });
        }
      }
    }
    for (const [key, t] of next) {
      if (ours.has(key)) continue;
      const b = base.get(key);
      const path = pathOf(key);
      if (!b) {
        this.change('add', path, `The ${kind} "${key}" is added.`);
        kept.push({ value: t, from: 'theirs' });
      } else if (!sameValue(norm(b), norm(t))) {
        const resolution = this.conflict(path, { base: norm(b), theirs: norm(t), ours: undefined }, 'kept_tenant', `You deleted this ${kind}; the new template version changes it. It stays deleted.`);
        if (resolution === 'took_template') {
          this.change('add', path, `The ${kind} "${key}" is restored.`);
          kept.push({ value: t, from: 'theirs' });
        }
      }
    }
    return { kept, removed };
  }
}

// ---------------------------------------------------------------- helpers

function bySlug(modules: readonly ModuleShape[]): Map<string, ModuleShape> {
  return new Map(modules.map((module) => [module.slug, module]));
}

function byKey(fields: readonly FieldDefinition[]): Map<string, FieldDefinition> {
  return new Map(fields.map((field) => [field.key, field]));
}

function keyed<E>(entries: readonly E[], keyOf: (entry: E) => string): Map<string, E> {
  return new Map(entries.map((entry) => [keyOf(entry), entry]));
}

function withoutOrder(field: FieldDefinition): Record<string, unknown> {
  const { order: _order, ...rest } = field;
  return rest;
}

export function sameField(a: FieldDefinition, b: FieldDefinition): boolean {
  return sameValue(withoutOrder(a), withoutOrder(b));
}

function sameModule(a: ModuleShape, b: ModuleShape): boolean {
  const strip = ({ fields: _fields, source: _source, order: _order, ...rest }: ModuleShape): unknown => rest;
  if (!sameValue(strip(a), strip(b)) || a.fields.length !== b.fields.length) return false;
  const other = byKey(b.fields);
  return a.fields.every((field) => {
    const match = other.get(field.key);
    return match !== undefined && sameField(field, match);
  });
}

export function normalizeWorkflow(definition: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const picked = pick(definition, WORKFLOW_DEFINITION_KEYS);
  return { ...picked, is_active: picked.is_active ?? true, execution_order: picked.execution_order ?? 0 };
}

/** How config selection stores a dashboard: a default name, an explicit null restriction. */
export function normalizeDashboard(key: string, dashboard: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const picked = pick(dashboard, DASHBOARD_DEFINITION_KEYS);
  return {
    name: picked.name ?? (key === 'default' ? 'Overview' : key),
    role_restriction: picked.role_restriction ?? null,
    widgets: picked.widgets ?? [],
  };
}

function localizedMap(value: unknown): Record<string, string> {
  if (typeof value === 'string') return { en: value };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
  return {};
}

function optionValue(option: SelectOption): string {
  return typeof option === 'string' ? option : option.value;
}

function optionMap(options: unknown): Map<string, SelectOption> {
  const list = Array.isArray(options) ? (options as SelectOption[]) : [];
  return new Map(list.map((option) => [optionValue(option), option]));
}

function labelOf(option: SelectOption): unknown {
  return typeof option === 'string' ? undefined : option.label;
}

function colorOf(option: SelectOption): unknown {
  return typeof option === 'string' ? undefined : option.color;
}

function buildOption(value: string, label: unknown, color: unknown): SelectOption {
  if (label === undefined && color === undefined) return value;
  return {
    value,
    ...(label !== undefined ? { label: label as Exclude<SelectOption, string>['label'] } : {}),
    ...(typeof color === 'string' ? { color } : {}),
  } as SelectOption;
}

function changedProps(a: FieldDefinition, b: FieldDefinition): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => key !== 'order' && canonical((a as Record<string, unknown>)[key]) !== canonical((b as Record<string, unknown>)[key]));
}

function describeGrantChange(before: readonly string[], after: readonly string[]): string {
  const added = after.filter((action) => !before.includes(action));
  const removed = before.filter((action) => !after.includes(action));
  return [added.length > 0 ? `+${added.join(', +')}` : '', removed.length > 0 ? `-${removed.join(', -')}` : ''].filter(Boolean).join(' ');
}
