import { describe, expect, it } from 'vitest';
import { validateTemplate, compareVersions, type TemplateInput } from './template-schema.js';
import { buildTemplate } from './fixtures/build-template.js';

function withMigrations(migrations: unknown[], edit: (input: TemplateInput) => void = () => {}): unknown {
  const input = structuredClone(buildTemplate({ version: '1.1.0' }));
  edit(input);
  return { ...input, migrations };
}

function errorsOf(input: unknown) {
  const result = validateTemplate(input);
  return result.ok ? [] : result.errors;
}

const renameBalance = (input: TemplateInput) => {
  (input.field_schemas as Record<string, Array<Record<string, unknown>>>).patients![2]!.key = 'amount_due';
};

describe('template migrations', () => {
  it('accepts each kind of step when it fits the template', () => {
    const input = withMigrations(
      [
        { type: 'rename_field', module: 'patients', from: 'balance', to: 'amount_due' },
        { type: 'map_values', module: 'patients', field: 'status', map: { Lead: 'Active', Gone: 'Inactive' } },
        { type: 'move_value', module: 'visits', from: 'notes', to: 'status', mode: 'if_empty' },
        { type: 'set_default', module: 'visits', field: 'fee', value: 0 },
        { type: 'rename_field', module: 'patients', from: 'tel', to: 'phone', version: '1.0.5' },
      ],
      renameBalance,
    );
    expect(errorsOf(input)).toEqual([]);
  });

  it('reports each misfit at its path', () => {
    const input = withMigrations([
      { type: 'rename_field', module: 'patients', from: 'email', to: 'nowhere' },
      { type: 'map_values', module: 'patients', field: 'status', map: { Active: 'Inactive', Old: 'Missing' } },
      { type: 'set_default', module: 'visits', field: 'fee', value: 'free' },
      { type: 'set_default', module: 'wards', field: 'x', value: 1 },
      { type: 'map_values', module: 'patients', field: 'status', map: { A: 'Active' }, version: '2.0.0' },
      { type: 'drop_table', module: 'patients' },
    ]);
    const errors = errorsOf(input).map((error) => error.path);
    expect(errors).toEqual(expect.arrayContaining([
      'migrations[0].from',
      'migrations[0].to',
      'migrations[1].map.Active',
      'migrations[1].map.Old',
      'migrations[2].value',
      'migrations[3].module',
      'migrations[4].version',
      'migrations[5].type',
    ]));
  });

  it('orders versions by semver precedence', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.0.0-beta.2', '1.0.0-beta.10')).toBe(-1);
    expect(compareVersions('1.0.0', '1.0.0-rc.1')).toBe(1);
    expect(compareVersions('2.0.0', '2.0.0')).toBe(0);
  });
});
