import { describe, expect, it } from 'vitest';
import { buildTestEnv } from '../../test-support/build-test-env.js';
import { buildPatient } from '../../test-support/record-fixtures.js';
import type { TAccessSettingsResponse } from '../../api/access-schemas.js';
import type { TRecordResponse } from '../../api/schemas.js';

describe('field-level security of computed fields', () => {
  it('hides a formula that reads a hidden field, and keeps one that does not', async () => {
    const env = await buildTestEnv();
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
    for (const [key, expression] of [['insurer_shout', 'UPPER(insurance_provider)'], ['name_shout', 'UPPER(full_name)'], ['insurer_twice', 'CONCAT(insurer_shout, insurer_shout)']] as const) {
      await env.call(env.users.acmeAdmin, 'crmAddField', {
        tenantId: 'acme', module: 'patients', field: { key, label: key, type: 'formula', options: { expression, result_type: 'text' } },
      });
    }
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', matrix: settings.matrix, fieldPermissions: { member: { patients: { insurance_provider: 'none' } } }, expectedRevision: settings.revision,
    });
    const created = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: buildPatient({ full_name: 'Ada Lovelace', insurance_provider: 'Zyxcorp' }),
    });
    expect(created.record.data).toMatchObject({ insurer_shout: 'ZYXCORP', name_shout: 'ADA LOVELACE', insurer_twice: 'ZYXCORPZYXCORP' });

    const seen = await env.call<TRecordResponse>(env.users.acmeMember, 'crmGetRecord', { tenantId: 'acme', recordId: created.record.id });
    expect(seen.record.data.name_shout).toBe('ADA LOVELACE');
    expect(seen.record.data).not.toHaveProperty('insurance_provider');
    expect(seen.record.data).not.toHaveProperty('insurer_shout');
    expect(seen.record.data).not.toHaveProperty('insurer_twice');
    expect(JSON.stringify(seen)).not.toContain('ZYXCORP');
    const refused = await env.callError(env.users.acmeMember, 'crmListRecords', {
      tenantId: 'acme', module: 'patients', filters: [{ field: 'insurer_shout', op: 'eq', value: 'ZYXCORP' }],
    });
    expect(refused.code).toBe('permission-denied');
  });
});
