import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, buildUser, SUPER_ADMIN, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import { CALLABLE_NAMES, type CallableName } from './crm-api.js';
import type { TRecordResponse } from './schemas.js';
import type { TWorkflowResponse } from './workflow-schemas.js';

/**
 * Who may call what. `user`: anyone signed in. `member`: any member of the
 * tenant (the permission matrix then decides per record). `admin`: the
 * configuration right (tenant owner or admin, or super admin). `platform`:
 * the `platform_role` claim (staff or super admin).
 */
type Role = 'user' | 'member' | 'admin' | 'platform';

interface RoleRow {
  /** The role the SPA assumes: who gets the screen that calls it (the screen is named in `screen`). */
  readonly spa: Role;
  /** The role the server checks; the tests below call it as each role to prove it. */
  readonly server: Role;
  readonly screen: string;
}

/**
 * One row per callable. Typed by `CallableName`, so adding a callable
 * without a row fails typecheck, and the first test fails too.
 */
const ROLE_TABLE: Record<CallableName, RoleRow> = {
  crmListMyTenants: { spa: 'user', server: 'user', screen: 'tenant picker' },
  crmBootstrap: { spa: 'member', server: 'member', screen: 'every tenant screen' },
  crmListTemplates: { spa: 'admin', server: 'admin', screen: 'template selection (members get "not set up")' },
  crmSelectTemplate: { spa: 'admin', server: 'admin', screen: 'template selection' },
  crmUpdateTenantSettings: { spa: 'admin', server: 'admin', screen: 'admin: settings' },
  crmAddField: { spa: 'admin', server: 'admin', screen: 'admin: fields' },
  crmUpdateField: { spa: 'admin', server: 'admin', screen: 'admin: fields' },
  crmReorderFields: { spa: 'admin', server: 'admin', screen: 'admin: fields' },
  crmDeactivateField: { spa: 'admin', server: 'admin', screen: 'admin: fields' },
  crmCreateModule: { spa: 'admin', server: 'admin', screen: 'admin: new module' },
  crmCreateRecord: { spa: 'member', server: 'member', screen: 'record form (matrix: create)' },
  crmGetRecord: { spa: 'member', server: 'member', screen: 'record detail (matrix: read)' },
  crmUpdateRecord: { spa: 'member', server: 'member', screen: 'record form (matrix: update)' },
  crmDeleteRecord: { spa: 'member', server: 'member', screen: 'record detail (matrix: delete)' },
  crmRestoreRecord: { spa: 'member', server: 'member', screen: 'deleted records (matrix: delete)' },
  crmListRecords: { spa: 'member', server: 'member', screen: 'record lists (matrix: read)' },
  crmListRecordHistory: { spa: 'member', server: 'member', screen: 'record detail history (matrix: read)' },
  crmListDashboards: { spa: 'member', server: 'member', screen: 'dashboard (role-restricted ones hidden)' },
  crmGetDashboardData: { spa: 'member', server: 'member', screen: 'dashboard' },
  crmSaveDashboard: { spa: 'admin', server: 'admin', screen: 'dashboard editor' },
  crmDeleteDashboard: { spa: 'admin', server: 'admin', screen: 'dashboard editor' },
  crmListWorkflows: { spa: 'admin', server: 'admin', screen: 'admin: workflows' },
  crmSaveWorkflow: { spa: 'admin', server: 'admin', screen: 'workflow builder' },
  crmSetWorkflowActive: { spa: 'admin', server: 'admin', screen: 'admin: workflows' },
  crmReorderWorkflows: { spa: 'admin', server: 'admin', screen: 'admin: workflows' },
  crmDeleteWorkflow: { spa: 'admin', server: 'admin', screen: 'workflow builder' },
  // Members: only the runs of a record they can read, without definitions; by workflow, admins only.
  crmListWorkflowRuns: { spa: 'member', server: 'member', screen: 'record detail runs; workflow run log (admin)' },
  crmTestWorkflow: { spa: 'admin', server: 'admin', screen: 'workflow builder dry run' },
  crmListOutbox: { spa: 'admin', server: 'admin', screen: 'admin: outbox' },
  crmListTasks: { spa: 'member', server: 'member', screen: 'tasks (own; all for admins)' },
  crmSetTaskStatus: { spa: 'member', server: 'member', screen: 'tasks (own; any for admins)' },
  // Jobs: watched by whoever may read their module (or started them); cancelled by their creator or an admin.
  crmGetJob: { spa: 'member', server: 'member', screen: 'job progress (imports, exports, bulk actions)' },
  crmListJobs: { spa: 'member', server: 'member', screen: 'job progress (imports, exports, bulk actions)' },
  crmCancelJob: { spa: 'member', server: 'member', screen: 'job progress: cancel (creator or admin)' },
  crmStartImportUpload: { spa: 'member', server: 'member', screen: 'import wizard (matrix: create)' },
  crmPreviewImport: { spa: 'member', server: 'member', screen: 'import wizard (own uploads)' },
  crmStartImport: { spa: 'member', server: 'member', screen: 'import wizard (matrix: create, update for updates)' },
  crmRevertImport: { spa: 'member', server: 'member', screen: 'import result: revert (importer or admin)' },
  crmGetImportErrorFile: { spa: 'member', server: 'member', screen: 'import result: error file (importer or admin)' },
  crmSaveValidationRules: { spa: 'admin', server: 'admin', screen: 'admin: validation rules' },
  crmRecomputeFormulas: { spa: 'admin', server: 'admin', screen: 'admin: fields (after saving a formula)' },
  crmRevealWebhookSecret: { spa: 'admin', server: 'admin', screen: 'workflow builder webhook action' },
  crmConsoleListTemplates: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmConsoleGetTemplate: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmConsoleSaveDraft: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmConsoleCloneTemplate: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmConsolePublishDraft: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmConsoleSetTemplateActive: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmConsoleDeleteTemplate: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmConsoleMigrationStatus: { spa: 'platform', server: 'platform', screen: 'template console' },
  crmUpgradeStatus: { spa: 'admin', server: 'admin', screen: 'upgrade notice and page' },
  crmPreviewUpgrade: { spa: 'admin', server: 'admin', screen: 'upgrade page' },
  crmApplyUpgrade: { spa: 'admin', server: 'admin', screen: 'upgrade page' },
  crmMigrationProgress: { spa: 'admin', server: 'admin', screen: 'upgrade page' },
  crmCreateApiKey: { spa: 'admin', server: 'admin', screen: 'admin: API keys' },
  crmListApiKeys: { spa: 'admin', server: 'admin', screen: 'admin: API keys' },
  crmRevokeApiKey: { spa: 'admin', server: 'admin', screen: 'admin: API keys' },
  crmCreateWebhookSubscription: { spa: 'admin', server: 'admin', screen: 'admin: webhooks' },
  crmUpdateWebhookSubscription: { spa: 'admin', server: 'admin', screen: 'admin: webhooks' },
  crmListWebhookSubscriptions: { spa: 'admin', server: 'admin', screen: 'admin: webhooks' },
  crmDeleteWebhookSubscription: { spa: 'admin', server: 'admin', screen: 'admin: webhooks' },
  crmListWebhookDeliveries: { spa: 'admin', server: 'admin', screen: 'admin: webhooks delivery log' },
  crmRedeliverWebhook: { spa: 'admin', server: 'admin', screen: 'admin: webhooks delivery log' },
  crmListAuditLog: { spa: 'admin', server: 'admin', screen: 'admin: audit log' },
  crmExportAuditLog: { spa: 'admin', server: 'admin', screen: 'admin: audit log export' },
  crmGetAccessSettings: { spa: 'admin', server: 'admin', screen: 'admin: permissions' },
  crmSaveAccessSettings: { spa: 'admin', server: 'admin', screen: 'admin: permissions' },
  crmListTimeline: { spa: 'member', server: 'member', screen: 'record detail timeline (matrix: read)' },
  crmAddNote: { spa: 'member', server: 'member', screen: 'record detail timeline (matrix: update)' },
  crmUpdateNote: { spa: 'member', server: 'member', screen: 'record detail timeline (author only)' },
  crmDeleteNote: { spa: 'member', server: 'member', screen: 'record detail timeline (author; any for admins)' },
  crmListTenantMembers: { spa: 'member', server: 'member', screen: 'mention and assignee pickers' },
  crmRequestAttachmentUpload: { spa: 'member', server: 'member', screen: 'record detail attachments (matrix: update)' },
  crmConfirmAttachment: { spa: 'member', server: 'member', screen: 'record detail attachments (the uploader)' },
  crmGetAttachmentDownload: { spa: 'member', server: 'member', screen: 'record detail attachments (matrix: read)' },
  crmDeleteAttachment: { spa: 'member', server: 'member', screen: 'record detail attachments (uploader; any for admins)' },
  crmCreateTask: { spa: 'member', server: 'member', screen: 'record detail: add a task (matrix: update)' },
  crmSearchRecords: { spa: 'member', server: 'member', screen: 'command palette (matrix: read, per module)' },
  crmListViews: { spa: 'member', server: 'member', screen: 'sidebar and list views' },
  crmSaveView: { spa: 'member', server: 'member', screen: 'list view save bar (sharing: admins)' },
  crmDeleteView: { spa: 'member', server: 'member', screen: 'list view menu (own views; shared: admins)' },
  crmSetDefaultView: { spa: 'admin', server: 'admin', screen: 'list view menu: default for roles' },
  crmCountGroups: { spa: 'member', server: 'member', screen: 'table grouped by a select field (matrix: read)' },
  crmListCalendar: { spa: 'member', server: 'member', screen: 'calendar view (matrix: read)' },
  crmGetDuplicateRules: { spa: 'member', server: 'member', screen: 'admin: duplicate rules; record form (matrix: read)' },
  crmSaveDuplicateRules: { spa: 'admin', server: 'admin', screen: 'admin: duplicate rules' },
  crmFindDuplicates: { spa: 'member', server: 'member', screen: 'record form duplicate warning (matrix: read)' },
  crmRecomputeRollups: { spa: 'admin', server: 'admin', screen: 'admin: fields, roll-up recompute' },
  // Members with update + delete on the module (matrix); the service checks each record.
  crmMergeRecords: { spa: 'member', server: 'member', screen: 'merge (matrix: update winner, delete losers)' },
  // Members pass the callable; the matrix's export right then decides (hospital members have none: forbidden is tested in exports.test.ts).
  crmStartExport: { spa: 'member', server: 'member', screen: 'record list export menu (matrix: export)' },
  crmGetExportDownload: { spa: 'member', server: 'member', screen: 'record list export progress (own exports)' },
  crmStartBulkAction: { spa: 'member', server: 'member', screen: 'record list bulk-action bar (matrix: update / delete)' },
  // Manual workflows: names only, for roles with update (own or all) on the module; runs checked per record.
  crmListManualWorkflows: { spa: 'member', server: 'member', screen: 'record page "Run a workflow" menu; bulk-action bar (matrix: update)' },
  crmRunWorkflow: { spa: 'member', server: 'member', screen: 'record page "Run a workflow" menu (matrix: update on the record)' },
};

let env: TestEnv;
let patientId: string;
let workflowId: string;
const STAFF: TestUser = buildUser('platform-staff', { platform_role: 'staff' });

beforeAll(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  patientId = (await env.call<TRecordResponse>(env.users.acmeMember, 'crmCreateRecord', {
    tenantId: 'acme', module: 'patients', data: buildPatient(),
  })).record.id;
  workflowId = (await env.call<TWorkflowResponse>(env.users.acmeAdmin, 'crmSaveWorkflow', {
    tenantId: 'acme',
    module: 'patients',
    definition: { name: 'Ping', trigger_type: 'record_created', actions: [{ type: 'send_email', to: 'ops@example.com', subject: 's', body: 'b' }] },
  })).workflow.id;
});

/**
 * A request each callable accepts from a caller it lets in; it may still
 * fail for other reasons (a missing draft), never for its shape. Read-only
 * where possible so the order of the calls below does not matter.
 */
function requestFor(name: CallableName): Record<string, unknown> {
  const requests: Record<CallableName, Record<string, unknown>> = {
    crmListMyTenants: {},
    crmBootstrap: { tenantId: 'acme' },
    crmListTemplates: { tenantId: 'acme' },
    crmSelectTemplate: { tenantId: 'acme', templateSlug: 'blank' },
    crmUpdateTenantSettings: { tenantId: 'acme', timezone: 'Europe/Paris' },
    crmAddField: { tenantId: 'acme', module: 'patients', field: { key: 'nickname', label: 'Nickname', type: 'text' } },
    crmUpdateField: { tenantId: 'acme', module: 'patients', key: 'full_name', changes: { label: 'Full Name' } },
    crmReorderFields: { tenantId: 'acme', module: 'patients', keys: ['full_name'] },
    crmDeactivateField: { tenantId: 'acme', module: 'patients', key: 'no_such_field' },
    crmCreateModule: { tenantId: 'acme', module: { slug: 'patients', label: 'Patients' }, fields: [{ key: 'make', label: 'Make', type: 'text' }] },
    crmCreateRecord: { tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-ROLE' }) },
    crmGetRecord: { tenantId: 'acme', recordId: patientId },
    crmUpdateRecord: { tenantId: 'acme', recordId: patientId, expectedVersion: 999, data: { full_name: 'New' } },
    crmDeleteRecord: { tenantId: 'acme', recordId: 'no-such-record' },
    crmRestoreRecord: { tenantId: 'acme', recordId: 'no-such-record' },
    crmListRecords: { tenantId: 'acme', module: 'patients' },
    crmListRecordHistory: { tenantId: 'acme', recordId: patientId },
    crmListDashboards: { tenantId: 'acme' },
    crmGetDashboardData: { tenantId: 'acme', dashboardId: 'no-such-dashboard' },
    crmSaveDashboard: { tenantId: 'acme', dashboardId: 'no-such-dashboard', dashboard: { name: 'Mine', widgets: [] } },
    crmDeleteDashboard: { tenantId: 'acme', dashboardId: 'no-such-dashboard' },
    crmListWorkflows: { tenantId: 'acme' },
    crmSaveWorkflow: { tenantId: 'acme', module: 'patients', workflowId: 'no-such-workflow', definition: { name: 'W', trigger_type: 'record_created', actions: [] } },
    crmSetWorkflowActive: { tenantId: 'acme', workflowId: 'no-such-workflow', active: true },
    crmReorderWorkflows: { tenantId: 'acme', module: 'patients', workflowIds: ['no-such-workflow'] },
    crmDeleteWorkflow: { tenantId: 'acme', workflowId: 'no-such-workflow' },
    crmListWorkflowRuns: { tenantId: 'acme', recordId: patientId },
    crmTestWorkflow: { tenantId: 'acme', recordId: patientId, workflowId },
    crmListOutbox: { tenantId: 'acme' },
    crmListTasks: { tenantId: 'acme' },
    crmSetTaskStatus: { tenantId: 'acme', taskId: 'no-such-task', status: 'done' },
    crmRevealWebhookSecret: { tenantId: 'acme' },
    crmConsoleListTemplates: {},
    crmConsoleGetTemplate: { slug: 'hospital' },
    crmConsoleSaveDraft: { draftId: 'no-such-draft', template: { name: 'Draft' } },
    crmConsoleCloneTemplate: { slug: 'no-such-template', newSlug: 'clinic-two' },
    crmConsolePublishDraft: { draftId: 'no-such-draft', changeNote: 'First' },
    crmConsoleSetTemplateActive: { slug: 'no-such-template', active: true },
    crmConsoleDeleteTemplate: { draftId: 'no-such-draft' },
    crmConsoleMigrationStatus: {},
    crmUpgradeStatus: { tenantId: 'acme' },
    crmPreviewUpgrade: { tenantId: 'acme' },
    crmApplyUpgrade: { tenantId: 'acme', targetVersion: '0.0.1' },
    crmMigrationProgress: { tenantId: 'acme' },
    crmGetJob: { tenantId: 'acme', jobId: 'no-such-job' },
    crmListJobs: { tenantId: 'acme' },
    crmCancelJob: { tenantId: 'acme', jobId: 'no-such-job' },
    crmCreateApiKey: { tenantId: 'acme', key: { name: 'Role check', role: 'member', expiresInDays: 30 } },
    crmListApiKeys: { tenantId: 'acme' },
    crmRevokeApiKey: { tenantId: 'acme', keyId: 'no-such-key' },
    crmCreateWebhookSubscription: { tenantId: 'acme', subscription: { url: 'https://hooks.example.com/crm', modules: ['patients'], events: ['created'] } },
    crmUpdateWebhookSubscription: {
      tenantId: 'acme',
      subscriptionId: 'no-such-subscription',
      subscription: { url: 'https://hooks.example.com/crm', modules: ['patients'], events: ['created'], active: true },
    },
    crmListWebhookSubscriptions: { tenantId: 'acme' },
    crmDeleteWebhookSubscription: { tenantId: 'acme', subscriptionId: 'no-such-subscription' },
    crmListWebhookDeliveries: { tenantId: 'acme', subscriptionId: 'no-such-subscription' },
    crmRedeliverWebhook: { tenantId: 'acme', deliveryId: 'no-such-delivery' },
    crmListAuditLog: { tenantId: 'acme' },
    crmExportAuditLog: { tenantId: 'acme' },
    crmGetAccessSettings: { tenantId: 'acme' },
    crmSaveAccessSettings: { tenantId: 'acme', matrix: {}, fieldPermissions: {}, expectedRevision: -1 },
    crmListTimeline: { tenantId: 'acme', recordId: patientId },
    crmAddNote: { tenantId: 'acme', recordId: 'no-such-record', html: '<p>Hi</p>' },
    crmUpdateNote: { tenantId: 'acme', recordId: patientId, noteId: 'no-such-note', html: '<p>Hi</p>' },
    crmDeleteNote: { tenantId: 'acme', recordId: patientId, noteId: 'no-such-note' },
    crmListTenantMembers: { tenantId: 'acme' },
    crmRequestAttachmentUpload: { tenantId: 'acme', recordId: 'no-such-record', fileName: 'a.pdf', contentType: 'application/pdf', size: 10 },
    crmConfirmAttachment: { tenantId: 'acme', recordId: patientId, attachmentId: 'no-such-attachment' },
    crmGetAttachmentDownload: { tenantId: 'acme', recordId: patientId, attachmentId: 'no-such-attachment' },
    crmDeleteAttachment: { tenantId: 'acme', recordId: patientId, attachmentId: 'no-such-attachment' },
    crmCreateTask: { tenantId: 'acme', recordId: 'no-such-record', title: 'Call', assigneeId: 'acme-member', dueDate: '2026-03-01' },
    crmSearchRecords: { tenantId: 'acme', text: 'jo' },
    crmListViews: { tenantId: 'acme' },
    crmSaveView: { tenantId: 'acme', view: { module: 'patients', name: 'Mine', visibility: 'personal' } },
    crmDeleteView: { tenantId: 'acme', viewId: 'no-such-view' },
    crmSetDefaultView: { tenantId: 'acme', viewId: 'no-such-view', roles: ['member'] },
    crmCountGroups: { tenantId: 'acme', module: 'patients', field: 'status' },
    crmListCalendar: { tenantId: 'acme', module: 'appointments', field: 'appointment_date', from: '2026-11-01', to: '2026-11-30' },
    crmStartImportUpload: { tenantId: 'acme', module: 'patients', fileName: 'patients.csv', size: 10 },
    crmPreviewImport: { tenantId: 'acme', uploadId: 'no-such-upload' },
    crmStartImport: { tenantId: 'acme', uploadId: 'no-such-upload', options: { mapping: [{ column: 0, field: 'full_name' }], mode: 'create' } },
    crmRevertImport: { tenantId: 'acme', jobId: 'no-such-job' },
    crmGetImportErrorFile: { tenantId: 'acme', jobId: 'no-such-job' },
    crmSaveValidationRules: { tenantId: 'acme', module: 'no_such_module', rules: [] },
    crmRecomputeFormulas: { tenantId: 'acme', module: 'no_such_module' },
    crmGetDuplicateRules: { tenantId: 'acme', module: 'patients' },
    crmSaveDuplicateRules: { tenantId: 'acme', module: 'patients', rules: [] },
    crmFindDuplicates: { tenantId: 'acme', module: 'patients', data: { email: 'a@example.com' } },
    crmRecomputeRollups: { tenantId: 'acme', module: 'patients', field: 'no_such_field' },
    crmMergeRecords: { tenantId: 'acme', module: 'patients', winnerId: patientId, recordIds: [patientId, 'no-such-record'] },
    // An unknown module: the call gets past the role check and starts no job (exports.test.ts covers the rest).
    crmStartExport: { tenantId: 'acme', module: 'no_such_module', format: 'raw', fileType: 'csv' },
    crmGetExportDownload: { tenantId: 'acme', jobId: 'no-such-job' },
    crmStartBulkAction: { tenantId: 'acme', module: 'no_such_module', selection: { ids: [{ id: 'no-such-record', version: 1 }] }, action: 'edit_field', field: 'full_name', value: 'Bulk' },
    crmListManualWorkflows: { tenantId: 'acme', module: 'patients' },
    crmRunWorkflow: { tenantId: 'acme', workflowId: 'no-such-workflow', recordId: patientId },
  };
  return requests[name];
}

/** The error code a call ends with, or 'ok'. */
async function outcome(user: TestUser, name: CallableName): Promise<string> {
  try {
    await env.call(user, name, requestFor(name));
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const rows = Object.entries(ROLE_TABLE) as Array<[CallableName, RoleRow]>;

describe('callable role table', () => {
  it('has exactly one row per callable', () => {
    expect(Object.keys(ROLE_TABLE).sort()).toEqual([...CALLABLE_NAMES].sort());
  });

  it.each(rows)('%s: the SPA assumes the role the server checks', (name, row) => {
    expect(row.spa).toBe(row.server);
  });

  it.each(rows)('%s: a tenant member gets in exactly when the server role says so', async (name, row) => {
    const code = await outcome(env.users.acmeMember, name);
    if (row.server === 'admin' || row.server === 'platform') expect({ name, code }).toEqual({ name, code: 'permission-denied' });
    else expect({ name, code }).not.toEqual({ name, code: 'permission-denied' });
  });

  it.each(rows)('%s: a tenant admin gets in unless it is platform tooling', async (name, row) => {
    const code = await outcome(env.users.acmeAdmin, name);
    if (row.server === 'platform') expect({ name, code }).toEqual({ name, code: 'permission-denied' });
    else expect({ name, code }).not.toEqual({ name, code: 'permission-denied' });
  });

  it.each(rows.filter(([, row]) => row.server === 'platform'))('%s: platform staff get in', async (name) => {
    const code = await outcome(STAFF, name);
    expect({ name, code }).not.toEqual({ name, code: 'permission-denied' });
  });

  it('a member sees runs only by record, never by workflow or the whole log', async () => {
    for (const data of [{ tenantId: 'acme' }, { tenantId: 'acme', workflowId }]) {
      expect((await env.callError(env.users.acmeMember, 'crmListWorkflowRuns', data)).code).toBe('permission-denied');
    }
  });
});

describe('the audit log is append-only', () => {
  it('no callable, called by an owner or a super admin, alters or deletes an existing entry', async () => {
    await env.call(env.users.acmeAdmin, 'crmUpdateTenantSettings', { tenantId: 'acme', timezone: 'Europe/Madrid' });
    const snapshot = async () =>
      new Map((await env.store.query({ collection: 'crm_tenants/acme/audit' })).map((doc) => [doc.id, JSON.stringify(doc.data)]));
    const before = await snapshot();
    expect(before.size).toBeGreaterThan(1);
    for (const name of CALLABLE_NAMES) {
      for (const user of [env.users.acmeOwner, SUPER_ADMIN]) {
        try {
          await env.call(user, name, requestFor(name));
        } catch {
          // Refusals are fine here: what matters is that no entry changed.
        }
      }
    }
    const after = await snapshot();
    for (const [id, data] of before) expect({ id, data: after.get(id) }).toEqual({ id, data });
  });
});
