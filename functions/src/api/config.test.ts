import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, SUPER_ADMIN, type TestEnv } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import type { TBootstrapResponse, TConfigResponse, TListTemplatesResponse, TRecordResponse } from './schemas.js';

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
});

async function selectHospital() {
  return env.call<TConfigResponse>(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
}

function moduleOf(response: TConfigResponse, slug: string) {
  const module = response.config.modules.find((candidate) => candidate.slug === slug);
  if (!module) throw new Error(`module ${slug} missing`);
  return module;
}

describe('bootstrap and template selection', () => {
  it('tells a first-time tenant that no template is selected yet', async () => {
    const result = await env.call<TBootstrapResponse>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' });
    expect(result.templateSelected).toBe(false);
    expect(result.config).toBeNull();
    expect(result.canManageConfiguration).toBe(false);
    expect(result.tenant).toEqual({ id: 'acme', name: 'Acme Clinic' });
  });

  it('lists the five industry templates with their modules and fields', async () => {
    const { templates } = await env.call<TListTemplatesResponse>(env.users.acmeOwner, 'crmListTemplates', { tenantId: 'acme' });
    expect(templates.map((template) => template.slug)).toEqual(['hospital', 'real-estate', 'jewellery', 'corporate', 'blank']);
    const hospital = templates[0];
    expect(hospital?.modules.map((module) => module.slug)).toEqual(['patients', 'appointments', 'doctors', 'medical_records']);
    expect(hospital?.modules[0]?.fields.some((field) => field.key === 'full_name')).toBe(true);
    expect(hospital?.workflowCount).toBeGreaterThan(0);
  });

  it('seeds configuration, workflows and dashboards atomically for an owner', async () => {
    const { config } = await selectHospital();
    expect(config.template.slug).toBe('hospital');
    expect(config.modules.map((module) => module.record_prefix)).toEqual(['PAT', 'APT', 'DOC', 'MRN']);
    const workflows = await env.store.query({ collection: 'crm_tenants/acme/workflows' });
    const dashboards = await env.store.query({ collection: 'crm_tenants/acme/dashboards' });
    expect(workflows.length).toBeGreaterThan(0);
    expect(dashboards.some((doc) => doc.data.is_default === true)).toBe(true);
    const boot = await env.call<TBootstrapResponse>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' });
    expect(boot.templateSelected).toBe(true);
    expect(boot.permissions.patients).toEqual({ create: 'all', read: 'all', update: 'own', delete: 'none', export: 'none' });
    expect(boot.permissions.medical_records?.read).toBe('own');
  });

  it('refuses template selection to members', async () => {
    const error = await env.callError(env.users.acmeMember, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
    expect(error.code).toBe('permission-denied');
    expect(await env.store.get('crm_tenants/acme')).toBeNull();
  });

  it('lets a super admin set up a tenant they are not a member of', async () => {
    const { config } = await env.call<TConfigResponse>(SUPER_ADMIN, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'corporate' });
    expect(config.template.slug).toBe('corporate');
  });

  it('answers not-found for a template that does not exist', async () => {
    const error = await env.callError(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'spaceship' });
    expect(error.code).toBe('not-found');
  });

  it('allows re-selection before the first record, replacing seeded automation', async () => {
    await selectHospital();
    const { config } = await env.call<TConfigResponse>(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'real-estate' });
    expect(config.template.slug).toBe('real-estate');
    const workflows = await env.store.query({ collection: 'crm_tenants/acme/workflows' });
    expect(workflows.every((doc) => config.modules.some((module) => module.slug === doc.data.module))).toBe(true);
  });

  it('locks the template once the tenant has records, changing nothing', async () => {
    await selectHospital();
    await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient() });
    const before = await env.store.get('crm_tenants/acme');
    const error = await env.callError(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
    expect(error.code).toBe('failed-precondition');
    expect(error.message).toMatch(/already has records/);
    expect((await env.store.get('crm_tenants/acme'))?.data).toEqual(before?.data);
  });

  it('sets up a blank CRM with no modules', async () => {
    const { config } = await env.call<TConfigResponse>(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
    expect(config.modules).toEqual([]);
  });
});

describe('custom fields', () => {
  beforeEach(selectHospital);

  it('adds a field that records can use at once', async () => {
    const response = await env.call<TConfigResponse>(env.users.acmeAdmin, 'crmAddField', {
      tenantId: 'acme',
      module: 'patients',
      field: { key: 'preferred_language', label: { en: 'Preferred language', es: 'Idioma preferido' }, type: 'select', options: ['English', 'Spanish'] },
    });
    const field = moduleOf(response, 'patients').fields.find((candidate) => candidate.key === 'preferred_language');
    expect(field).toMatchObject({ type: 'select', system: false, custom: true, active: true, required: false });
    const { record } = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: buildPatient({ preferred_language: 'Spanish' }),
    });
    expect(record.data.preferred_language).toBe('Spanish');
  });

  it('validates a custom field like a template field, reporting the path', async () => {
    const noOptions = await env.callError(env.users.acmeAdmin, 'crmAddField', {
      tenantId: 'acme', module: 'patients', field: { key: 'tier', label: 'Tier', type: 'select' },
    });
    expect(noOptions.code).toBe('invalid-argument');
    expect(noOptions.message).toMatch(/options/);
    const badTarget = await env.callError(env.users.acmeAdmin, 'crmAddField', {
      tenantId: 'acme', module: 'patients',
      field: { key: 'ward', label: 'Ward', type: 'relationship', options: { related_module: 'wards', display_field: 'name' } },
    });
    expect(badTarget.code).toBe('invalid-argument');
    expect(badTarget.message).toMatch(/wards/);
    const badType = await env.callError(env.users.acmeAdmin, 'crmAddField', {
      tenantId: 'acme', module: 'patients', field: { key: 'x', label: 'X', type: 'hologram' },
    });
    expect(badType.code).toBe('invalid-argument');
    // Patterns run on RE2: features it lacks are refused at save, naming the field, never run later.
    const badPattern = await env.callError(env.users.acmeAdmin, 'crmAddField', {
      tenantId: 'acme', module: 'patients', field: { key: 'badge', label: 'Badge', type: 'text', validation: { pattern: '(a)\\1' } },
    });
    expect(badPattern.code).toBe('invalid-argument');
    expect(badPattern.message).toMatch(/field "badge".*uses a backreference/);
  });

  it('refuses a duplicate key', async () => {
    const error = await env.callError(env.users.acmeAdmin, 'crmAddField', {
      tenantId: 'acme', module: 'patients', field: { key: 'full_name', label: 'Name', type: 'text' },
    });
    expect(error.code).toBe('already-exists');
  });

  it('refuses configuration changes to members', async () => {
    const error = await env.callError(env.users.acmeMember, 'crmAddField', {
      tenantId: 'acme', module: 'patients', field: { key: 'nickname', label: 'Nickname', type: 'text' },
    });
    expect(error.code).toBe('permission-denied');
  });

  it('edits a label and keeps system fields from being deactivated', async () => {
    const response = await env.call<TConfigResponse>(env.users.acmeAdmin, 'crmUpdateField', {
      tenantId: 'acme', module: 'patients', key: 'full_name', changes: { label: { en: 'Patient name', es: 'Nombre del paciente' } },
    });
    expect(moduleOf(response, 'patients').fields.find((field) => field.key === 'full_name')?.label).toEqual({
      en: 'Patient name',
      es: 'Nombre del paciente',
    });
    const error = await env.callError(env.users.acmeAdmin, 'crmDeactivateField', { tenantId: 'acme', module: 'patients', key: 'status' });
    expect(error.code).toBe('failed-precondition');
  });

  it('deactivates a field: new writes refuse it, stored values stay', async () => {
    const { record } = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: buildPatient({ insurance_provider: 'Acme Mutual' }),
    });
    await env.call(env.users.acmeAdmin, 'crmDeactivateField', { tenantId: 'acme', module: 'patients', key: 'insurance_provider' });
    const error = await env.callError(env.users.acmeAdmin, 'crmUpdateRecord', {
      tenantId: 'acme', recordId: record.id, expectedVersion: 1, data: { insurance_provider: 'Other' },
    });
    expect(error.code).toBe('invalid-argument');
    const fetched = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmGetRecord', { tenantId: 'acme', recordId: record.id });
    expect(fetched.record.data.insurance_provider).toBe('Acme Mutual');
  });

  it('reorders fields, and refuses an order that drops or invents fields', async () => {
    const boot = await env.call<TBootstrapResponse>(env.users.acmeAdmin, 'crmBootstrap', { tenantId: 'acme' });
    const keys = boot.config!.modules.find((module) => module.slug === 'doctors')!.fields.map((field) => field.key);
    const reversed = [...keys].reverse();
    const response = await env.call<TConfigResponse>(env.users.acmeAdmin, 'crmReorderFields', { tenantId: 'acme', module: 'doctors', keys: reversed });
    expect(moduleOf(response, 'doctors').fields.map((field) => field.key)).toEqual(reversed);
    const error = await env.callError(env.users.acmeAdmin, 'crmReorderFields', { tenantId: 'acme', module: 'doctors', keys: keys.slice(1) });
    expect(error.code).toBe('invalid-argument');
  });
});

describe('custom modules', () => {
  beforeEach(selectHospital);

  it('creates a module that appears in the configuration and takes records', async () => {
    const response = await env.call<TConfigResponse>(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme',
      module: { slug: 'vehicles', label: 'Vehicle', label_plural: 'Vehicles', icon: 'car', record_prefix: 'VEH' },
      fields: [
        { key: 'make', label: 'Make', type: 'text', required: true },
        { key: 'model', label: 'Model', type: 'text' },
        { key: 'year', label: 'Year', type: 'number', validation: { min: 1900, max: 2100 } },
      ],
    });
    expect(moduleOf(response, 'vehicles')).toMatchObject({ source: 'custom', record_prefix: 'VEH', display_field: 'make', label_plural: 'Vehicles' });
    const boot = await env.call<TBootstrapResponse>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' });
    // The same defaults as template modules: no delete for members (issue 12, defect 9).
    expect(boot.permissions.vehicles).toEqual({ create: 'all', read: 'all', update: 'own', delete: 'none', export: 'none' });
    const { record } = await env.call<TRecordResponse>(env.users.acmeMember, 'crmCreateRecord', {
      tenantId: 'acme', module: 'vehicles', data: { make: 'Volvo', year: 2024 },
    });
    expect(record.number).toBe('VEH-000001');
    const tooOld = await env.callError(env.users.acmeMember, 'crmCreateRecord', {
      tenantId: 'acme', module: 'vehicles', data: { make: 'Ford', year: 1850 },
    });
    expect(tooOld.code).toBe('invalid-argument');
  });

  it('takes per-role grants for the new module', async () => {
    await env.call(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme', module: { slug: 'wards', label: 'Wards' }, fields: [{ key: 'name', label: 'Name', type: 'text' }],
      permissions: { member: ['read'], admin: ['read', 'update'] },
    });
    const boot = await env.call<TBootstrapResponse>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' });
    expect(boot.permissions.wards).toEqual({ create: 'none', read: 'all', update: 'none', delete: 'none', export: 'none' });
    const refused = await env.callError(env.users.acmeMember, 'crmCreateRecord', { tenantId: 'acme', module: 'wards', data: { name: 'East' } });
    expect(refused.code).toBe('permission-denied');
    const unknownAction = await env.callError(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme', module: { slug: 'beds', label: 'Beds' }, fields: [{ key: 'name', label: 'Name', type: 'text' }],
      permissions: { member: ['fly'] },
    });
    expect(unknownAction.code).toBe('invalid-argument');
    expect(unknownAction.message).toContain('permissions.member[0]');
  });

  it('refuses a slug that is taken and a relationship to nowhere', async () => {
    const taken = await env.callError(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme', module: { slug: 'patients', label: 'Patients again' }, fields: [{ key: 'name', label: 'Name', type: 'text' }],
    });
    expect(taken.code).toBe('already-exists');
    const dangling = await env.callError(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme', module: { slug: 'rooms', label: 'Rooms' },
      fields: [{ key: 'ward', label: 'Ward', type: 'relationship', options: { related_module: 'wards', display_field: 'name' } }],
    });
    expect(dangling.code).toBe('invalid-argument');
  });
});

describe('field levels shipped with a template', () => {
  it('hides the Jewellery cost price from members, on a record and in the list, and keeps it for admins', async () => {
    await env.call<TConfigResponse>(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'jewellery' });
    const { record } = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmCreateRecord', {
      tenantId: 'acme',
      module: 'inventory',
      data: { item_name: 'Solitaire ring', sku: 'RG-1001', category: 'Ring', metal: 'White Gold', purity: '18K', gross_weight_g: 4.2, cost_price: 1450, selling_price: 2900, status: 'In Stock' },
    });
    expect(record.data.cost_price).toBe(1450);
    const seen = await env.call<TRecordResponse>(env.users.acmeMember, 'crmGetRecord', { tenantId: 'acme', recordId: record.id });
    expect(seen.record.data).toMatchObject({ item_name: 'Solitaire ring', selling_price: 2900 });
    expect(seen.record.data).not.toHaveProperty('cost_price');
    const listed = await env.call<{ records: Array<{ data: Record<string, unknown> }> }>(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'inventory' });
    expect(listed.records.map((row) => 'cost_price' in row.data)).toEqual([false]);
    const filtered = await env.callError(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'inventory', filters: [{ field: 'cost_price', op: 'eq', value: 1450 }] });
    expect(filtered.code).toBe('permission-denied');
  });
});
