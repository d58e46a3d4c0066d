import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, SUPER_ADMIN, type TestEnv } from '../test-support/build-test-env.js';
import { buildHospitalUpgrade } from '../services/template-lifecycle/fixtures/build-hospital-upgrade.js';
import { configureTemplateLifecycle } from '../services/template-lifecycle/template-lifecycle.js';
import { ManualMigrationDriver } from '../services/template-lifecycle/migration-driver.js';
import type { TDraftResponse } from './template-schemas.js';
import type { TWorkflowResponse } from './workflow-schemas.js';
import type { TAccessSettingsResponse, TExportAuditLogResponse, TListAuditLogResponse } from './access-schemas.js';

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
  configureTemplateLifecycle(env.services, { driver: new ManualMigrationDriver() });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

async function log(filters: Record<string, unknown> = {}): Promise<TListAuditLogResponse> {
  return env.call<TListAuditLogResponse>(env.users.acmeAdmin, 'crmListAuditLog', { tenantId: 'acme', ...filters });
}

describe('audit entries', () => {
  it('records an export and a merge in the transaction that starts their job', async () => {
    const patient = (n: number) => env.call<{ record: { id: string } }>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: { patient_id: `P-AUD-${n}`, full_name: `Audit ${n}`, date_of_birth: '1990-01-01', phone: '+34 600 123 456', status: 'New' },
    });
    const [a, b] = [(await patient(1)).record.id, (await patient(2)).record.id];
    await env.call(env.users.acmeAdmin, 'crmStartExport', { tenantId: 'acme', module: 'patients', format: 'raw', fileType: 'csv' });
    await env.call(env.users.acmeOwner, 'crmMergeRecords', { tenantId: 'acme', module: 'patients', winnerId: a, recordIds: [a, b], fields: { full_name: b } });
    await env.services.jobs.whenIdle();
    const exports = await log({ kind: 'export' });
    expect(exports.entries).toHaveLength(1);
    expect(exports.entries[0]).toMatchObject({ kind: 'export', action: 'export.started', actor: { uid: 'acme-admin' }, target: { module: 'patients' } });
    const merges = await log({ kind: 'merge' });
    expect(merges.entries).toHaveLength(1);
    expect(merges.entries[0]).toMatchObject({ kind: 'merge', action: 'merge.started', target: { module: 'patients', id: a } });
  });

  it('records template selection with who, when and from which callable', async () => {
    const { entries } = await log();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'template',
      action: 'template.selected',
      actor: { uid: 'acme-owner', email: 'acme-owner@example.test', role: 'owner' },
      via: { kind: 'callable', name: 'crmSelectTemplate' },
      target: { id: 'hospital' },
    });
    expect(entries[0]!.changes).toEqual([{ path: '(root)', before: 'null', after: JSON.stringify({ slug: 'hospital', version: '1.0.0', name: 'Hospital CRM' }) }]);
  });

  it('records field changes with a before/after diff of just what changed', async () => {
    await env.call(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'patients', field: { key: 'nickname', label: 'Nickname', type: 'text' } });
    await env.call(env.users.acmeAdmin, 'crmUpdateField', { tenantId: 'acme', module: 'patients', key: 'nickname', changes: { label: 'Alias' } });
    await env.call(env.users.acmeAdmin, 'crmDeactivateField', { tenantId: 'acme', module: 'patients', key: 'nickname' });
    const { entries } = await log({ kind: 'field' });
    expect(entries.map((entry) => entry.action)).toEqual(['field.deactivated', 'field.updated', 'field.added']);
    const [deactivated, updated, added] = entries;
    expect(updated!.changes).toEqual([{ path: 'modules[patients].fields[nickname].label', before: '"Nickname"', after: '"Alias"' }]);
    expect(deactivated!.changes).toEqual([{ path: 'modules[patients].fields[nickname].active', before: 'true', after: 'false' }]);
    expect(added!.changes).toHaveLength(1);
    expect(added!.changes[0]).toMatchObject({ path: 'modules[patients].fields[nickname]', before: null });
    expect(JSON.parse(added!.changes[0]!.after!)).toMatchObject({ key: 'nickname', label: 'Nickname', type: 'text' });
    expect(added!.target).toEqual({ module: 'patients', id: 'nickname', label: null });
  });

  it('records modules, settings, workflows and dashboards', async () => {
    await env.call(env.users.acmeAdmin, 'crmCreateModule', { tenantId: 'acme', module: { slug: 'vehicles', label: 'Vehicles' }, fields: [{ key: 'make', label: 'Make', type: 'text' }] });
    await env.call(env.users.acmeAdmin, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Europe/Madrid' });
    const { workflow } = await env.call<TWorkflowResponse>(env.users.acmeAdmin, 'crmSaveWorkflow', {
      tenantId: 'acme', module: 'patients',
      definition: { name: 'Ping', trigger_type: 'record_created', actions: [{ type: 'send_email', to: 'ops@example.com', subject: 's', body: 'b' }] },
    });
    await env.call(env.users.acmeAdmin, 'crmSetWorkflowActive', { tenantId: 'acme', workflowId: workflow.id, active: false });
    await env.call(env.users.acmeAdmin, 'crmDeleteWorkflow', { tenantId: 'acme', workflowId: workflow.id });
    const saved = await env.call<{ dashboard: { id: string } }>(env.users.acmeAdmin, 'crmSaveDashboard', { tenantId: 'acme', dashboard: { name: 'Mine', widgets: [] } });
    await env.call(env.users.acmeAdmin, 'crmDeleteDashboard', { tenantId: 'acme', dashboardId: saved.dashboard.id });

    const { entries } = await log();
    expect(entries.map((entry) => entry.action).reverse()).toEqual([
      'template.selected',
      'module.created',
      'settings.updated',
      'workflow.created',
      'workflow.deactivated',
      'workflow.deleted',
      'dashboard.created',
      'dashboard.deleted',
    ]);
    const settings = entries.find((entry) => entry.kind === 'settings')!;
    expect(settings.changes).toEqual([{ path: 'timezone', before: null, after: '"Europe/Madrid"' }]);
    const module = entries.find((entry) => entry.kind === 'module')!;
    expect(module.changes.map((change) => change.path)).toEqual(expect.arrayContaining(['modules[vehicles]', 'permissions.member.vehicles']));
    const deleted = entries.find((entry) => entry.action === 'workflow.deleted')!;
    expect(deleted.target).toMatchObject({ module: 'patients', id: workflow.id, label: 'Ping' });
    expect(JSON.parse(deleted.changes[0]!.before!)).toMatchObject({ name: 'Ping', is_active: false });
  });

  it('records a template upgrade with the configuration diff', async () => {
    const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { template: buildHospitalUpgrade() });
    await env.call(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'v1.1' });
    await env.call(env.users.acmeAdmin, 'crmApplyUpgrade', { tenantId: 'acme', targetVersion: '1.1.0' });
    const { entries } = await log({ kind: 'upgrade' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'template.upgraded', target: { id: 'hospital', label: '1.0.0 → 1.1.0' } });
    const paths = entries[0]!.changes.map((change) => change.path);
    expect(paths).toEqual(expect.arrayContaining(['template.version', 'modules[patients].fields[insurer]', 'modules[patients].fields[insurance_provider]']));
  });

  it('costs one extra write per change (two with the access version for a permission change)', async () => {
    env.store.meter.reset();
    await env.call(env.users.acmeAdmin, 'crmUpdateField', { tenantId: 'acme', module: 'patients', key: 'full_name', changes: { label: 'Name' } });
    // The configuration document and its audit entry.
    expect(env.store.meter.read().writes).toBe(2);
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    env.store.meter.reset();
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', matrix: settings.matrix, expectedRevision: settings.revision, fieldPermissions: { member: { patients: { allergies: 'none' } } },
    });
    // Configuration, audit entry, and the access version every instance checks.
    expect(env.store.meter.read().writes).toBe(3);
    const [entry] = (await log({ kind: 'permissions' })).entries;
    expect(entry!.changes).toEqual([{ path: 'fieldPermissions', before: null, after: '{"member":{"patients":{"allergies":"none"}}}' }]);
  });

  it('writes nothing when the change fails', async () => {
    const before = (await log()).entries.length;
    await env.callError(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'patients', field: { key: 'full_name', label: 'Again', type: 'text' } });
    await env.callError(env.users.acmeMember, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Europe/Paris' });
    expect((await log()).entries).toHaveLength(before);
  });
});

describe('reading the log', () => {
  beforeEach(async () => {
    await env.call(env.users.acmeAdmin, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Europe/Madrid' });
    await env.call(env.users.acmeOwner, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Europe/Paris' });
    await env.call(env.users.acmeAdmin, 'crmAddField', { tenantId: 'acme', module: 'patients', field: { key: 'nickname', label: 'Nickname', type: 'text' } });
  });

  it('filters by actor, kind, both, and date, newest first, in pages', async () => {
    expect((await log({ actorUid: 'acme-admin' })).entries.map((entry) => entry.action)).toEqual(['field.added', 'settings.updated']);
    expect((await log({ kind: 'settings' })).entries.map((entry) => entry.actor.uid)).toEqual(['acme-owner', 'acme-admin']);
    expect((await log({ kind: 'settings', actorUid: 'acme-owner' })).entries).toHaveLength(1);
    expect((await log({ from: '2000-01-01', to: '2000-01-02' })).entries).toEqual([]);
    expect((await log({ from: new Date(Date.now() - 60_000).toISOString(), kind: 'field' })).entries).toHaveLength(1);

    const first = await log({ pageSize: 2 });
    expect(first.entries).toHaveLength(2);
    const second = await log({ pageSize: 2, cursor: first.nextCursor });
    expect(second.entries).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.entries, ...second.entries].map((entry) => entry.id)).size).toBe(4);
  });

  it('exports the filtered log as CSV, one row per changed path, formula-safe', async () => {
    await env.call(env.users.acmeAdmin, 'crmUpdateField', { tenantId: 'acme', module: 'patients', key: 'nickname', changes: { label: '=HYPERLINK("x")' } });
    const exported = await env.call<TExportAuditLogResponse>(env.users.acmeAdmin, 'crmExportAuditLog', { tenantId: 'acme', kind: 'field' });
    expect(exported).toMatchObject({ entries: 2, complete: true });
    const lines = exported.csv.trim().split('\r\n');
    expect(lines[0]).toBe('at,kind,action,actor_uid,actor_email,actor_role,via,module,target_id,target_label,path,before,after');
    expect(lines[1]).toContain(',field,field.updated,acme-admin,acme-admin@example.test,admin,callable:crmUpdateField,patients,nickname,,modules[patients].fields[nickname].label,"""Nickname""","""=HYPERLINK(\\""x\\"")"""');
  });

  it('is for owners and admins only', async () => {
    expect((await env.callError(env.users.acmeMember, 'crmListAuditLog', { tenantId: 'acme' })).code).toBe('permission-denied');
    expect((await env.callError(env.users.acmeMember, 'crmExportAuditLog', { tenantId: 'acme' })).code).toBe('permission-denied');
    expect((await env.callError(env.users.globexOwner, 'crmListAuditLog', { tenantId: 'acme' })).code).toBe('permission-denied');
  });
});

describe('append-only', () => {
  it('no module but record-audit.ts builds the path of an audit entry (so nothing else can write or delete one)', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const offenders = sourceFiles(src).filter((file) => {
      if (file.endsWith('record-audit.ts') || file.endsWith('.test.ts')) return false;
      const text = readFileSync(file, 'utf8');
      // The log's reader names entries for its cursor, and only reads.
      if (file.endsWith('list-audit-log.ts')) return /\.(set|update|delete|create)\(/.test(text);
      return /auditPaths\.entry\(|\/audit\/\$\{/.test(text);
    });
    expect(offenders).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

