import { describe, expect, it } from 'vitest';
import { applyMigrations, stepsForRecord, stepsForUpgrade, type VersionedStep } from './apply-migrations.js';
import type { MigrationStep } from '../template/migration-schema.js';

function buildStep<T extends MigrationStep['type']>(type: T, overrides: Partial<Extract<MigrationStep, { type: T }>> = {}): Extract<MigrationStep, { type: T }> {
  const defaults: Record<MigrationStep['type'], MigrationStep> = {
    rename_field: { type: 'rename_field', module: 'patients', from: 'phone', to: 'mobile' },
    map_values: { type: 'map_values', module: 'patients', field: 'status', map: { Lead: 'Prospect', Old: 'Inactive' } },
    move_value: { type: 'move_value', module: 'patients', from: 'notes', to: 'summary' },
    set_default: { type: 'set_default', module: 'patients', field: 'country', value: 'ES' },
  };
  return { ...defaults[type], ...overrides } as Extract<MigrationStep, { type: T }>;
}

/** Applying twice must equal applying once. */
function expectIdempotent(data: Record<string, unknown>, steps: MigrationStep[]) {
  const once = applyMigrations(data, steps);
  const twice = applyMigrations(once.data, steps);
  expect(twice.data).toEqual(once.data);
  expect(twice.changed).toBe(false);
  return once;
}

describe('applyMigrations', () => {
  it('rename_field moves the value to the new key and drops the old key', () => {
    const result = expectIdempotent({ phone: '555', name: 'Ann' }, [buildStep('rename_field')]);
    expect(result).toEqual({ data: { mobile: '555', name: 'Ann' }, changed: true, moved: [{ from: 'phone', to: 'mobile' }] });
  });

  it('rename_field keeps a value already written under the new key (a write during the migration wins)', () => {
    const result = expectIdempotent({ phone: '555', mobile: '777' }, [buildStep('rename_field')]);
    expect(result.data).toEqual({ mobile: '777' });
  });

  it('rename_field leaves data without the old key alone', () => {
    expect(applyMigrations({ mobile: '1' }, [buildStep('rename_field')])).toEqual({ data: { mobile: '1' }, changed: false, moved: [] });
  });

  it('map_values maps old select values, and old values inside a multi-select without duplicates', () => {
    expect(expectIdempotent({ status: 'Lead' }, [buildStep('map_values')]).data).toEqual({ status: 'Prospect' });
    expect(expectIdempotent({ status: 'Active' }, [buildStep('map_values')]).changed).toBe(false);
    const multi = expectIdempotent({ tags: ['Lead', 'Prospect', 'VIP'] }, [buildStep('map_values', { field: 'tags' })]);
    expect(multi.data).toEqual({ tags: ['Prospect', 'VIP'] });
  });

  it('move_value fills an empty target and clears the source; overwrite replaces a value', () => {
    expect(expectIdempotent({ notes: 'x' }, [buildStep('move_value')]).data).toEqual({ summary: 'x' });
    expect(expectIdempotent({ notes: 'x', summary: 'keep' }, [buildStep('move_value')]).data).toEqual({ summary: 'keep' });
    expect(expectIdempotent({ notes: 'x', summary: 'old' }, [buildStep('move_value', { mode: 'overwrite' })]).data).toEqual({ summary: 'x' });
  });

  it('set_default fills a missing or empty value only', () => {
    expect(expectIdempotent({}, [buildStep('set_default')]).data).toEqual({ country: 'ES' });
    expect(expectIdempotent({ country: '' }, [buildStep('set_default')]).data).toEqual({ country: 'ES' });
    expect(expectIdempotent({ country: 'FR' }, [buildStep('set_default')]).changed).toBe(false);
  });

  it('chains steps in order (rename, then map the renamed field)', () => {
    const steps: MigrationStep[] = [
      buildStep('rename_field', { from: 'stage', to: 'status' }),
      buildStep('map_values'),
    ];
    expect(expectIdempotent({ stage: 'Lead' }, steps).data).toEqual({ status: 'Prospect' });
  });
});

describe('which steps run', () => {
  const migrations: MigrationStep[] = [
    buildStep('rename_field', { version: '1.1.0' }),
    buildStep('set_default', { version: '1.2.0' }),
    buildStep('map_values'),
  ];

  it('an upgrade runs the steps introduced after the tenant version, up to the target', () => {
    const from10 = stepsForUpgrade({ migrations, templateVersion: '1.3.0', fromVersion: '1.0.0' });
    expect(from10.map((step) => `${step.type}@${step.version}`)).toEqual(['rename_field@1.1.0', 'set_default@1.2.0', 'map_values@1.3.0']);
    const from12 = stepsForUpgrade({ migrations, templateVersion: '1.3.0', fromVersion: '1.2.0' });
    expect(from12.map((step) => step.type)).toEqual(['map_values']);
  });

  it('a record runs only what its own schema version lacks; a record already at the target runs nothing', () => {
    const steps: VersionedStep[] = stepsForUpgrade({ migrations, templateVersion: '1.3.0', fromVersion: '1.0.0' });
    const base = { steps, module: 'patients', fromVersion: '1.0.0', toVersion: '1.3.0' };
    expect(stepsForRecord({ ...base, schemaVersion: undefined })).toHaveLength(3);
    expect(stepsForRecord({ ...base, schemaVersion: '1.2.0' }).map((step) => step.type)).toEqual(['map_values']);
    expect(stepsForRecord({ ...base, schemaVersion: '1.3.0' })).toEqual([]);
    expect(stepsForRecord({ ...base, module: 'visits', schemaVersion: undefined })).toEqual([]);
  });
});
