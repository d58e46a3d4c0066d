import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, buildUser, SUPER_ADMIN, type TestEnv } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import { buildHospitalUpgrade } from '../services/template-lifecycle/fixtures/build-hospital-upgrade.js';
import { configureTemplateLifecycle } from '../services/template-lifecycle/template-lifecycle.js';
import { ManualMigrationDriver } from '../services/template-lifecycle/migration-driver.js';
import type { CallableName } from './crm-api.js';
import type { TListTemplatesResponse } from './schemas.js';
import type {
  TConsoleGetTemplateResponse,
  TConsoleListTemplatesResponse,
  TConsolePublishDraftResponse,
  TDraftResponse,
} from './template-schemas.js';

const STAFF = buildUser('staffer', { platform_role: 'staff' });

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
  configureTemplateLifecycle(env.services, { driver: new ManualMigrationDriver() });
});

async function publish(template: unknown, changeNote = 'Test release') {
  const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { template });
  expect(draft.errors).toEqual([]);
  return env.call<TConsolePublishDraftResponse>(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote });
}

describe('console access', () => {
  const CONSOLE_CALLS: Array<[CallableName, Record<string, unknown>]> = [
    ['crmConsoleListTemplates', {}],
    ['crmConsoleGetTemplate', { slug: 'hospital' }],
    ['crmConsoleSaveDraft', { template: { name: 'x' } }],
    ['crmConsoleCloneTemplate', { slug: 'hospital', newSlug: 'my-hospital' }],
    ['crmConsolePublishDraft', { draftId: 'abc', changeNote: 'x' }],
    ['crmConsoleSetTemplateActive', { slug: 'hospital', active: false }],
    ['crmConsoleDeleteTemplate', { slug: 'hospital' }],
    ['crmConsoleMigrationStatus', {}],
  ];

  it.each(CONSOLE_CALLS)('%s refuses a tenant owner and a plain user with permission-denied, changing nothing', async (name, data) => {
    const before = await env.store.get('crm_templates/hospital');
    for (const user of [env.users.acmeOwner, env.users.outsider]) {
      const error = await env.callError(user, name, data);
      expect(error.code).toBe('permission-denied');
    }
    expect((await env.store.get('crm_templates/hospital'))?.data).toEqual(before?.data);
    expect(await env.store.query({ collection: 'crm_template_drafts' })).toEqual([]);
  });

  it('refuses anonymous callers as unauthenticated', async () => {
    expect((await env.callError(null, 'crmConsoleListTemplates', {})).code).toBe('unauthenticated');
  });

  it('lets platform staff use the console', async () => {
    const { templates } = await env.call<TConsoleListTemplatesResponse>(STAFF, 'crmConsoleListTemplates', {});
    expect(templates.map((row) => row.summary.slug).sort()).toEqual(['blank', 'corporate', 'hospital', 'jewellery', 'real-estate']);
  });
});

describe('templates, versions and usage', () => {
  it('lists templates with their versions and how many tenants use each', async () => {
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
    await publish(buildHospitalUpgrade());
    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
    const { templates } = await env.call<TConsoleListTemplatesResponse>(SUPER_ADMIN, 'crmConsoleListTemplates', {});
    const hospital = templates.find((row) => row.summary.slug === 'hospital');
    expect(hospital?.tenants).toBe(2);
    expect(hospital?.summary).toMatchObject({ latestVersion: '1.1.0', isSystem: true, isActive: true });
    expect(hospital?.versions.map((version) => [version.version, version.tenants, version.changeNote])).toEqual([
      ['1.0.0', 1, ''],
      ['1.1.0', 1, 'Test release'],
    ]);
    expect(templates.find((row) => row.summary.slug === 'blank')?.tenants).toBe(0);
  });

  it('shows a published version and its usage', async () => {
    const view = await env.call<TConsoleGetTemplateResponse>(SUPER_ADMIN, 'crmConsoleGetTemplate', { slug: 'hospital', version: '1.0.0' });
    expect(view.published?.summary.slug).toBe('hospital');
    expect((view.published?.template as { enabled_modules: unknown[] }).enabled_modules).toHaveLength(4);
    expect(view.published?.usage).toEqual({ tenants: 0, byVersion: { '1.0.0': 0 } });
  });
});

describe('drafts and publishing', () => {
  it('saves an invalid draft and returns every error at its JSON path; publishing it is refused', async () => {
    const broken = { ...buildHospitalUpgrade(), name: '', enabled_modules: [{ slug: 'Bad Slug', label: 'X' }] };
    const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { template: broken });
    expect(draft.valid).toBe(false);
    expect(draft.errors.map((error) => error.path)).toEqual(expect.arrayContaining(['name', 'enabled_modules[0].slug', 'field_schemas.patients']));
    const stored = await env.call<TConsoleGetTemplateResponse>(SUPER_ADMIN, 'crmConsoleGetTemplate', { draftId: draft.draftId });
    expect(stored.draft?.template).toEqual(JSON.parse(JSON.stringify(broken)));
    const refused = await env.callError(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'nope' });
    expect(refused.code).toBe('invalid-argument');
    expect((refused.details as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toContain('template.name');
  });

  it('starts a draft of the next version from a published one, shows its changes, and publishes it immutably', async () => {
    const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { fromSlug: 'hospital' });
    expect(draft).toMatchObject({ slug: 'hospital', version: '1.1.0', valid: true, baseVersion: '1.0.0' });
    const edited = buildHospitalUpgrade();
    const saved = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { draftId: draft.draftId, template: edited });
    expect(saved.draft.changes.map((change) => change.path)).toEqual(expect.arrayContaining([
      'modules.patients.fields.insurer',
      'modules.patients.fields.insurance_provider',
      'modules.patients.fields.preferred_language',
      'migrations.patients',
    ]));
    const published = await env.call<TConsolePublishDraftResponse>(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'Insurer, languages' });
    expect(published).toMatchObject({ slug: 'hospital', version: '1.1.0' });
    const version = await env.store.get('crm_templates/hospital/versions/1.1.0');
    expect(version?.data).toMatchObject({ changeNote: 'Insurer, languages', publishedBy: 'root' });
    expect(await env.store.get(`crm_template_drafts/${draft.draftId}`)).toBeNull();

    // The same version again, or an older one: refused; 1.0.0 is untouched.
    const v100 = (await env.store.get('crm_templates/hospital/versions/1.0.0'))?.data;
    for (const version of ['1.1.0', '1.0.5']) {
      const again = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { template: buildHospitalUpgrade({ version, edit: (t) => { t.description = 'changed'; } }) });
      const error = await env.callError(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: again.draft.draftId, changeNote: 'again' });
      expect(['already-exists', 'failed-precondition']).toContain(error.code);
    }
    expect((await env.store.get('crm_templates/hospital/versions/1.0.0'))?.data).toEqual(v100);
  });

  it('clones a template into a new non-system template that can be deleted, unlike a system one', async () => {
    const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleCloneTemplate', { slug: 'hospital', newSlug: 'vet-clinic', name: 'Vet Clinic' });
    expect(draft).toMatchObject({ slug: 'vet-clinic', name: 'Vet Clinic', version: '1.0.0', valid: true });
    await env.call(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'First release' });
    expect((await env.store.get('crm_templates/vet-clinic'))?.data).toMatchObject({ isSystem: false, isActive: true, latestVersion: '1.0.0' });

    const system = await env.callError(SUPER_ADMIN, 'crmConsoleDeleteTemplate', { slug: 'hospital' });
    expect(system.code).toBe('failed-precondition');
    expect(system.message).toMatch(/system template/);

    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'vet-clinic' });
    const inUse = await env.callError(SUPER_ADMIN, 'crmConsoleDeleteTemplate', { slug: 'vet-clinic' });
    expect(inUse.message).toMatch(/1 tenant/);
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
    await env.call(SUPER_ADMIN, 'crmConsoleDeleteTemplate', { slug: 'vet-clinic' });
    expect(await env.store.get('crm_templates/vet-clinic')).toBeNull();
    expect(await env.store.query({ collection: 'crm_templates/vet-clinic/versions' })).toEqual([]);
  });

  it('refuses a clone onto an existing slug', async () => {
    const error = await env.callError(SUPER_ADMIN, 'crmConsoleCloneTemplate', { slug: 'hospital', newSlug: 'corporate' });
    expect(error.code).toBe('already-exists');
  });
});

describe('deactivation', () => {
  it('hides a template from new tenants while tenants on it keep working', async () => {
    await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
    await env.call(SUPER_ADMIN, 'crmConsoleSetTemplateActive', { slug: 'hospital', active: false });
    const { templates } = await env.call<TListTemplatesResponse>(env.users.globexOwner, 'crmListTemplates', { tenantId: 'globex' });
    expect(templates.map((template) => template.slug)).not.toContain('hospital');
    expect((await env.callError(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' })).code).toBe('not-found');
    await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient() });
    expect((await env.call<{ templateSelected: boolean }>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' })).templateSelected).toBe(true);
  });
});
