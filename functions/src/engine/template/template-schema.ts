import { z } from 'zod';
import { LanguageCodeSchema } from './localized-text.js';
import { ModuleDefinitionSchema, MODULE_SLUG_PATTERN } from './module-schema.js';
import { FieldDefinitionSchema } from '../fields/field-definition.js';
import { WorkflowDefinitionSchema } from './workflow-schema.js';
import { DashboardLayoutSchema } from './dashboard-schema.js';
import { FieldPermissionsSchema, PermissionsMatrixSchema } from './permissions-schema.js';
import { collectTemplateIssues } from './check-template.js';
import { zodIssuesToErrors } from './format-issues.js';
import { MigrationsSchema, collectMigrationIssues } from './migration-schema.js';
import type { TemplateError } from './format-issues.js';

// One import point for everything template-shaped (server, SPA, scripts).
export { LocalizedTextSchema, LanguageCodeSchema, LANGUAGE_CODE_PATTERN, resolveLabel } from './localized-text.js';
export type { LocalizedText } from './localized-text.js';
export {
  FIELD_TYPES,
  TEXT_LIKE_FIELD_TYPES,
  NUMERIC_FIELD_TYPES,
  DATE_FIELD_TYPES,
  CHOICE_FIELD_TYPES,
  FIELD_KEY_PATTERN,
  RESERVED_FIELD_KEYS,
  FieldKeySchema,
  FieldDefinitionSchema,
  FieldDefinitionShape,
  FieldOptionsSchema,
  SelectOptionSchema,
  SelectOptionsSchema,
  RelationshipOptionsSchema,
  CurrencyOptionsSchema,
  ValidationRulesSchema,
  selectOptionValues,
  optionLabel,
  relationshipOptions,
  currencyCodeFor,
  fieldLabel,
  fieldDefinitionFromRow,
} from '../fields/field-definition.js';
export type {
  FieldType,
  FieldDefinition,
  FieldDefinitionInput,
  SelectOption,
  RelationshipOptions,
  CurrencyOptions,
  FieldOptions,
  ValidationRules,
} from '../fields/field-definition.js';
export { SYSTEM_FIELD_KEYS, SYSTEM_FIELD_TYPES, isSystemFieldKey } from '../fields/system-fields.js';
export type { SystemFieldKey } from '../fields/system-fields.js';
export {
  ModuleDefinitionSchema,
  ModuleSlugSchema,
  MODULE_SLUG_PATTERN,
  RECORD_PREFIX_PATTERN,
  recordPrefixFor,
  displayFieldFor,
  statusFieldFor,
} from './module-schema.js';
export type { ModuleDefinition } from './module-schema.js';
export {
  CONDITION_OPERATORS,
  ConditionSchema,
  ConditionLeafSchema,
  conditionLeaves,
  isConditionLeaf,
} from './condition-schema.js';
export type { Condition, ConditionLeaf, ConditionOperator } from './condition-schema.js';
export {
  WORKFLOW_TRIGGER_TYPES,
  WORKFLOW_ACTION_TYPES,
  WorkflowDefinitionSchema,
  WorkflowActionSchema,
  ScheduledConfigSchema,
  TriggerConfigSchema,
  scheduleFor,
} from './workflow-schema.js';
export type {
  WorkflowDefinition,
  WorkflowAction,
  WorkflowTriggerType,
  WorkflowActionType,
  ScheduledConfig,
  TriggerConfig,
} from './workflow-schema.js';
export {
  WIDGET_TYPES,
  AGGREGATIONS,
  CHART_TYPES,
  GRID_COLUMNS,
  WidgetSchema,
  DashboardSchema,
  DashboardLayoutSchema,
} from './dashboard-schema.js';
export type { Widget, WidgetType, Aggregation, Dashboard, DashboardLayout } from './dashboard-schema.js';
export { RELATIVE_DATE_VALUES, isRelativeDate } from './relative-dates.js';
export type { RelativeDate } from './relative-dates.js';
export {
  PERMISSION_ACTIONS,
  TENANT_ROLES,
  PermissionActionSchema,
  PermissionsMatrixSchema,
  FieldPermissionsSchema,
  FIELD_LEVELS,
  FIELD_RESTRICTABLE_ROLES,
} from './permissions-schema.js';
export type { PermissionAction, TenantRole, PermissionsMatrix, FieldLevel, FieldPermissions } from './permissions-schema.js';
export { formatPath } from './format-issues.js';
export {
  MIGRATION_STEP_TYPES,
  MigrationStepSchema,
  MigrationsSchema,
  compareVersions,
} from './migration-schema.js';
export type { MigrationStep, MigrationStepType } from './migration-schema.js';
export type { TemplateError } from './format-issues.js';

/** Strict semver x.y.z with an optional prerelease (no build metadata). */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;
export const TEMPLATE_SLUG_PATTERN = /^[a-z][a-z0-9-]{1,49}$/;

const ModuleKeySchema = z.string().regex(MODULE_SLUG_PATTERN, { error: 'is not a valid module slug' });

/** The template's structure, each element checked on its own; no cross-references. */
export const TemplateShapeSchema = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(100),
  slug: z.string().regex(TEMPLATE_SLUG_PATTERN, {
    error: 'must be 2–50 lower-case letters, digits or "-", starting with a letter (e.g. "hospital")',
  }),
  industry_type: z.string().trim().min(1, { error: 'must not be empty' }).max(50),
  description: z.string().max(2_000).optional(),
  icon_url: z.string().min(1).max(255).optional(),
  enabled_modules: z.array(ModuleDefinitionSchema).max(100),
  field_schemas: z.record(ModuleKeySchema, z.array(FieldDefinitionSchema).max(300)).default({}),
  workflow_schemas: z.record(ModuleKeySchema, z.array(WorkflowDefinitionSchema).max(100)).default({}),
  dashboard_layout: DashboardLayoutSchema.default({}),
  permissions_matrix: PermissionsMatrixSchema.default({}),
  /** Field-level security: role → module → field → `read` | `none` (`edit` when absent). */
  field_permissions: FieldPermissionsSchema.optional(),
  version: z.string().regex(SEMVER_PATTERN, { error: 'must be a semantic version like 1.0.0 or 1.1.0-beta.1' }),
  is_active: z.boolean().default(true),
  /** System templates ship with the product and cannot be deleted. */
  is_system: z.boolean().default(false),
  default_language: LanguageCodeSchema.default('en'),
  languages: z.array(LanguageCodeSchema).min(1).optional(),
  /** Data migrations for tenants upgrading from older versions (see migration-schema.ts). */
  migrations: MigrationsSchema.optional(),
});

/** A complete, internally consistent template. */
export const TemplateSchema = TemplateShapeSchema.superRefine((template, ctx) => {
  for (const issue of [...collectTemplateIssues(template), ...collectMigrationIssues(template)]) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});
export type Template = z.output<typeof TemplateSchema>;
export type TemplateInput = z.input<typeof TemplateSchema>;

export type ValidateTemplateResult = { ok: true; template: Template } | { ok: false; errors: TemplateError[] };

/**
 * Validates a template and reports every problem at once, each with its JSON
 * path. Structure and cross-references are checked independently so one
 * malformed element does not hide the rest.
 */
export function validateTemplate(input: unknown): ValidateTemplateResult {
  const shape = TemplateShapeSchema.safeParse(input);
  const errors: TemplateError[] = shape.success ? [] : zodIssuesToErrors(shape.error.issues, input);
  for (const issue of [...collectTemplateIssues(input), ...collectMigrationIssues(input)]) {
    const said = 'messageKey' in issue && issue.messageKey !== undefined ? { messageKey: issue.messageKey, params: issue.params } : {};
    errors.push(...zodIssuesToErrors([{ code: 'custom', path: issue.path, message: issue.message, input: undefined }], input).map((error) => ({ ...error, ...said })));
  }
  const unique = dedupe(errors);
  if (unique.length > 0 || !shape.success) return { ok: false, errors: unique };
  return { ok: true, template: shape.data };
}

function dedupe(errors: TemplateError[]): TemplateError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const id = `${error.path}\u0000${error.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
