import { compareVersions } from '../template/migration-schema.js';
import type { MigrationStep } from '../template/migration-schema.js';

/** A step with the version that introduced it resolved (the template's version when the step says none). */
export type VersionedStep = MigrationStep & { readonly version: string };

/**
 * The steps a tenant upgrading `fromVersion` → `toVersion` must run, in order:
 * those the target template declares for versions in (fromVersion, toVersion].
 */
export function stepsForUpgrade({
  migrations,
  templateVersion,
  fromVersion,
}: {
  migrations: readonly MigrationStep[] | undefined;
  templateVersion: string;
  fromVersion: string;
}): VersionedStep[] {
  return (migrations ?? [])
    .map((step) => ({ ...step, version: step.version ?? templateVersion }))
    .filter((step) => compareVersions(step.version, fromVersion) > 0 && compareVersions(step.version, templateVersion) <= 0);
}

/**
 * The steps one record still needs. A record's `schemaVersion` is the
 * template version its data was last written under; records written before
 * versions were stamped count as the tenant's version at upgrade time.
 */
export function stepsForRecord({
  steps,
  module,
  schemaVersion,
  fromVersion,
  toVersion,
}: {
  steps: readonly VersionedStep[];
  module: string;
  schemaVersion: string | undefined;
  fromVersion: string;
  toVersion: string;
}): VersionedStep[] {
  const at = schemaVersion ?? fromVersion;
  if (compareVersions(at, toVersion) >= 0) return [];
  return steps.filter((step) => step.module === module && compareVersions(step.version, at) > 0);
}

export interface MigrationResult {
  readonly data: Record<string, unknown>;
  readonly changed: boolean;
  /** Keys whose value moved to another key (the caller moves denormalized refs along). */
  readonly moved: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

/**
 * Applies steps to one record's data. Pure and idempotent: a step whose
 * precondition no longer holds (the old key is gone, the value is no longer
 * an old one, the field already has a value) does nothing, so running the
 * same steps again changes nothing.
 *
 * A value written under the new schema wins over the old one: when both the
 * old and the new key hold a value (a user saved the new field while the
 * record still carried the old key), `rename_field` keeps the new value and
 * drops the old key; `move_value` does the same unless it says `overwrite`.
 */
export function applyMigrations(data: Readonly<Record<string, unknown>>, steps: readonly MigrationStep[]): MigrationResult {
  const next: Record<string, unknown> = { ...data };
  const moved: Array<{ from: string; to: string }> = [];
  let changed = false;
  for (const step of steps) {
    switch (step.type) {
      case 'rename_field':
      case 'move_value': {
        if (!hasOwn(next, step.from)) break;
        const value = next[step.from];
        const overwrite = step.type === 'move_value' && step.mode === 'overwrite';
        if (!isEmpty(value) && (overwrite || isEmpty(next[step.to]))) {
          next[step.to] = value;
          moved.push({ from: step.from, to: step.to });
        }
        delete next[step.from];
        changed = true;
        break;
      }
      case 'map_values': {
        const value = next[step.field];
        if (typeof value === 'string' && hasOwn(step.map, value)) {
          next[step.field] = step.map[value];
          changed = true;
        } else if (Array.isArray(value) && value.some((item) => typeof item === 'string' && hasOwn(step.map, item))) {
          const mapped = value.map((item) => (typeof item === 'string' && hasOwn(step.map, item) ? step.map[item] : item));
          // A multi-select may already hold the new value: mapping must not duplicate it.
          next[step.field] = [...new Set(mapped)];
          changed = true;
        }
        break;
      }
      case 'set_default':
        if (isEmpty(next[step.field])) {
          next[step.field] = structuredClone(step.value);
          changed = true;
        }
        break;
    }
  }
  return { data: next, changed, moved };
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
