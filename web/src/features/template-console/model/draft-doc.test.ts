import { describe, expect, it } from 'vitest';
import { validateTemplate } from '@crm/engine/template/template-schema.js';
import { addStatus, blankTemplate, errorsUnder, readLocalized, renameStatus, setIn, toggleAction, writeLocalized, type TemplateDoc } from './draft-doc';
import { lineOfPath, stringifyWithLines } from './json-lines';

function buildDoc(overrides: Partial<TemplateDoc> = {}): TemplateDoc {
  return {
    ...blankTemplate(),
    name: 'Clinic',
    slug: 'clinic',
    enabled_modules: [{ slug: 'patients', label: { en: 'Patient', es: 'Paciente' }, default_statuses: ['New', 'Discharged'] }],
    field_schemas: {
      patients: [
        { key: 'full_name', label: 'Full name', type: 'text', required: true },
        { key: 'status', label: 'Status', type: 'select', options: ['New', 'Discharged'] },
      ],
    },
    permissions_matrix: { owner: { patients: ['*'] } },
    version: '1.1.0',
    ...overrides,
  };
}

describe('renameStatus', () => {
  it('renames the status in the module and the status field, and adds a map_values step so records move', () => {
    const next = renameStatus(buildDoc(), 'patients', 'Discharged', 'Released');
    expect((next.enabled_modules as Array<{ default_statuses: string[] }>)[0]?.default_statuses).toEqual(['New', 'Released']);
    expect((next.field_schemas as Record<string, Array<{ options?: string[] }>>).patients?.[1]?.options).toEqual(['New', 'Released']);
    expect(next.migrations).toEqual([{ type: 'map_values', module: 'patients', field: 'status', map: { Discharged: 'Released' } }]);
    expect(validateTemplate(next).ok).toBe(true);
  });

  it('keeps one mapping from the original value when renamed twice, and drops it when renamed back', () => {
    const twice = renameStatus(renameStatus(buildDoc(), 'patients', 'Discharged', 'Releasd'), 'patients', 'Releasd', 'Released');
    expect(twice.migrations).toEqual([{ type: 'map_values', module: 'patients', field: 'status', map: { Discharged: 'Released' } }]);
    const back = renameStatus(twice, 'patients', 'Released', 'Discharged');
    expect(back.migrations).toBeUndefined();
  });

  it('adds a status to both lists', () => {
    const next = addStatus(buildDoc(), 'patients', 'Transferred');
    expect(validateTemplate(next).ok).toBe(true);
  });
});

describe('labels in every language', () => {
  it('turns a plain English label into a translation map when another language is written, and drops emptied translations', () => {
    expect(writeLocalized('Ward', 'en', 'Wards')).toBe('Wards');
    const map = writeLocalized('Ward', 'es', 'Sala');
    expect(map).toEqual({ en: 'Ward', es: 'Sala' });
    expect(readLocalized(map, 'es')).toBe('Sala');
    expect(readLocalized('Ward', 'es')).toBe('');
    expect(writeLocalized(map, 'es', '')).toEqual({ en: 'Ward' });
  });
});

describe('permissions matrix', () => {
  it('toggles an action in the canonical order', () => {
    const next = toggleAction(toggleAction(buildDoc(), 'member', 'patients', 'update_own', true), 'member', 'patients', 'read', true);
    expect((next.permissions_matrix as Record<string, Record<string, string[]>>).member?.patients).toEqual(['read', 'update_own']);
  });
});

describe('errors at their paths', () => {
  it('finds the validator error of a broken field key under its row and points at its JSON line', () => {
    const doc = setIn(buildDoc(), ['field_schemas', 'patients', 0, 'key'], 'Full Name');
    const result = validateTemplate(doc);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errorsUnder(errors, 'field_schemas.patients[0]').map((error) => error.path)).toContain('field_schemas.patients[0].key');
    expect(errorsUnder(errors, 'field_schemas.patients[1]')).toEqual([]);
    const { text, lines } = stringifyWithLines(doc);
    expect(text).toBe(JSON.stringify(doc, null, 2));
    const line = lineOfPath(lines, 'field_schemas.patients[0].key') ?? 0;
    expect(text.split('\n')[line - 1]).toContain('"key": "Full Name"');
    expect(lineOfPath(lines, 'field_schemas.patients[0].nope')).toBe(lines.get('field_schemas.patients[0]'));
  });
});
