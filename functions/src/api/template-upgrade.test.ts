import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, SUPER_ADMIN, type TestEnv } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import { buildHospitalUpgrade } from '../services/template-lifecycle/fixtures/build-hospital-upgrade.js';
import { configureTemplateLifecycle } from '../services/template-lifecycle/template-lifecycle.js';
import { ManualMigrationDriver } from '../services/template-lifecycle/migration-driver.js';
import { runMigrationToCompletion } from '../services/template-lifecycle/migration-runner.js';
import type { TConfigResponse, TRecordResponse } from './schemas.js';
import type {
  TApplyUpgradeResponse,
  TConsoleMigrationStatusResponse,
  TDraftResponse,
  TMigrationProgressResponse,
  TPreviewUpgradeResponse,
  TUpgradeStatusResponse,
} from './template-schemas.js';

let env: TestEnv;
let driver: ManualMigrationDriver;
let patientSeq = 0;

beforeEach(async () => {
  env = await buildTestEnv();
  driver = new ManualMigrationDriver();
  configureTemplateLifecycle(env.services, { driver });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

async function publishHospital11() {
  const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { template: buildHospitalUpgrade() });
  await env.call(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'Insurer, gender wording, notes, language' });
}

async function createPatient(data: Record<string, unknown>) {
  patientSeq += 1;
  const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: `P-${patientSeq}`, ...data }) });
  return record;
}

async function runMigration(jobId: string) {
  // A clock past the settle window (see SETTLE_MS), so the test need not wait for it.
  return runMigrationToCompletion({ store: env.store, now: () => new Date(Date.now() + 10 * 60_000) }, { tenantId: 'acme', jobId, batchSize: 2 });
}

describe('upgrade status', () => {
  it('tells an admin a newer version exists and that switching templates is locked once records exist', async () => {
    const before = await env.call<TUpgradeStatusResponse>(env.users.acmeAdmin, 'crmUpgradeStatus', { tenantId: 'acme' });
    expect(before).toMatchObject({ upgradeAvailable: false, canChangeTemplate: true, template: { slug: 'hospital', version: '1.0.0' } });
    await createPatient({});
    await publishHospital11();
    const after = await env.call<TUpgradeStatusResponse>(env.users.acmeAdmin, 'crmUpgradeStatus', { tenantId: 'acme' });
    expect(after).toMatchObject({
      upgradeAvailable: true,
      latestVersion: '1.1.0',
      canChangeTemplate: false,
      changeTemplateReason: 'The template cannot be changed because this CRM already has records.',
    });
    expect(after.newerVersions.map((version) => [version.version, version.changeNote])).toEqual([['1.1.0', 'Insurer, gender wording, notes, language']]);
  });

  it('keeps tenants on their version when a new one is published', async () => {
    await publishHospital11();
    const boot = await env.call<{ config: { template: { version: string } } }>(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' });
    expect(boot.config.template.version).toBe('1.0.0');
  });

  it('refuses members every upgrade callable', async () => {
    await publishHospital11();
    for (const [name, data] of [
      ['crmUpgradeStatus', { tenantId: 'acme' }],
      ['crmPreviewUpgrade', { tenantId: 'acme' }],
      ['crmApplyUpgrade', { tenantId: 'acme', targetVersion: '1.1.0' }],
      ['crmMigrationProgress', { tenantId: 'acme' }],
    ] as const) {
      expect((await env.callError(env.users.acmeMember, name, data)).code).toBe('permission-denied');
      expect((await env.callError(env.users.globexOwner, name, data)).code).toBe('permission-denied');
    }
  });
});

describe('preview and apply', () => {
  beforeEach(async () => {
    // The tenant's own changes since selection: a reworded label and a custom field.
    await env.call(env.users.acmeAdmin, 'crmUpdateField', { tenantId: 'acme', module: 'patients', key: 'full_name', changes: { label: 'Patient name' } });
    await env.call(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'patients', field: { key: 'vip', label: 'VIP', type: 'checkbox' } });
    await publishHospital11();
  });

  it('previews adds, changes, removes, migrations and the label conflict kept for the tenant', async () => {
    await createPatient({ insurance_provider: 'Acme Mutual' });
    const preview = await env.call<TPreviewUpgradeResponse>(env.users.acmeAdmin, 'crmPreviewUpgrade', { tenantId: 'acme' });
    expect(preview).toMatchObject({ fromVersion: '1.0.0', toVersion: '1.1.0', canApply: true, unresolved: [], errors: [], recordsToMigrate: 1 });
    expect(preview.conflicts).toEqual([
      expect.objectContaining({ path: 'modules.patients.fields.full_name.label.en', ours: 'Patient name', theirs: 'Full name', resolution: 'kept_tenant' }),
    ]);
    expect(preview.changes.map((change) => `${change.kind} ${change.path}`)).toEqual(expect.arrayContaining([
      'remove modules.patients.fields.insurance_provider',
      'add modules.patients.fields.insurer',
      'add modules.patients.fields.preferred_language',
    ]));
    expect(preview.migrations.map((step) => step.type)).toEqual(['rename_field', 'map_values', 'move_value', 'set_default']);
    const patients = preview.config.modules.find((module) => module.slug === 'patients');
    expect(patients?.fields.find((field) => field.key === 'full_name')?.label).toEqual({ en: 'Patient name', es: 'Nombre completo' });
    expect(patients?.fields.some((field) => field.key === 'vip')).toBe(true);
    // A preview changes nothing.
    const status = await env.call<TUpgradeStatusResponse>(env.users.acmeAdmin, 'crmUpgradeStatus', { tenantId: 'acme' });
    expect(status.template?.version).toBe('1.0.0');
  });

  it('applies atomically, then migrates every kind of change in the records', async () => {
    const a = await createPatient({ insurance_provider: 'Acme Mutual', gender: 'Prefer not to say', allergies: 'Peanuts' });
    const b = await createPatient({ gender: 'Female' });
    const preview = await env.call<TPreviewUpgradeResponse>(env.users.acmeAdmin, 'crmPreviewUpgrade', { tenantId: 'acme' });
    const applied = await env.call<TApplyUpgradeResponse>(env.users.acmeAdmin, 'crmApplyUpgrade', {
      tenantId: 'acme', targetVersion: '1.1.0', expectedRevision: preview.revision,
    });
    expect(applied.config.template.version).toBe('1.1.0');
    expect(applied.migration).toMatchObject({ status: 'running', total: 2, processed: 0, fromVersion: '1.0.0', toVersion: '1.1.0' });
    expect(driver.started).toEqual([{ tenantId: 'acme', jobId: applied.migration?.jobId }]);
    // A second upgrade is refused while the migration runs.
    expect((await env.callError(env.users.acmeAdmin, 'crmPreviewUpgrade', { tenantId: 'acme' })).code).toBe('failed-precondition');
    // The console sees it running, across tenants.
    const running = await env.call<TConsoleMigrationStatusResponse>(SUPER_ADMIN, 'crmConsoleMigrationStatus', {});
    expect(running.migrations).toEqual([expect.objectContaining({ tenantId: 'acme', status: 'running', percent: 0 })]);

    await runMigration(applied.migration?.jobId ?? '');
    const migratedA = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmGetRecord', { tenantId: 'acme', recordId: a.id });
    expect(migratedA.record.data).toMatchObject({ insurer: 'Acme Mutual', gender: 'Undisclosed', medical_notes: 'Peanuts', preferred_language: 'English' });
    expect(migratedA.record.data).not.toHaveProperty('insurance_provider');
    expect(migratedA.record.data).not.toHaveProperty('allergies');
    const migratedB = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmGetRecord', { tenantId: 'acme', recordId: b.id });
    expect(migratedB.record.data).toMatchObject({ gender: 'Female', preferred_language: 'English' });
    // Tokens were rebuilt from the new data: the list filters on the migrated values.
    const list = await env.call<{ records: Array<{ id: string }> }>(env.users.acmeAdmin, 'crmListRecords', {
      tenantId: 'acme', module: 'patients', filters: [{ field: 'gender', op: 'eq', value: 'Undisclosed' }],
    });
    expect(list.records.map((record) => record.id)).toEqual([a.id]);

    const progress = await env.call<TMigrationProgressResponse>(env.users.acmeAdmin, 'crmMigrationProgress', { tenantId: 'acme' });
    expect(progress.migration).toMatchObject({ status: 'done', processed: 2, migrated: 2, percent: 100 });
    const consoleView = await env.call<TConsoleMigrationStatusResponse>(SUPER_ADMIN, 'crmConsoleMigrationStatus', { tenantId: 'acme' });
    expect(consoleView.migrations[0]).toMatchObject({ status: 'done', tenantId: 'acme' });

    // Records created now are in the new shape and need no migration; the new required field is enforced.
    const refused = await env.callError(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient() });
    expect(refused.code).toBe('invalid-argument');
    const fresh = await createPatient({ preferred_language: 'Spanish' });
    expect((await env.store.get(`crm_tenants/acme/records/${fresh.id}`))?.data.schemaVersion).toBe('1.1.0');

    // Switching templates stays refused, with the reason.
    const locked = await env.callError(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'corporate' });
    expect(locked.code).toBe('failed-precondition');
    expect(locked.message).toMatch(/already has records/);
  });

  it('lets a user edit a not-yet-migrated record during the migration: reads work, and the value written under the new schema wins', async () => {
    const record = await createPatient({ insurance_provider: 'Old Insurer', allergies: 'Dust' });
    const { migration } = await env.call<TApplyUpgradeResponse>(env.users.acmeAdmin, 'crmApplyUpgrade', { tenantId: 'acme', targetVersion: '1.1.0' });
    const read = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: record.id });
    expect(read.record.data.insurance_provider).toBe('Old Insurer');
    const updated = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmUpdateRecord', {
      tenantId: 'acme', recordId: record.id, expectedVersion: read.record.version, data: { insurer: 'New Insurer', preferred_language: 'Spanish' },
    });
    expect(updated.record.data).toMatchObject({ insurer: 'New Insurer' });
    await runMigration(migration?.jobId ?? '');
    const after = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: record.id });
    expect(after.record.data).toMatchObject({ insurer: 'New Insurer', preferred_language: 'Spanish', medical_notes: 'Dust' });
    expect(after.record.data).not.toHaveProperty('insurance_provider');
  });

  it('refuses to apply when the configuration changed since the preview', async () => {
    const preview = await env.call<TPreviewUpgradeResponse>(env.users.acmeAdmin, 'crmPreviewUpgrade', { tenantId: 'acme' });
    await env.call(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'patients', field: { key: 'ward', label: 'Ward', type: 'text' } });
    const error = await env.callError(env.users.acmeAdmin, 'crmApplyUpgrade', { tenantId: 'acme', targetVersion: '1.1.0', expectedRevision: preview.revision });
    expect(error.code).toBe('aborted');
    const status = await env.call<TUpgradeStatusResponse>(env.users.acmeAdmin, 'crmUpgradeStatus', { tenantId: 'acme' });
    expect(status.template?.version).toBe('1.0.0');
  });
});

describe('conflicts that need a choice', () => {
  it('asks what to do with a module the new version drops while the tenant has records in it, and applies the choice', async () => {
    await createPatient({});
    const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', {
      template: buildHospitalUpgrade({
        edit: (template) => {
          const modules = template.enabled_modules as Array<{ slug: string }>;
          template.enabled_modules = modules.filter((module) => module.slug !== 'medical_records');
          delete (template.field_schemas as Record<string, unknown>).medical_records;
          const matrix = template.permissions_matrix as Record<string, Record<string, unknown>>;
          for (const role of Object.values(matrix)) delete role.medical_records;
          const layout = template.dashboard_layout as Record<string, { widgets: Array<{ config: { module: string } }> }>;
          for (const dashboard of Object.values(layout)) dashboard.widgets = dashboard.widgets.filter((widget) => widget.config.module !== 'medical_records');
        },
      }),
    });
    expect(draft.errors).toEqual([]);
    await env.call(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'Drop medical records' });
    const { record: patient } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: (await env.store.query({ collection: 'crm_tenants/acme/records' }))[0]?.id ?? '' });
    await env.call(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'medical_records', data: { title: 'Visit', record_type: 'Lab Result', patient: patient.id, visit_date: '2026-11-01' },
    });

    const preview = await env.call<TPreviewUpgradeResponse>(env.users.acmeAdmin, 'crmPreviewUpgrade', { tenantId: 'acme' });
    expect(preview.unresolved).toEqual(['modules.medical_records']);
    expect(preview.conflicts.find((conflict) => conflict.path === 'modules.medical_records')).toMatchObject({ resolution: 'needs_choice', recordCount: 1 });
    expect(preview.canApply).toBe(false);
    const refused = await env.callError(env.users.acmeAdmin, 'crmApplyUpgrade', { tenantId: 'acme', targetVersion: '1.1.0' });
    expect(refused.code).toBe('failed-precondition');

    const { config } = await env.call<TApplyUpgradeResponse>(env.users.acmeAdmin, 'crmApplyUpgrade', {
      tenantId: 'acme', targetVersion: '1.1.0', choices: { 'modules.medical_records': 'kept_tenant' },
    });
    expect(config.modules.find((module) => module.slug === 'medical_records')?.source).toBe('custom');
    const boot = await env.call<TConfigResponse & { permissions: Record<string, { read: string }> }>(env.users.acmeOwner, 'crmBootstrap', { tenantId: 'acme' });
    expect(boot.permissions.medical_records?.read).toBe('all');
  });
});

describe('a migration whose runner is gone', () => {
  it('is started again when someone looks at its progress after two idle minutes', async () => {
    await createPatient({ insurance_provider: 'X' });
    await publishHospital11();
    const { migration } = await env.call<TApplyUpgradeResponse>(SUPER_ADMIN, 'crmApplyUpgrade', { tenantId: 'acme', targetVersion: '1.1.0' });
    const jobId = migration?.jobId ?? '';
    await env.call(env.users.acmeAdmin, 'crmMigrationProgress', { tenantId: 'acme', jobId });
    expect(driver.started).toHaveLength(1);
    await env.store.update(`crm_tenants/acme/migrations/${jobId}`, { updatedAt: new Date(Date.now() - 5 * 60_000) });
    await env.call(env.users.acmeAdmin, 'crmMigrationProgress', { tenantId: 'acme', jobId });
    expect(driver.started).toEqual([{ tenantId: 'acme', jobId }, { tenantId: 'acme', jobId }]);
  });
});

describe('index slots across an upgrade', () => {
  it("indexes a field the new version's dashboard sums, backfills existing records in the upgrade's job, then the widget renders", async () => {
    const { record: doctor } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'doctors', data: { full_name: 'Dr. Fee', specialization: 'Cardiologist', license_number: 'MD-1', email: 'fee@staff.example.com', consultation_fee: 150, status: 'Active' },
    });
    const upgraded = buildHospitalUpgrade({
      edit: (template) => {
        const layout = template.dashboard_layout as { default: { widgets: unknown[] } };
        layout.default.widgets.push({ id: 'fees', type: 'metric_card', title: 'Fees', position: { x: 0, y: 9, w: 3, h: 2 }, config: { module: 'doctors', aggregation: 'sum', field: 'consultation_fee' } });
      },
    });
    const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { template: upgraded });
    await env.call(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'Fees on the dashboard' });
    const applied = await env.call<TApplyUpgradeResponse>(env.users.acmeAdmin, 'crmApplyUpgrade', { tenantId: 'acme', targetVersion: '1.1.0' });
    const doctors = applied.config.modules.find((module) => module.slug === 'doctors');
    expect(doctors?.fields.find((field) => field.key === 'consultation_fee')?.indexed).toBe(true);
    expect(doctors?.index_slots).toEqual([{ field: 'consultation_fee', slot: 0, state: 'backfilling' }]);
    expect(applied.migration).toMatchObject({ kind: 'upgrade', indexing: ['doctors.consultation_fee'] });

    await runMigration(applied.migration?.jobId ?? '');
    const stored = await env.store.get(`crm_tenants/acme/records/${doctor.id}`);
    expect(stored?.data.s0).toBe(150);
    env.services.configs.invalidate('acme');
    const { config } = await env.call<TConfigResponse>(env.users.acmeOwner, 'crmBootstrap', { tenantId: 'acme' });
    expect(config.modules.find((module) => module.slug === 'doctors')?.index_slots).toEqual([{ field: 'consultation_fee', slot: 0, state: 'ready' }]);
  });
});
