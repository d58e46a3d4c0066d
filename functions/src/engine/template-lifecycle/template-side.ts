import type { FieldDefinition } from '../fields/field-definition.js';
import type { ModuleDefinition } from '../template/module-schema.js';
import type { FieldPermissions, PermissionsMatrix } from '../template/permissions-schema.js';
import type { Template } from '../template/template-schema.js';

/**
 * One side of a three-way merge, in the shape both a template and a tenant's
 * configuration can be brought to: modules with inline fields, workflows keyed
 * by module + name, dashboards keyed by their layout key, the permission matrix.
 */
export type ModuleShape = ModuleDefinition & {
  readonly fields: readonly FieldDefinition[];
  readonly source?: 'template' | 'custom';
};

export interface WorkflowEntry {
  readonly module: string;
  /** The workflow definition (template shape); `name` identifies it within its module. */
  readonly definition: Readonly<Record<string, unknown>> & { readonly name: string };
  /** Document id on the tenant side. */
  readonly id?: string;
}

export interface DashboardEntry {
  readonly key: string;
  /** `{ name, role_restriction, widgets }` as in a template's dashboard_layout. */
  readonly dashboard: Readonly<Record<string, unknown>>;
  readonly id?: string;
}

export interface ConfigSide {
  readonly modules: readonly ModuleShape[];
  readonly workflows: readonly WorkflowEntry[];
  readonly dashboards: readonly DashboardEntry[];
  readonly permissions: PermissionsMatrix;
  /** Field-level security; absent means every field is `edit` for every role. */
  readonly fieldPermissions?: FieldPermissions | undefined;
}

export function sideFromTemplate(template: Template): ConfigSide {
  return {
    modules: template.enabled_modules.map((module) => ({
      ...module,
      fields: template.field_schemas[module.slug] ?? [],
      source: 'template' as const,
    })),
    workflows: Object.entries(template.workflow_schemas ?? {}).flatMap(([module, list]) =>
      list.map((definition) => ({ module, definition: definition as WorkflowEntry['definition'] })),
    ),
    dashboards: Object.entries(template.dashboard_layout ?? {}).map(([key, dashboard]) => ({
      key,
      dashboard: dashboard as Record<string, unknown>,
    })),
    permissions: template.permissions_matrix,
    fieldPermissions: template.field_permissions,
  };
}

/** JSON with sorted keys and no `undefined`: equality that ignores key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const entry = (value as Record<string, unknown>)[key];
    if (entry !== undefined) out[key] = sortKeys(entry);
  }
  return out;
}

export function workflowKey(entry: Pick<WorkflowEntry, 'module' | 'definition'>): string {
  return `${entry.module}/${entry.definition.name}`;
}

/** The parts of a workflow document that are its definition (metadata such as ids and timestamps is not). */
export const WORKFLOW_DEFINITION_KEYS = [
  'name',
  'description',
  'trigger_type',
  'trigger_conditions',
  'trigger_config',
  'actions',
  'is_active',
  'execution_order',
] as const;

export const DASHBOARD_DEFINITION_KEYS = ['name', 'role_restriction', 'widgets'] as const;

export function pick(source: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
