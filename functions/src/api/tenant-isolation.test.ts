import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredDocument } from '../store/document-store.js';
import { buildTestEnv, type TestEnv } from '../test-support/build-test-env.js';
import { buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import { CALLABLE_NAMES, type CallableName } from './crm-api.js';
import type { TListRecordsResponse, TRecordResponse } from './schemas.js';

/**
 * A user of tenant `globex` aims every callable at tenant `acme`: with acme's
 * tenant id, with acme's record ids under their own tenant id, with acme's
 * custom module slug and with acme's list cursors. Each attempt must be
 * refused and acme's data must be byte-for-byte what it was.
 */
let env: TestEnv;
let acme: { doctorId: string; patientId: string; cursor: string; viewId: string };

async function snapshotTenant(tenantId: string): Promise<Record<string, unknown>> {
  const collections = ['records', 'workflows', 'dashboards', 'counters', 'unique_values', 'jobs', 'views', 'duplicate_rules', 'rollup_contributions'];
  const docs: StoredDocument[] = [];
  for (const collection of collections) docs.push(...(await env.store.query({ collection: `crm_tenants/${tenantId}/${collection}` })));
  const config = await env.store.get(`crm_tenants/${tenantId}`);
  return { config: config?.data ?? null, docs: Object.fromEntries(docs.map((doc) => [doc.path, doc.data])) };
}

beforeEach(async () => {
  env = await buildTestEnv();
  for (const [tenantId, owner] of [['acme', env.users.acmeOwner], ['globex', env.users.globexOwner]] as const) {
    await env.call(owner, 'crmSelectTemplate', { tenantId, templateSlug: 'hospital' });
  }
  await env.call(env.users.acmeOwner, 'crmCreateModule', {
    tenantId: 'acme', module: { slug: 'vehicles', label: 'Vehicles' }, fields: [{ key: 'make', label: 'Make', type: 'text' }],
  });
  const doctor = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor() });
  const patient = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
    tenantId: 'acme', module: 'patients', data: buildPatient({ primary_doctor: doctor.record.id }),
  });
  await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-2' }) });
  const page = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: 1 });
  const view = await env.call<{ view: { id: string } }>(env.users.acmeOwner, 'crmSaveView', { tenantId: 'acme', view: { module: 'patients', name: 'Acme view', visibility: 'tenant' } });
  acme = { doctorId: doctor.record.id, patientId: patient.record.id, cursor: page.nextCursor!, viewId: view.view.id };
});

/** A well-formed request for every tenant-scoped callable, aimed at `tenantId`. */
function requestsFor(tenantId: string): Array<[CallableName, Record<string, unknown>]> {
  return [
    ['crmBootstrap', { tenantId }],
    ['crmListTemplates', { tenantId }],
    ['crmSelectTemplate', { tenantId, templateSlug: 'blank' }],
    ['crmUpdateTenantSettings', { tenantId, timezone: 'Asia/Kolkata' }],
    ['crmListRecordHistory', { tenantId, recordId: acme.patientId }],
    ['crmAddField', { tenantId, module: 'patients', field: { key: 'hacked', label: 'Hacked', type: 'text' } }],
    ['crmUpdateField', { tenantId, module: 'patients', key: 'full_name', changes: { label: 'Hacked' } }],
    ['crmReorderFields', { tenantId, module: 'vehicles', keys: ['make'] }],
    ['crmDeactivateField', { tenantId, module: 'patients', key: 'email' }],
    ['crmCreateModule', { tenantId, module: { slug: 'loot', label: 'Loot' }, fields: [{ key: 'name', label: 'Name', type: 'text' }] }],
    ['crmCreateRecord', { tenantId, module: 'patients', data: buildPatient({ patient_id: 'X-1' }) }],
    ['crmGetRecord', { tenantId, recordId: acme.patientId }],
    ['crmUpdateRecord', { tenantId, recordId: acme.patientId, expectedVersion: 1, data: { full_name: 'Hacked' } }],
    ['crmDeleteRecord', { tenantId, recordId: acme.patientId }],
    ['crmRestoreRecord', { tenantId, recordId: acme.patientId }],
    ['crmListRecords', { tenantId, module: 'patients' }],
    ['crmListDashboards', { tenantId }],
    ['crmGetDashboardData', { tenantId, dashboardId: 'default' }],
    ['crmSaveDashboard', { tenantId, dashboard: { name: 'Hacked', widgets: [] } }],
    ['crmDeleteDashboard', { tenantId, dashboardId: 'default' }],
    ['crmListWorkflows', { tenantId }],
    ['crmSaveWorkflow', { tenantId, module: 'patients', definition: { name: 'Hacked', trigger_type: 'record_created', actions: [{ type: 'create_task', title: 'x' }] } }],
    ['crmSetWorkflowActive', { tenantId, workflowId: 'w1', active: false }],
    ['crmReorderWorkflows', { tenantId, module: 'patients', workflowIds: ['w1'] }],
    ['crmDeleteWorkflow', { tenantId, workflowId: 'w1' }],
    ['crmListWorkflowRuns', { tenantId }],
    ['crmTestWorkflow', { tenantId, recordId: acme.patientId, workflowId: 'w1' }],
    ['crmListOutbox', { tenantId }],
    ['crmListTasks', { tenantId }],
    ['crmSetTaskStatus', { tenantId, taskId: 't1', status: 'done' }],
    ['crmRevealWebhookSecret', { tenantId }],
    ['crmUpgradeStatus', { tenantId }],
    ['crmPreviewUpgrade', { tenantId }],
    ['crmApplyUpgrade', { tenantId, targetVersion: '1.1.0' }],
    ['crmMigrationProgress', { tenantId }],
    ['crmSaveValidationRules', { tenantId, module: 'patients', rules: [] }],
    ['crmRecomputeFormulas', { tenantId, module: 'patients' }],
    ['crmGetJob', { tenantId, jobId: 'j1' }],
    ['crmListJobs', { tenantId }],
    ['crmCancelJob', { tenantId, jobId: 'j1' }],
    ['crmListTimeline', { tenantId, recordId: acme.patientId }],
    ['crmAddNote', { tenantId, recordId: acme.patientId, html: '<p>Hi</p>' }],
    ['crmUpdateNote', { tenantId, recordId: acme.patientId, noteId: 'n1', html: '<p>Hi</p>' }],
    ['crmDeleteNote', { tenantId, recordId: acme.patientId, noteId: 'n1' }],
    ['crmListTenantMembers', { tenantId }],
    ['crmRequestAttachmentUpload', { tenantId, recordId: acme.patientId, fileName: 'a.pdf', contentType: 'application/pdf', size: 10 }],
    ['crmConfirmAttachment', { tenantId, recordId: acme.patientId, attachmentId: 'a1' }],
    ['crmGetAttachmentDownload', { tenantId, recordId: acme.patientId, attachmentId: 'a1' }],
    ['crmDeleteAttachment', { tenantId, recordId: acme.patientId, attachmentId: 'a1' }],
    ['crmCreateTask', { tenantId, recordId: acme.patientId, title: 'Call', assigneeId: 'acme-owner', dueDate: '2026-03-01' }],
    ['crmSearchRecords', { tenantId, text: 'ada' }],
    ['crmListViews', { tenantId }],
    ['crmSaveView', { tenantId, view: { module: 'patients', name: 'Stolen', visibility: 'personal' } }],
    ['crmDeleteView', { tenantId, viewId: acme.viewId }],
    ['crmSetDefaultView', { tenantId, viewId: acme.viewId, roles: ['member'] }],
    ['crmCountGroups', { tenantId, module: 'patients', field: 'status' }],
    ['crmListCalendar', { tenantId, module: 'appointments', field: 'appointment_date', from: '2026-11-01', to: '2026-11-30' }],
    ['crmStartImportUpload', { tenantId, module: 'patients', fileName: 'p.csv', size: 10 }],
    ['crmPreviewImport', { tenantId, uploadId: 'u1' }],
    ['crmStartImport', { tenantId, uploadId: 'u1', options: { mapping: [{ column: 0, field: 'full_name' }], mode: 'create' } }],
    ['crmRevertImport', { tenantId, jobId: 'j1' }],
    ['crmGetImportErrorFile', { tenantId, jobId: 'j1' }],
    ['crmRecomputeRollups', { tenantId, module: 'patients' }],
    ['crmGetDuplicateRules', { tenantId, module: 'patients' }],
    ['crmSaveDuplicateRules', { tenantId, module: 'patients', rules: [] }],
    ['crmFindDuplicates', { tenantId, module: 'patients', data: { email: 'a@example.com' } }],
    ['crmMergeRecords', { tenantId, module: 'patients', winnerId: acme.patientId, recordIds: [acme.patientId, 'p2'] }],
    ['crmStartExport', { tenantId, module: 'patients', format: 'raw', fileType: 'csv' }],
    ['crmGetExportDownload', { tenantId, jobId: 'j1' }],
    ['crmStartBulkAction', { tenantId, module: 'patients', selection: { ids: [{ id: acme.patientId, version: 1 }] }, action: 'edit_field', field: 'full_name', value: 'Hacked' }],
    ['crmListManualWorkflows', { tenantId, module: 'patients' }],
    ['crmRunWorkflow', { tenantId, workflowId: 'w1', recordId: acme.patientId }],
    // Console callables are platform-scoped: a tenant user is refused whatever the tenant.
    ['crmConsoleListTemplates', {}],
    ['crmConsoleGetTemplate', { slug: 'hospital' }],
    ['crmConsoleSaveDraft', { template: { slug: 'hospital' } }],
    ['crmConsoleCloneTemplate', { slug: 'hospital', newSlug: 'stolen' }],
    ['crmConsolePublishDraft', { draftId: 'd1', changeNote: 'x' }],
    ['crmConsoleSetTemplateActive', { slug: 'hospital', active: false }],
    ['crmConsoleDeleteTemplate', { slug: 'hospital' }],
    ['crmConsoleMigrationStatus', { tenantId }],
    ['crmListAuditLog', { tenantId }],
    ['crmExportAuditLog', { tenantId }],
    ['crmGetAccessSettings', { tenantId }],
    ['crmSaveAccessSettings', { tenantId, matrix: {}, fieldPermissions: {}, expectedRevision: 1 }],
    ['crmCreateApiKey', { tenantId, key: { name: 'k', role: 'member', expiresInDays: 30 } }],
    ['crmListApiKeys', { tenantId }],
    ['crmRevokeApiKey', { tenantId, keyId: 'k1' }],
    ['crmCreateWebhookSubscription', { tenantId, subscription: { url: 'https://hooks.example.com/x', modules: ['patients'], events: ['created'] } }],
    ['crmUpdateWebhookSubscription', { tenantId, subscriptionId: 's1', subscription: { url: 'https://hooks.example.com/x', modules: ['patients'], events: ['created'], active: true } }],
    ['crmListWebhookSubscriptions', { tenantId }],
    ['crmDeleteWebhookSubscription', { tenantId, subscriptionId: 's1' }],
    ['crmListWebhookDeliveries', { tenantId, subscriptionId: 's1' }],
    ['crmRedeliverWebhook', { tenantId, deliveryId: 'd1' }],
  ];
}

describe('tenant isolation', () => {
  it('covers every tenant-scoped callable', () => {
    const covered = new Set(requestsFor('x').map(([name]) => name));
    expect(CALLABLE_NAMES.filter((name) => name !== 'crmListMyTenants' && !covered.has(name))).toEqual([]);
  });

  it("refuses every callable aimed at another tenant's id, for its owner and its member", async () => {
    const before = await snapshotTenant('acme');
    for (const user of [env.users.globexOwner, env.users.globexMember, env.users.outsider]) {
      for (const [name, data] of requestsFor('acme')) {
        const error = await env.callError(user, name, data);
        expect({ name, code: error.code }).toEqual({ name, code: 'permission-denied' });
        expect(error.message).not.toContain('Acme');
      }
    }
    expect(await snapshotTenant('acme')).toEqual(before);
  });

  it("answers not-found for another tenant's record ids sent under one's own tenant", async () => {
    const before = await snapshotTenant('acme');
    const recordCalls = requestsFor('globex').filter(([name]) =>
      ['crmGetRecord', 'crmUpdateRecord', 'crmDeleteRecord', 'crmRestoreRecord', 'crmListRecordHistory', 'crmListTimeline', 'crmAddNote', 'crmUpdateNote', 'crmDeleteNote', 'crmRequestAttachmentUpload', 'crmGetAttachmentDownload', 'crmDeleteAttachment', 'crmDeleteView', 'crmSetDefaultView'].includes(name),
    );
    for (const [name, data] of recordCalls) {
      const error = await env.callError(env.users.globexOwner, name, data);
      expect({ name, code: error.code }).toEqual({ name, code: 'not-found' });
    }
    expect(await snapshotTenant('acme')).toEqual(before);
  });

  it("refuses a relationship to another tenant's record", async () => {
    const error = await env.callError(env.users.globexOwner, 'crmCreateRecord', {
      tenantId: 'globex', module: 'patients', data: buildPatient({ primary_doctor: acme.doctorId }),
    });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('primary_doctor');
  });

  it("refuses another tenant's custom module and list cursor", async () => {
    const moduleError = await env.callError(env.users.globexOwner, 'crmListRecords', { tenantId: 'globex', module: 'vehicles' });
    expect(moduleError.code).toBe('not-found');
    const cursorError = await env.callError(env.users.globexOwner, 'crmListRecords', {
      tenantId: 'globex', module: 'patients', pageSize: 1, cursor: acme.cursor,
    });
    expect(cursorError.code).toBe('invalid-argument');
  });

  it('refuses ids that try to leave their tenant through the path', async () => {
    for (const tenantId of ['acme/records/x', '../acme', 'globex/../acme', '']) {
      const error = await env.callError(env.users.globexOwner, 'crmBootstrap', { tenantId });
      expect(error.code).toBe('invalid-argument');
    }
    const error = await env.callError(env.users.globexOwner, 'crmGetRecord', { tenantId: 'globex', recordId: `../../acme/records/${acme.patientId}` });
    expect(error.code).toBe('invalid-argument');
  });

  it('refuses suspended members and tenants whose CRM app is off', async () => {
    await env.store.update('tenant_users/acme_acme-member', { status: 'suspended' });
    expect((await env.callError(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme' })).code).toBe('permission-denied');
    // Same services instance, no cache to wait out: refused on the next call.
    await env.store.set('tenant_apps/globex_crm-pro', { enabled: false });
    expect((await env.callError(env.users.globexOwner, 'crmBootstrap', { tenantId: 'globex' })).code).toBe('permission-denied');
  });

  it("lists only the caller's own tenants; a super admin sees every tenant", async () => {
    type Tenants = { tenants: Array<{ id: string; role: string | null }> };
    const mine = await env.call<Tenants>(env.users.globexMember, 'crmListMyTenants', {});
    expect(mine.tenants).toEqual([{ id: 'globex', name: 'Globex Health', role: 'member' }]);
    expect((await env.call<Tenants>(env.users.outsider, 'crmListMyTenants', {})).tenants).toEqual([]);
    const { SUPER_ADMIN } = await import('../test-support/build-test-env.js');
    const all = await env.call<Tenants>(SUPER_ADMIN, 'crmListMyTenants', {});
    expect(all.tenants.map((tenant) => [tenant.id, tenant.role])).toEqual([['acme', null], ['globex', null]]);
  });

  it('requires sign-in for every callable', async () => {
    for (const name of CALLABLE_NAMES) {
      expect((await env.callError(null, name, { tenantId: 'acme' })).code).toBe('unauthenticated');
    }
  });
});
