import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { buildAppointment, buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import { CALLABLE_NAMES, PREVIEW_CALLABLES, PREVIEW_KEY, type CallableName } from './crm-api.js';
import { onRecordWritten } from '../services/records/on-record-written.js';
import { configureTemplateLifecycle } from '../services/template-lifecycle/template-lifecycle.js';
import { ManualMigrationDriver } from '../services/template-lifecycle/migration-driver.js';
import { runMigrationToCompletion } from '../services/template-lifecycle/migration-runner.js';
import type { TAccessSettingsResponse } from './access-schemas.js';
import type { TBootstrapResponse, TListRecordsResponse, TRecordResponse } from './schemas.js';
import type { TWorkflowResponse } from './workflow-schemas.js';

/**
 * Field-level security on every path. One row per callable, typed by
 * `CallableName`, so a callable added without a row fails typecheck (and the
 * first test). Each row says how FLS applies to it:
 *
 *   redacts          returns record data: hidden fields are removed
 *   refuses-write    writes record data: a hidden or read-only field is refused, naming it
 *   refuses-query    filters/sorts/searches records: a hidden field cannot be queried, nor its values found
 *   hides-widgets    dashboards: a widget over a hidden field comes back hidden
 *   masks-dry-run    workflow dry runs: hidden values are masked, conditions on them refused
 *   n/a: ...         no record field values (configuration, templates, jobs), with why
 *
 * Every row is also called as a member with a hidden and a read-only field,
 * and the answer must not contain the hidden value anywhere.
 */
type FlsBehaviour = 'redacts' | 'refuses-write' | 'refuses-query' | 'hides-widgets' | 'masks-dry-run' | `n/a: ${string}`;

interface PathRow {
  readonly fls: readonly FlsBehaviour[];
  /** A request the member may make (it may still fail, never with the hidden value in the answer). */
  readonly request: () => Record<string, unknown>;
}

const HIDDEN_TEXT = 'Zyxcorp Mutual';
const HIDDEN_NUMBER = 'INS-99887766';

let env: TestEnv;
let patientId: string;
let memberPatientId: string;
let doctorId: string;
let workflowId: string;
let dashboardId: string;

const PATHS: Record<CallableName, PathRow> = {
  crmListMyTenants: { fls: ['n/a: tenant names only'], request: () => ({}) },
  crmBootstrap: { fls: ['n/a: configuration; says which fields the caller may read or edit'], request: () => ({ tenantId: 'acme' }) },
  crmListTemplates: { fls: ['n/a: templates, no tenant data'], request: () => ({ tenantId: 'acme' }) },
  crmSelectTemplate: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', templateSlug: 'blank' }) },
  crmUpdateTenantSettings: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', timezone: 'Europe/Paris' }) },
  crmAddField: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients', field: { key: 'nickname', label: 'Nickname', type: 'text' } }) },
  crmUpdateField: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients', key: 'full_name', changes: { label: 'Name' } }) },
  crmReorderFields: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients', keys: ['full_name'] }) },
  crmDeactivateField: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients', key: 'insurance_provider' }) },
  crmCreateModule: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: { slug: 'vehicles', label: 'Vehicles' }, fields: [{ key: 'make', label: 'Make', type: 'text' }] }) },
  crmCreateRecord: { fls: ['refuses-write', 'redacts'], request: () => ({ tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-PATH' }) }) },
  crmGetRecord: { fls: ['redacts'], request: () => ({ tenantId: 'acme', recordId: patientId }) },
  crmUpdateRecord: { fls: ['refuses-write', 'redacts'], request: () => ({ tenantId: 'acme', recordId: memberPatientId, expectedVersion: 1, data: { full_name: 'Renamed' } }) },
  crmDeleteRecord: { fls: ['redacts'], request: () => ({ tenantId: 'acme', recordId: patientId }) },
  crmRestoreRecord: { fls: ['redacts'], request: () => ({ tenantId: 'acme', recordId: patientId }) },
  crmListRecords: { fls: ['redacts', 'refuses-query'], request: () => ({ tenantId: 'acme', module: 'patients' }) },
  crmListRecordHistory: { fls: ['redacts'], request: () => ({ tenantId: 'acme', recordId: patientId }) },
  crmListDashboards: { fls: ['n/a: dashboard definitions, no figures'], request: () => ({ tenantId: 'acme' }) },
  crmGetDashboardData: { fls: ['hides-widgets', 'redacts'], request: () => ({ tenantId: 'acme', dashboardId }) },
  crmSaveDashboard: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', dashboard: { name: 'Mine', widgets: [] } }) },
  crmDeleteDashboard: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', dashboardId: 'no-such-dashboard' }) },
  crmListWorkflows: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme' }) },
  crmSaveWorkflow: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients', definition: { name: 'W', trigger_type: 'record_created', actions: [] } }) },
  crmSetWorkflowActive: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', workflowId, active: true }) },
  crmReorderWorkflows: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients', workflowIds: [workflowId] }) },
  crmDeleteWorkflow: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', workflowId: 'no-such-workflow' }) },
  crmListWorkflowRuns: { fls: ['n/a: members get run status and messages without record values (see the row test)'], request: () => ({ tenantId: 'acme', recordId: patientId }) },
  crmTestWorkflow: { fls: ['masks-dry-run'], request: () => ({ tenantId: 'acme', recordId: patientId, workflowId }) },
  crmListOutbox: { fls: ['n/a: admin-only mail log'], request: () => ({ tenantId: 'acme' }) },
  crmListTasks: { fls: ['n/a: task titles are written by workflows (automation, see the report)'], request: () => ({ tenantId: 'acme' }) },
  crmSetTaskStatus: { fls: ['n/a: task status only'], request: () => ({ tenantId: 'acme', taskId: 'no-such-task', status: 'done' }) },
  crmRevealWebhookSecret: { fls: ['n/a: admin-only secret'], request: () => ({ tenantId: 'acme' }) },
  crmConsoleListTemplates: { fls: ['n/a: platform templates'], request: () => ({}) },
  crmConsoleGetTemplate: { fls: ['n/a: platform templates'], request: () => ({ slug: 'hospital' }) },
  crmConsoleSaveDraft: { fls: ['n/a: platform templates'], request: () => ({ draftId: 'no-such-draft', template: { name: 'Draft' } }) },
  crmConsoleCloneTemplate: { fls: ['n/a: platform templates'], request: () => ({ slug: 'no-such-template', newSlug: 'clinic-two' }) },
  crmConsolePublishDraft: { fls: ['n/a: platform templates'], request: () => ({ draftId: 'no-such-draft', changeNote: 'First' }) },
  crmConsoleSetTemplateActive: { fls: ['n/a: platform templates'], request: () => ({ slug: 'no-such-template', active: true }) },
  crmConsoleDeleteTemplate: { fls: ['n/a: platform templates'], request: () => ({ draftId: 'no-such-draft' }) },
  crmConsoleMigrationStatus: { fls: ['n/a: platform migration counters'], request: () => ({}) },
  crmUpgradeStatus: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme' }) },
  crmPreviewUpgrade: { fls: ['n/a: config-only (record counts per module, no values)'], request: () => ({ tenantId: 'acme' }) },
  crmApplyUpgrade: { fls: ['n/a: config-only; migrations run as the system'], request: () => ({ tenantId: 'acme', targetVersion: '0.0.1' }) },
  crmMigrationProgress: { fls: ['n/a: job counters'], request: () => ({ tenantId: 'acme' }) },
  crmGetJob: { fls: ['n/a: job status and counters (a job kind that returns record data must redact in its handler)'], request: () => ({ tenantId: 'acme', jobId: 'no-such-job' }) },
  crmListJobs: { fls: ['n/a: job status and counters'], request: () => ({ tenantId: 'acme' }) },
  crmCancelJob: { fls: ['n/a: job status'], request: () => ({ tenantId: 'acme', jobId: 'no-such-job' }) },
  crmListAuditLog: { fls: ['n/a: configuration changes, admins only'], request: () => ({ tenantId: 'acme' }) },
  crmExportAuditLog: { fls: ['n/a: configuration changes, admins only'], request: () => ({ tenantId: 'acme' }) },
  crmGetAccessSettings: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme' }) },
  crmSaveAccessSettings: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', matrix: {}, fieldPermissions: {}, expectedRevision: -1 }) },
  // Timeline, notes, attachments, record tasks (issue 14).
  crmListTimeline: { fls: ['redacts'], request: () => ({ tenantId: 'acme', recordId: patientId }) },
  crmAddNote: { fls: ['n/a: note text is the author\'s own, not field values'], request: () => ({ tenantId: 'acme', recordId: patientId, html: '<p>Hi</p>' }) },
  crmUpdateNote: { fls: ['n/a: note text is the author\'s own'], request: () => ({ tenantId: 'acme', recordId: patientId, noteId: 'no-such-note', html: '<p>Hi</p>' }) },
  crmDeleteNote: { fls: ['n/a: note text is the author\'s own'], request: () => ({ tenantId: 'acme', recordId: patientId, noteId: 'no-such-note' }) },
  crmListTenantMembers: { fls: ['n/a: member names, no record data'], request: () => ({ tenantId: 'acme' }) },
  crmRequestAttachmentUpload: { fls: ['n/a: files on the record, not field values'], request: () => ({ tenantId: 'acme', recordId: patientId, fileName: 'a.pdf', contentType: 'application/pdf', size: 10 }) },
  crmConfirmAttachment: { fls: ['n/a: files on the record, not field values'], request: () => ({ tenantId: 'acme', recordId: patientId, attachmentId: 'no-such-attachment' }) },
  crmGetAttachmentDownload: { fls: ['n/a: files on the record, not field values'], request: () => ({ tenantId: 'acme', recordId: patientId, attachmentId: 'no-such-attachment' }) },
  crmDeleteAttachment: { fls: ['n/a: files on the record, not field values'], request: () => ({ tenantId: 'acme', recordId: patientId, attachmentId: 'no-such-attachment' }) },
  crmCreateTask: { fls: ['n/a: task title is the caller\'s; the record is named by its number and display value, as in lists'], request: () => ({ tenantId: 'acme', recordId: patientId, title: 'Call', assigneeId: 'acme-member', dueDate: '2026-03-01' }) },
  crmCreateApiKey: { fls: ['n/a: key metadata, admins only; a key acts with its role, so the REST API applies FLS (api/rest/rest-api.test.ts)'], request: () => ({ tenantId: 'acme', key: { name: 'k', role: 'member', expiresInDays: 30 } }) },
  crmListApiKeys: { fls: ['n/a: key metadata, admins only'], request: () => ({ tenantId: 'acme' }) },
  crmRevokeApiKey: { fls: ['n/a: key metadata, admins only'], request: () => ({ tenantId: 'acme', keyId: 'no-such-key' }) },
  crmCreateWebhookSubscription: { fls: ['n/a: config-only; payloads are read as the subscription\'s role (webhook-subscriptions.test.ts)'], request: () => ({ tenantId: 'acme', subscription: { url: 'https://hooks.example.com/x', modules: ['patients'], events: ['created'] } }) },
  crmUpdateWebhookSubscription: {
    fls: ['n/a: config-only'],
    request: () => ({ tenantId: 'acme', subscriptionId: 'no-such-subscription', subscription: { url: 'https://hooks.example.com/x', modules: ['patients'], events: ['created'], active: true } }),
  },
  crmListWebhookSubscriptions: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme' }) },
  crmDeleteWebhookSubscription: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', subscriptionId: 'no-such-subscription' }) },
  crmListWebhookDeliveries: { fls: ["n/a: admins only; each payload was read as the subscription's role when queued"], request: () => ({ tenantId: 'acme', subscriptionId: 'no-such-subscription' }) },
  crmRedeliverWebhook: { fls: ['n/a: admins only; resends the stored payload'], request: () => ({ tenantId: 'acme', deliveryId: 'no-such-delivery' }) },
  // Global search, saved views, group counts, calendar (issue 14).
  crmSearchRecords: { fls: ['refuses-query', 'redacts'], request: () => ({ tenantId: 'acme', text: HIDDEN_TEXT }) },
  crmListViews: { fls: ['n/a: views drop columns, filters and sorts on fields the caller may not read'], request: () => ({ tenantId: 'acme' }) },
  crmSaveView: { fls: ['n/a: view definitions (sanitised to readable fields)'], request: () => ({ tenantId: 'acme', view: { module: 'patients', name: 'Mine', visibility: 'personal' } }) },
  crmDeleteView: { fls: ['n/a: view definitions'], request: () => ({ tenantId: 'acme', viewId: 'no-such-view' }) },
  crmSetDefaultView: { fls: ['n/a: view definitions'], request: () => ({ tenantId: 'acme', viewId: 'no-such-view', roles: ['member'] }) },
  crmCountGroups: { fls: ['refuses-query'], request: () => ({ tenantId: 'acme', module: 'patients', field: 'blood_group' }) },
  crmListCalendar: { fls: ['redacts', 'refuses-query'], request: () => ({ tenantId: 'acme', module: 'appointments', field: 'appointment_date', from: '2026-11-01', to: '2026-11-30' }) },
  // Import (issue 13): the mapping may not write a hidden or read-only field, nor match on a hidden one (checked at preview and start).
  crmStartImportUpload: { fls: ['n/a: an upload slot, no record data'], request: () => ({ tenantId: 'acme', module: 'patients', fileName: 'patients.csv', size: 10 }) },
  crmPreviewImport: { fls: ['refuses-write'], request: () => ({ tenantId: 'acme', uploadId: 'no-such-upload' }) },
  crmStartImport: { fls: ['refuses-write'], request: () => ({ tenantId: 'acme', uploadId: 'no-such-upload', options: { mapping: [{ column: 0, field: 'insurance_provider' }], mode: 'create' } }) },
  crmRevertImport: { fls: ['n/a: restores what the import itself wrote'], request: () => ({ tenantId: 'acme', jobId: 'no-such-job' }) },
  crmGetImportErrorFile: { fls: ['n/a: the importer\'s own cells'], request: () => ({ tenantId: 'acme', jobId: 'no-such-job' }) },
  // Formulas and validation rules (issue 15): a formula over a field hidden from a role is hidden from it too.
  crmSaveValidationRules: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'no_such_module', rules: [] }) },
  crmRecomputeFormulas: { fls: ['n/a: starts a recompute job; job counters only'], request: () => ({ tenantId: 'acme', module: 'no_such_module' }) },
  // Roll-ups, duplicates and merge (issue 15): a roll-up over a hidden field is hidden; duplicate rules over hidden
  // fields do not answer the caller; a merge may not change a field the caller may not edit.
  crmRecomputeRollups: { fls: ['redacts'], request: () => ({ tenantId: 'acme', module: 'patients', field: 'no_such_field' }) },
  crmGetDuplicateRules: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients' }) },
  crmSaveDuplicateRules: { fls: ['n/a: config-only'], request: () => ({ tenantId: 'acme', module: 'patients', rules: [] }) },
  crmFindDuplicates: { fls: ['refuses-query', 'redacts'], request: () => ({ tenantId: 'acme', module: 'patients', data: { insurance_provider: HIDDEN_TEXT } }) },
  crmMergeRecords: { fls: ['refuses-write'], request: () => ({ tenantId: 'acme', module: 'patients', winnerId: memberPatientId, recordIds: [memberPatientId, patientId], fields: { insurance_provider: patientId } }) },
  // Export and bulk actions (issue 13): export goes through listRecords (redacted, hidden fields not queryable);
  // bulk edits go through the records service (a hidden or read-only field is refused per record).
  crmStartExport: { fls: ['redacts', 'refuses-query'], request: () => ({ tenantId: 'acme', module: 'no_such_module', format: 'raw', fileType: 'csv' }) },
  crmGetExportDownload: { fls: ['n/a: a link to the caller\'s own, already redacted export'], request: () => ({ tenantId: 'acme', jobId: 'no-such-job' }) },
  crmStartBulkAction: { fls: ['refuses-write'], request: () => ({ tenantId: 'acme', module: 'no_such_module', selection: { ids: [{ id: 'no-such-record', version: 1 }] }, action: 'edit_field', field: 'full_name', value: 'Bulk' }) },
  // Manual runs answer ran / skipped / failed, never values; a workflow whose conditions read a hidden field is neither listed nor runnable (manual-runs.test.ts).
  crmListManualWorkflows: { fls: ['n/a: workflow names only; those with conditions on a hidden field are left out'], request: () => ({ tenantId: 'acme', module: 'patients' }) },
  crmRunWorkflow: { fls: ['n/a: outcome only; refused when the conditions read a hidden field (the verdict would reveal it)'], request: () => ({ tenantId: 'acme', workflowId, recordId: memberPatientId }) },
};

const driver = new ManualMigrationDriver();

beforeAll(async () => {
  env = await buildTestEnv();
  configureTemplateLifecycle(env.services, { driver });
  // History is written by the record-change handler, as the embedded runtime runs it.
  env.store.onChange('records', async (change) => {
    await onRecordWritten(env.services, change);
  });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  doctorId = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor({ full_name: 'Dr. Secretname' }) })).record.id;
  patientId = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
    tenantId: 'acme',
    module: 'patients',
    data: buildPatient({ insurance_provider: HIDDEN_TEXT, insurance_number: HIDDEN_NUMBER, blood_group: 'AB-', primary_doctor: doctorId, emergency_contact: 'Bob Ready' }),
  })).record.id;
  await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: patientId, expectedVersion: 1, data: { insurance_provider: `${HIDDEN_TEXT} Two` } });
  await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: patientId, expectedVersion: 2, data: { insurance_provider: HIDDEN_TEXT } });
  const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
  await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
    tenantId: 'acme',
    matrix: settings.matrix,
    fieldPermissions: {
      member: {
        patients: { insurance_provider: 'none', insurance_number: 'none', blood_group: 'none', emergency_contact: 'read' },
        doctors: { full_name: 'none' },
      },
      admin: { patients: { insurance_number: 'none' } },
    },
    expectedRevision: settings.revision,
  });
  // Hiding fields re-indexes the module's records (search tokens); wait for it, and for the history writer.
  expect(driver.started).toHaveLength(1);
  for (const job of driver.started) {
    // A clock past the settle window (instances still holding the old configuration), so the test need not wait.
    await runMigrationToCompletion({ store: env.store, now: () => new Date(Date.now() + 10 * 60_000) }, job);
  }
  await env.store.whenIdle();
  memberPatientId = (await env.call<TRecordResponse>(env.users.acmeMember, 'crmCreateRecord', {
    tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-MEMBER', full_name: 'Member Made' }),
  })).record.id;
  workflowId = (await env.call<TWorkflowResponse>(env.users.acmeOwner, 'crmSaveWorkflow', {
    tenantId: 'acme',
    module: 'patients',
    definition: { name: 'Mail', trigger_type: 'record_created', is_active: false, actions: [{ type: 'send_email', to: 'ops@example.com', subject: 'Insurer {{data.insurance_number}}', body: 'Patient {{data.full_name}} has {{data.insurance_number}}' }] },
  })).workflow.id;
  dashboardId = (await env.call<{ dashboard: { id: string } }>(env.users.acmeOwner, 'crmSaveDashboard', {
    tenantId: 'acme',
    dashboard: {
      name: 'Blood',
      widgets: [
        { id: 'ab', type: 'metric_card', title: 'AB-', position: { x: 0, y: 0, w: 3, h: 2 }, config: { module: 'patients', aggregation: 'count', filter: { blood_group: 'AB-' } } },
        { id: 'by-group', type: 'chart', title: 'By group', position: { x: 3, y: 0, w: 3, h: 2 }, config: { module: 'patients', chart_type: 'bar', x_axis: 'blood_group', y_axis: 'count' } },
        { id: 'all', type: 'metric_card', title: 'All', position: { x: 6, y: 0, w: 3, h: 2 }, config: { module: 'patients', aggregation: 'count' } },
        { id: 'recent', type: 'recent_records', title: 'Recent', position: { x: 0, y: 2, w: 6, h: 4 }, config: { module: 'patients', fields: ['full_name', 'insurance_provider', 'primary_doctor'] } },
      ],
    },
  })).dashboard.id;
});

const rows = Object.entries(PATHS) as Array<[CallableName, PathRow]>;

async function versionOf(recordId: string): Promise<number> {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId })).record.version;
}

async function answer(user: TestUser, name: CallableName, data: Record<string, unknown>): Promise<string> {
  try {
    return JSON.stringify(await env.call(user, name, data));
  } catch (error) {
    const { code, message, details } = error as { code: string; message: string; details?: unknown };
    return JSON.stringify({ code, message, details });
  }
}

describe('field-level security path table', () => {
  it('has exactly one row per callable', () => {
    expect(Object.keys(PATHS).sort()).toEqual([...CALLABLE_NAMES].sort());
  });

  it.each(rows)('%s: a member with hidden fields gets nothing of them', async (name, row) => {
    const text = await answer(env.users.acmeMember, name, row.request());
    expect(text).not.toContain(HIDDEN_TEXT);
    expect(text).not.toContain(HIDDEN_NUMBER);
    expect(text).not.toContain('Secretname');
  });

  it.each(rows)('%s: a preview as member is allowed exactly for read paths', async (name, row) => {
    const text = await answer(env.users.acmeAdmin, name, { ...row.request(), [PREVIEW_KEY]: 'member' });
    const refused = text.includes('access.errors.preview');
    expect({ name, refused }).toEqual({ name, refused: !PREVIEW_CALLABLES.has(name) });
    expect(text).not.toContain(HIDDEN_TEXT);
  });
});

describe('redacts', () => {
  it('get and list return no hidden field, keep read-only ones, and drop a hidden related display value', async () => {
    const { record } = await env.call<TRecordResponse>(env.users.acmeMember, 'crmGetRecord', { tenantId: 'acme', recordId: patientId });
    expect(record.data).not.toHaveProperty('insurance_provider');
    expect(record.data).not.toHaveProperty('blood_group');
    expect(record.data.emergency_contact).toBe('Bob Ready');
    expect(record.related.primary_doctor).toEqual({ id: doctorId, display: null });
    const owner = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: patientId });
    expect(owner.record.data.insurance_provider).toBe(HIDDEN_TEXT);
    expect(owner.record.related.primary_doctor?.display).toBe('Dr. Secretname');
    const admin = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmGetRecord', { tenantId: 'acme', recordId: patientId });
    expect(admin.record.data).toMatchObject({ insurance_provider: HIDDEN_TEXT });
    expect(admin.record.data).not.toHaveProperty('insurance_number');

    const list = await env.call<TListRecordsResponse>(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'patients' });
    expect(list.records.length).toBeGreaterThanOrEqual(2);
    for (const row of list.records) expect(row.data).not.toHaveProperty('insurance_provider');
  });

  it('history drops hidden fields\' before and after', async () => {
    await env.store.whenIdle();
    const history = await env.call<{ entries: Array<{ changes: Array<{ field: string }> }> }>(env.users.acmeMember, 'crmListRecordHistory', { tenantId: 'acme', recordId: patientId });
    const fields = history.entries.flatMap((entry) => entry.changes.map((change) => change.field));
    expect(fields).not.toContain('insurance_provider');
    const owner = await env.call<{ entries: Array<{ changes: Array<{ field: string }> }> }>(env.users.acmeOwner, 'crmListRecordHistory', { tenantId: 'acme', recordId: patientId });
    expect(owner.entries.flatMap((entry) => entry.changes.map((change) => change.field))).toContain('insurance_provider');
  });
});

describe('refuses-query', () => {
  it('a hidden field cannot be filtered or sorted on', async () => {
    const filtered = await env.callError(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'patients', filters: [{ field: 'blood_group', op: 'eq', value: 'AB-' }] });
    expect(filtered.code).toBe('permission-denied');
    expect(filtered.details).toMatchObject({ messageKey: 'access.errors.fieldNotQueryable', params: { field: 'blood_group' } });
    const contains = await env.callError(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'patients', filters: [{ field: 'insurance_provider', op: 'contains', value: 'zyx' }] });
    expect(contains.code).toBe('permission-denied');
    // The owner may.
    const owner = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'patients', filters: [{ field: 'blood_group', op: 'eq', value: 'AB-' }] });
    expect(owner.records.map((record) => record.id)).toEqual([patientId]);
  });

  it('a search for a hidden field\'s exact value finds nothing, and reads nothing', async () => {
    for (const search of [HIDDEN_TEXT, 'zyxcorp', 'Zyx']) {
      const member = await env.call<TListRecordsResponse>(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'patients', search, sort: 'number', direction: 'desc' });
      expect({ search, ids: member.records.map((record) => record.id) }).toEqual({ search, ids: [] });
      // Role-scoped search tokens: the member's query matches no document at all, so not even the plan tells.
      expect(member.plan.scannedThisCall).toBe(0);
    }
    const owner = await env.call<TListRecordsResponse>(env.users.acmeOwner, 'crmListRecords', { tenantId: 'acme', module: 'patients', search: 'zyxcorp', sort: 'number', direction: 'desc' });
    expect(owner.records.map((record) => record.id)).toEqual([patientId]);
    // A visible field still finds it for the member.
    const visible = await env.call<TListRecordsResponse>(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'patients', search: 'lovelace', sort: 'number', direction: 'desc' });
    expect(visible.records.map((record) => record.id)).toContain(patientId);
  });

  it('a search in another order (scanned on the records) matches only readable fields', async () => {
    const member = await env.call<TListRecordsResponse>(env.users.acmeMember, 'crmListRecords', { tenantId: 'acme', module: 'patients', search: 'zyxcorp', sort: 'created_at' });
    expect(member.records).toEqual([]);
  });
});

describe('refuses-write', () => {
  it('a hidden field in a create or update is refused, naming it; nothing is written', async () => {
    const version = await versionOf(memberPatientId);
    const created = await env.callError(env.users.acmeMember, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-X', insurance_provider: 'Mine' }) });
    expect(created.code).toBe('permission-denied');
    expect(created.details).toMatchObject({ messageKey: 'access.errors.fieldHidden', field: 'data.insurance_provider' });
    const updated = await env.callError(env.users.acmeMember, 'crmUpdateRecord', { tenantId: 'acme', recordId: memberPatientId, expectedVersion: version, data: { blood_group: 'O+' } });
    expect(updated.code).toBe('permission-denied');
    expect(updated.details).toMatchObject({ messageKey: 'access.errors.fieldHidden', field: 'data.blood_group' });
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: memberPatientId });
    expect(record.version).toBe(version);
  });

  it('a read-only field may be sent unchanged, never changed', async () => {
    const version = await versionOf(memberPatientId);
    const changed = await env.callError(env.users.acmeMember, 'crmUpdateRecord', { tenantId: 'acme', recordId: memberPatientId, expectedVersion: version, data: { emergency_contact: 'Someone' } });
    expect(changed.code).toBe('permission-denied');
    expect(changed.details).toMatchObject({ messageKey: 'access.errors.fieldReadOnly', field: 'data.emergency_contact' });
    const created = await env.callError(env.users.acmeMember, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-RO', emergency_contact: 'Someone' }) });
    expect(created.details).toMatchObject({ messageKey: 'access.errors.fieldReadOnly', field: 'data.emergency_contact' });
    // Forms send what they show: an unchanged (here: empty) read-only value is no change.
    const same = await env.call<TRecordResponse>(env.users.acmeMember, 'crmUpdateRecord', { tenantId: 'acme', recordId: memberPatientId, expectedVersion: version, data: { emergency_contact: null, full_name: 'Member Renamed' } });
    expect(same.record.data.full_name).toBe('Member Renamed');
  });
});

describe('hides-widgets', () => {
  it('a widget filtered or grouped on a hidden field comes back hidden; recent records lose the hidden column', async () => {
    type Data = { widgets: Array<{ id: string; status: string; records?: Array<{ values: Record<string, unknown> }> }> };
    const member = await env.call<Data>(env.users.acmeMember, 'crmGetDashboardData', { tenantId: 'acme', dashboardId });
    const status = Object.fromEntries(member.widgets.map((widget) => [widget.id, widget.status]));
    expect(status).toEqual({ ab: 'hidden', 'by-group': 'hidden', all: 'ok', recent: 'ok' });
    const recent = member.widgets.find((widget) => widget.id === 'recent')!;
    for (const row of recent.records ?? []) expect(row.values).not.toHaveProperty('insurance_provider');
    const owner = await env.call<Data>(env.users.acmeOwner, 'crmGetDashboardData', { tenantId: 'acme', dashboardId });
    expect(owner.widgets.map((widget) => widget.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });
});

describe('hides-widgets through a relationship path', () => {
  it('a widget filtered through a relationship on a hidden related field comes back hidden', async () => {
    type Data = { widgets: Array<{ id: string; status: string; value?: number }> };
    const { dashboard } = await env.call<{ dashboard: { id: string } }>(env.users.acmeOwner, 'crmSaveDashboard', {
      tenantId: 'acme',
      dashboard: {
        name: 'By doctor name',
        widgets: [{ id: 'dr', type: 'metric_card', title: 'Dr', position: { x: 0, y: 0, w: 3, h: 2 }, config: { module: 'patients', aggregation: 'count', filter: { 'primary_doctor.full_name': 'Dr. Secretname' } } }],
      },
    });
    const member = await env.call<Data>(env.users.acmeMember, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: dashboard.id });
    expect(member.widgets.map((widget) => widget.status)).toEqual(['hidden']);
    const owner = await env.call<Data>(env.users.acmeOwner, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: dashboard.id });
    expect(owner.widgets.map((widget) => [widget.status, widget.value])).toEqual([['ok', 1]]);
  });
});

describe('masks-dry-run', () => {
  it('hidden values interpolated into a dry run are masked; a condition on a hidden field is refused', async () => {
    const run = await answer(env.users.acmeAdmin, 'crmTestWorkflow', { tenantId: 'acme', recordId: patientId, workflowId });
    expect(run).not.toContain(HIDDEN_NUMBER);
    expect(run).toContain('•••');
    const owner = await answer(env.users.acmeOwner, 'crmTestWorkflow', { tenantId: 'acme', recordId: patientId, workflowId });
    expect(owner).toContain(HIDDEN_NUMBER);
    const refused = await env.callError(env.users.acmeAdmin, 'crmTestWorkflow', {
      tenantId: 'acme', recordId: patientId,
      definition: { name: 'Probe', trigger_type: 'record_created', trigger_conditions: { field: 'insurance_number', operator: 'equals', value: HIDDEN_NUMBER }, actions: [{ type: 'send_email', to: 'ops@example.com', subject: 's', body: 'b' }] },
    });
    expect(refused.code).toBe('permission-denied');
    expect(refused.message).toContain('insurance_number');
  });
});

describe('masks-dry-run through relationship paths', () => {
  it('a hidden field reached through a path is masked in a dry run, and a condition on it is refused', async () => {
    const appointment = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'appointments', data: buildAppointment({ patient: patientId, doctor: doctorId }),
    })).record;
    const draft = (conditions?: Record<string, unknown>) => ({
      tenantId: 'acme', recordId: appointment.id, module: 'appointments',
      definition: {
        name: 'Probe', trigger_type: 'record_created', ...(conditions ? { trigger_conditions: conditions } : {}),
        actions: [{ type: 'send_email', to: '{{data.patient.primary_doctor.email}}', subject: 'Cover {{data.patient.insurance_number}}', body: '{{data.patient.full_name}}' }],
      },
    });
    const run = await answer(env.users.acmeAdmin, 'crmTestWorkflow', draft());
    expect(run).not.toContain(HIDDEN_NUMBER);
    expect(run).toContain('•••');
    expect(run).toContain('grace.hopper@clinic.example');
    expect(await answer(env.users.acmeOwner, 'crmTestWorkflow', draft())).toContain(HIDDEN_NUMBER);
    const refused = await env.callError(env.users.acmeAdmin, 'crmTestWorkflow', draft({ field: 'patient.insurance_number', operator: 'equals', value: HIDDEN_NUMBER }));
    expect(refused.code).toBe('permission-denied');
    expect(refused.message).toContain('patient.insurance_number');
  });
});

describe('the permission editor', () => {
  it('changes apply on the next call of another instance, without waiting for its config cache', async () => {
    const { createServices } = await import('../services/create-services.js');
    const { invokeCallable } = await import('./crm-api.js');
    const other = createServices({ store: env.store, configCacheMs: 60 * 60_000 });
    const get = async () => ((await invokeCallable(other, 'crmGetRecord', { data: { tenantId: 'acme', recordId: patientId }, auth: env.users.acmeMember.claims })) as TRecordResponse).record;
    expect((await get()).data.email).toBe('ada@example.com');
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    const member = settings.fieldPermissions.member!;
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', matrix: settings.matrix, expectedRevision: settings.revision,
      fieldPermissions: { ...settings.fieldPermissions, member: { ...member, patients: { ...member.patients, email: 'none' } } },
    });
    expect((await get()).data).not.toHaveProperty('email');
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', matrix: settings.matrix, expectedRevision: settings.revision + 1, fieldPermissions: settings.fieldPermissions,
    });
    expect((await get()).data.email).toBe('ada@example.com');
  });

  it('refuses a matrix that locks owners and admins out of a module, and a stale revision', async () => {
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    const lockout = await env.callError(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', fieldPermissions: settings.fieldPermissions, expectedRevision: settings.revision,
      matrix: { ...settings.matrix, owner: { ...settings.matrix.owner, patients: ['read'] } },
    });
    expect(lockout.code).toBe('invalid-argument');
    expect(JSON.stringify(lockout.details)).toContain('patients');
    const stale = await env.callError(env.users.acmeAdmin, 'crmSaveAccessSettings', { tenantId: 'acme', matrix: settings.matrix, fieldPermissions: settings.fieldPermissions, expectedRevision: settings.revision - 1 });
    expect(stale.code).toBe('aborted');
    const owner = await env.callError(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', matrix: settings.matrix, expectedRevision: settings.revision, fieldPermissions: { owner: { patients: { phone: 'none' } } },
    });
    expect(owner.code).toBe('invalid-argument');
  });

  it('a preview shows the workspace as the role sees it and refuses writes', async () => {
    const boot = await env.call<TBootstrapResponse>(env.users.acmeAdmin, 'crmBootstrap', { tenantId: 'acme', [PREVIEW_KEY]: 'member' });
    expect(boot.user.role).toBe('member');
    expect(boot.preview).toEqual({ role: 'member', realRole: 'admin' });
    expect(boot.canManageConfiguration).toBe(false);
    expect(boot.fieldLevels?.patients).toMatchObject({ insurance_provider: 'none', emergency_contact: 'read' });
    const { record } = await env.call<TRecordResponse>(env.users.acmeAdmin, 'crmGetRecord', { tenantId: 'acme', recordId: patientId, [PREVIEW_KEY]: 'member' });
    expect(record.data).not.toHaveProperty('insurance_provider');
    const write = await env.callError(env.users.acmeAdmin, 'crmUpdateRecord', { tenantId: 'acme', recordId: patientId, expectedVersion: 3, data: { full_name: 'X' }, [PREVIEW_KEY]: 'member' });
    expect(write.code).toBe('permission-denied');
    const memberPreview = await env.callError(env.users.acmeMember, 'crmBootstrap', { tenantId: 'acme', [PREVIEW_KEY]: 'admin' });
    expect(memberPreview.code).toBe('permission-denied');
  });
});
