import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

const options = (count: number) => Array.from({ length: count }, (_, index) => `option-${index}`);

describe("custom fields within Firestore's per-document limits", () => {
  it('refuses a custom field that would let a record exceed 40,000 index entries, naming it', async () => {
    // Five indexed numbers put every list token in 26 composite indexes; each option of a multi-select is a token.
    await env.call(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme',
      module: { slug: 'assets', label: 'Assets' },
      fields: [
        { key: 'name', label: 'Name', type: 'text' },
        ...['cost', 'value', 'weight', 'width', 'height'].map((key) => ({ key, label: key, type: 'number', indexed: true })),
        { key: 'tags', label: 'Tags', type: 'multi_select', options: options(500) },
      ],
    });
    const error = await env.callError(env.users.acmeOwner, 'crmAddField', {
      tenantId: 'acme', module: 'assets', field: { key: 'labels', label: 'Labels', type: 'multi_select', options: options(500) },
    });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/^assets\.fields: a record of "assets" could need [\d,]+ index entries; Firestore allows 40,000\. Most come from "(labels|tags)" \([\d,]+\), "(labels|tags)"/);
    expect(error.message).toContain('"labels"');
    // Nothing was written: the module is as it was.
    const doc = await env.store.get('crm_tenants/acme');
    const modules = doc?.data.modules as Array<{ slug: string; fields: Array<{ key: string }> }>;
    expect(modules.find((module) => module.slug === 'assets')?.fields.map((field) => field.key)).not.toContain('labels');
  });

  it('refuses a multi-select whose options, under every date bucket, would push a record past 1 MiB', async () => {
    await env.call(env.users.acmeOwner, 'crmAddField', { tenantId: 'acme', module: 'appointments', field: { key: 'tags', label: 'Tags', type: 'multi_select', options: options(300) } });
    const error = await env.callError(env.users.acmeOwner, 'crmAddField', { tenantId: 'acme', module: 'appointments', field: { key: 'reminder_at', label: 'Reminder', type: 'datetime' } });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/^appointments\.fields: a record of "appointments" could reach [\d,]+ KiB; Firestore allows 1 MiB per document\. Most comes from "tags"/);
  });

  it('refuses raising max_length past the size limit, naming the field', async () => {
    // notes_c is shorter than the others: owner-scoped search prefixes (read_own search) take ~60 KiB of the worst case.
    for (const [key, maxLength] of [['notes_a', 100_000], ['notes_b', 100_000], ['notes_c', 80_000]] as const) {
      await env.call(env.users.acmeOwner, 'crmAddField', { tenantId: 'acme', module: 'patients', field: { key, label: key, type: 'textarea', validation: { max_length: maxLength } } });
    }
    const error = await env.callError(env.users.acmeOwner, 'crmUpdateField', {
      tenantId: 'acme', module: 'patients', key: 'allergies', changes: { validation: { max_length: 100_000 } },
    });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/patients\.fields: a record of "patients" could reach [\d,]+ KiB; Firestore allows 1 MiB per document\. Most comes from "(notes_a|notes_b|notes_c|allergies)"/);
    expect(error.message).toMatch(/lower max_length of text fields/);
  });
});
