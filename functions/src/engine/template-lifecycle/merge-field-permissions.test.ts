import { describe, expect, it } from 'vitest';
import { TemplateSchema, type TemplateInput } from '../template/template-schema.js';
import { validateTemplate } from '../template/template-schema.js';
import { buildTemplate } from '../template/fixtures/build-template.js';
import { mergeTemplateUpgrade } from './merge-upgrade.js';
import { sideFromTemplate, type ConfigSide } from './template-side.js';

function template(fieldPermissions: TemplateInput['field_permissions'], version = '1.0.0') {
  return TemplateSchema.parse(buildTemplate({ version, field_permissions: fieldPermissions }));
}

describe('field permissions in templates and upgrades', () => {
  it('the validator refuses levels for unknown modules, fields and the owner role', () => {
    const bad = validateTemplate(buildTemplate({ field_permissions: { member: { patients: { nope: 'none' }, ghosts: { x: 'read' } } } }));
    expect(bad.ok).toBe(false);
    const paths = bad.ok ? [] : bad.errors.map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['field_permissions.member.patients.nope', 'field_permissions.member.ghosts']));
    expect(validateTemplate(buildTemplate({ field_permissions: { owner: { patients: { email: 'none' } } } as never })).ok).toBe(false);
    expect(validateTemplate(buildTemplate({ field_permissions: { member: { patients: { email: 'none', balance: 'read' } } } })).ok).toBe(true);
  });

  it('takes the new version\'s levels where the tenant kept the old ones, and keeps the tenant\'s own', () => {
    const base = template({ member: { patients: { balance: 'read' } } });
    const next = template({ member: { patients: { balance: 'none', email: 'read' } } }, '1.1.0');
    const tenant: ConfigSide = { ...sideFromTemplate(base), fieldPermissions: { member: { patients: { balance: 'read', full_name: 'read' } } } };
    const merged = mergeTemplateUpgrade({ base: sideFromTemplate(base), next: sideFromTemplate(next), tenant });
    expect(merged.fieldPermissions).toEqual({ member: { patients: { balance: 'none', email: 'read', full_name: 'read' } } });

    const ownChoice: ConfigSide = { ...sideFromTemplate(base), fieldPermissions: { member: { patients: { balance: 'edit' as never } } } };
    const kept = mergeTemplateUpgrade({ base: sideFromTemplate(base), next: sideFromTemplate(next), tenant: { ...ownChoice, fieldPermissions: {} } });
    // The tenant had made balance editable again (no entry = edit, unlike base's read): its choice stays.
    expect(kept.fieldPermissions.member?.patients?.balance).toBeUndefined();
  });

  it('a renamed field keeps its level under the new key', () => {
    const base = template({});
    const nextInput = buildTemplate({ version: '1.1.0' });
    const fields = (nextInput.field_schemas as Record<string, Array<Record<string, unknown>>>).patients!;
    fields.find((field) => field.key === 'balance')!.key = 'amount_due';
    const next = TemplateSchema.parse(nextInput);
    const tenant: ConfigSide = { ...sideFromTemplate(base), fieldPermissions: { member: { patients: { balance: 'none' } } } };
    const merged = mergeTemplateUpgrade({
      base: sideFromTemplate(base), next: sideFromTemplate(next), tenant,
      migrations: [{ type: 'rename_field', module: 'patients', from: 'balance', to: 'amount_due' }] as never,
    });
    expect(merged.fieldPermissions).toEqual({ member: { patients: { amount_due: 'none' } } });
  });
});
