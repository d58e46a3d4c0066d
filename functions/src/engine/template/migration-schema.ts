import { z } from 'zod';
import { CHOICE_FIELD_TYPES, FieldDefinitionSchema, FIELD_KEY_PATTERN, selectOptionValues } from '../fields/field-definition.js';
import type { FieldDefinition } from '../fields/field-definition.js';
import { checkFieldValue } from '../fields/check-field-value.js';
import { MODULE_SLUG_PATTERN } from './module-schema.js';
import type { TemplateIssue } from './check-template.js';

/**
 * Data migrations a template version declares: how records written under an
 * older version of the template become valid under this one. They run over a
 * tenant's records when it upgrades, in declaration order, each record once.
 *
 * A step's `version` (default: the template's own version) says which upgrade
 * introduced it: it runs for records whose data is older than that version.
 * The newest template therefore carries its whole migration history, and a
 * tenant skipping versions (1.0.0 → 1.2.0) gets every step it missed.
 *
 * Every step is written so that it does nothing to data already in the new
 * shape (the cross-checks below enforce the preconditions: a renamed key no
 * longer exists, mapped values are no longer options). That makes a step safe
 * on records created after the upgrade and on records it already touched.
 */
const KeySchema = z.string().regex(FIELD_KEY_PATTERN, { error: 'must be a field key like "full_name"' });
const ModuleSchema = z.string().regex(MODULE_SLUG_PATTERN, { error: 'must be a module slug like "patients"' });
const StepVersionSchema = z
  .string()
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/, { error: 'must be a semantic version like 1.1.0' })
  .optional();

export const RenameFieldStepSchema = z.strictObject({
  type: z.literal('rename_field'),
  module: ModuleSchema,
  from: KeySchema,
  to: KeySchema,
  version: StepVersionSchema,
});
export const MapValuesStepSchema = z.strictObject({
  type: z.literal('map_values'),
  module: ModuleSchema,
  field: KeySchema,
  /** Old stored value → new stored value. */
  map: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).refine((map) => Object.keys(map).length > 0, {
    error: 'must map at least one value',
  }),
  version: StepVersionSchema,
});
export const MoveValueStepSchema = z.strictObject({
  type: z.literal('move_value'),
  module: ModuleSchema,
  from: KeySchema,
  to: KeySchema,
  /** `if_empty` (default) keeps a value already in `to`; `overwrite` replaces it. `from` is cleared either way. */
  mode: z.enum(['if_empty', 'overwrite']).optional(),
  version: StepVersionSchema,
});
export const SetDefaultStepSchema = z.strictObject({
  type: z.literal('set_default'),
  module: ModuleSchema,
  field: KeySchema,
  value: z.unknown().refine((value) => value !== undefined && value !== null, { error: 'is required' }),
  version: StepVersionSchema,
});

export const MIGRATION_STEP_TYPES = ['rename_field', 'map_values', 'move_value', 'set_default'] as const;
export type MigrationStepType = (typeof MIGRATION_STEP_TYPES)[number];

export const MigrationStepSchema = z.discriminatedUnion('type', [
  RenameFieldStepSchema,
  MapValuesStepSchema,
  MoveValueStepSchema,
  SetDefaultStepSchema,
]);
export type MigrationStep = z.infer<typeof MigrationStepSchema>;

export const MigrationsSchema = z.array(MigrationStepSchema).max(200);

/**
 * Cross-checks of `migrations` against the template they belong to. Only the
 * steps of the template's own version are checked against its fields: older
 * steps describe fields that may since have been renamed again.
 */
export function collectMigrationIssues(input: unknown): TemplateIssue[] {
  if (!isRecord(input) || !Array.isArray(input.migrations)) return [];
  const version = typeof input.version === 'string' ? input.version : undefined;
  const modules = new Set(
    (Array.isArray(input.enabled_modules) ? input.enabled_modules : []).flatMap((module) =>
      isRecord(module) && typeof module.slug === 'string' ? [module.slug] : [],
    ),
  );
  const schemas = isRecord(input.field_schemas) ? input.field_schemas : {};
  const fieldsOf = (slug: string): Map<string, FieldDefinition | undefined> => {
    const list = Array.isArray(schemas[slug]) ? (schemas[slug] as unknown[]) : [];
    const fields = new Map<string, FieldDefinition | undefined>();
    for (const entry of list) {
      const parsed = FieldDefinitionSchema.safeParse(entry);
      const key = parsed.success ? parsed.data.key : isRecord(entry) && typeof entry.key === 'string' ? entry.key : undefined;
      if (key !== undefined) fields.set(key, parsed.success ? parsed.data : undefined);
    }
    return fields;
  };

  const issues: TemplateIssue[] = [];
  input.migrations.forEach((entry, index) => {
    const parsed = MigrationStepSchema.safeParse(entry);
    if (!parsed.success) return;
    const step = parsed.data;
    const path: PropertyKey[] = ['migrations', index];
    const report = (at: PropertyKey[], message: string): void => {
      issues.push({ path: [...path, ...at], message });
    };
    if (step.version !== undefined && version !== undefined && compareVersions(step.version, version) > 0) {
      report(['version'], `must not be later than the template's version ${version}`);
      return;
    }
    if (step.version !== undefined && step.version !== version) return;
    if (!modules.has(step.module)) {
      report(['module'], `module "${step.module}" is not in enabled_modules`);
      return;
    }
    const fields = fieldsOf(step.module);
    // A module whose fields the tenant defines cannot be cross-checked here.
    if (fields.size === 0) return;
    const needField = (key: string, at: string): FieldDefinition | undefined => {
      if (!fields.has(key)) report([at], `"${key}" is not a field of module "${step.module}"`);
      return fields.get(key);
    };
    switch (step.type) {
      case 'rename_field':
        if (step.from === step.to) report(['to'], 'must differ from "from"');
        else if (fields.has(step.from)) report(['from'], `"${step.from}" is still a field of module "${step.module}"; a renamed key must be gone`);
        needField(step.to, 'to');
        break;
      case 'move_value':
        if (step.from === step.to) report(['to'], 'must differ from "from"');
        needField(step.to, 'to');
        break;
      case 'map_values': {
        const field = needField(step.field, 'field');
        if (!field) break;
        if (!CHOICE_FIELD_TYPES.includes(field.type)) {
          report(['field'], `"${step.field}" must be a select or multi_select field`);
          break;
        }
        const options = selectOptionValues(field);
        for (const [from, to] of Object.entries(step.map)) {
          if (!options.includes(to)) report(['map', from], `"${to}" is not an option of "${step.field}"`);
          // Old values must be gone, or records created under this version could be remapped.
          if (options.includes(from)) report(['map', from], `"${from}" is still an option of "${step.field}"; only old values can be mapped`);
        }
        break;
      }
      case 'set_default': {
        const field = needField(step.field, 'field');
        if (!field) break;
        const result = checkFieldValue(field, step.value);
        if (!result.ok) report(['value'], `${JSON.stringify(step.value)} is not valid: ${result.message}`);
        break;
      }
    }
  });
  return issues;
}

/** Semver precedence (x.y.z[-pre]); pure so the engine and the SPA share it. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = splitOnce(a);
  const [coreB = '', preB] = splitOnce(b);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const diff = (partsA[i] ?? 0) - (partsB[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return comparePrerelease(preA, preB);
}

function splitOnce(version: string): [string, string | undefined] {
  const at = version.indexOf('-');
  return at === -1 ? [version, undefined] : [version.slice(0, at), version.slice(at + 1)];
}

function comparePrerelease(a: string, b: string): number {
  const partsA = a.split('.');
  const partsB = b.split('.');
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i += 1) {
    const x = partsA[i];
    const y = partsB[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const diff = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
