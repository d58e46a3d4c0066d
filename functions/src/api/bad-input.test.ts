import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../test-support/build-test-env.js';
import { buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import { CALLABLE_NAMES, type CallableName } from './crm-api.js';
import type { TRecordResponse } from './schemas.js';

/**
 * Every callable, fed malformed input, answers invalid-argument with a message
 * that names the offending field, and writes nothing.
 */
let env: TestEnv;
let patientId: string;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  patientId = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
    tenantId: 'acme', module: 'patients', data: buildPatient(),
  })).record.id;
});

function validRequests(): Record<CallableName, Record<string, unknown>> {
  return {
    crmListMyTenants: {},
    crmBootstrap: { tenantId: 'acme' },
    crmListTemplates: { tenantId: 'acme' },
    crmSelectTemplate: { tenantId: 'acme', templateSlug: 'blank' },
    crmUpdateTenantSettings: { tenantId: 'acme', timezone: 'Europe/Paris' },
    crmListRecordHistory: { tenantId: 'acme', recordId: patientId },
    crmAddField: { tenantId: 'acme', module: 'patients', field: { key: 'nickname', label: 'Nickname', type: 'text' } },
    crmUpdateField: { tenantId: 'acme', module: 'patients', key: 'full_name', changes: { label: 'Name' } },
    crmReorderFields: { tenantId: 'acme', module: 'patients', keys: ['full_name'] },
    crmDeactivateField: { tenantId: 'acme', module: 'patients', key: 'email' },
    crmCreateModule: { tenantId: 'acme', module: { slug: 'vehicles', label: 'Vehicles' }, fields: [{ key: 'make', label: 'Make', type: 'text' }] },
    crmCreateRecord: { tenantId: 'acme', module: 'doctors', data: buildDoctor() },
    crmGetRecord: { tenantId: 'acme', recordId: patientId },
    crmUpdateRecord: { tenantId: 'acme', recordId: patientId, expectedVersion: 1, data: { full_name: 'New' } },
    crmDeleteRecord: { tenantId: 'acme', recordId: patientId },
    crmRestoreRecord: { tenantId: 'acme', recordId: patientId },
    crmListRecords: { tenantId: 'acme', module: 'patients' },
    crmListDashboards: { tenantId: 'acme' },
    crmGetDashboardData: { tenantId: 'acme', dashboardId: 'default' },
    crmSaveDashboard: { tenantId: 'acme', dashboard: { name: 'Mine', widgets: [] } },
    crmDeleteDashboard: { tenantId: 'acme', dashboardId: 'default' },
    crmListWorkflows: { tenantId: 'acme' },
    crmSaveWorkflow: { tenantId: 'acme', module: 'patients', definition: { name: 'W', trigger_type: 'record_created', actions: [] } },
    crmSetWorkflowActive: { tenantId: 'acme', workflowId: 'w1', active: true },
    crmReorderWorkflows: { tenantId: 'acme', module: 'patients', workflowIds: ['w1'] },
    crmDeleteWorkflow: { tenantId: 'acme', workflowId: 'w1' },
    crmListWorkflowRuns: { tenantId: 'acme' },
    crmTestWorkflow: { tenantId: 'acme', recordId: patientId, workflowId: 'w1' },
    crmListOutbox: { tenantId: 'acme' },
    crmListTasks: { tenantId: 'acme' },
    crmSetTaskStatus: { tenantId: 'acme', taskId: 't1', status: 'done' },
    crmRevealWebhookSecret: { tenantId: 'acme' },
    crmConsoleListTemplates: {},
    crmConsoleGetTemplate: { slug: 'hospital' },
    crmConsoleSaveDraft: { template: { name: 'Draft' } },
    crmConsoleCloneTemplate: { slug: 'hospital', newSlug: 'clinic-two' },
    crmConsolePublishDraft: { draftId: 'd1', changeNote: 'First' },
    crmConsoleSetTemplateActive: { slug: 'hospital', active: false },
    crmConsoleDeleteTemplate: { slug: 'clinic-two' },
    crmConsoleMigrationStatus: {},
    crmUpgradeStatus: { tenantId: 'acme' },
    crmPreviewUpgrade: { tenantId: 'acme' },
    crmApplyUpgrade: { tenantId: 'acme', targetVersion: '1.1.0' },
    crmMigrationProgress: { tenantId: 'acme' },
    crmGetJob: { tenantId: 'acme', jobId: 'no-such-job' },
    crmListJobs: { tenantId: 'acme' },
    crmCancelJob: { tenantId: 'acme', jobId: 'no-such-job' },
    crmCreateApiKey: { tenantId: 'acme', key: { name: 'Sync', role: 'member', expiresInDays: 30 } },
    crmListApiKeys: { tenantId: 'acme' },
    crmRevokeApiKey: { tenantId: 'acme', keyId: 'k1' },
    crmCreateWebhookSubscription: { tenantId: 'acme', subscription: { url: 'https://hooks.example.com/crm', modules: ['patients'], events: ['created'] } },
    crmUpdateWebhookSubscription: {
      tenantId: 'acme',
      subscriptionId: 's1',
      subscription: { url: 'https://hooks.example.com/crm', modules: ['patients'], events: ['created'], active: true },
    },
    crmListWebhookSubscriptions: { tenantId: 'acme' },
    crmDeleteWebhookSubscription: { tenantId: 'acme', subscriptionId: 's1' },
    crmListWebhookDeliveries: { tenantId: 'acme', subscriptionId: 's1' },
    crmRedeliverWebhook: { tenantId: 'acme', deliveryId: 'd1' },
    crmListAuditLog: { tenantId: 'acme' },
    crmExportAuditLog: { tenantId: 'acme' },
    crmGetAccessSettings: { tenantId: 'acme' },
    crmSaveAccessSettings: { tenantId: 'acme', matrix: {}, fieldPermissions: {}, expectedRevision: 1 },
    crmListTimeline: { tenantId: 'acme', recordId: patientId },
    crmAddNote: { tenantId: 'acme', recordId: patientId, html: '<p>Hi</p>' },
    crmUpdateNote: { tenantId: 'acme', recordId: patientId, noteId: 'n1', html: '<p>Hi</p>' },
    crmDeleteNote: { tenantId: 'acme', recordId: patientId, noteId: 'n1' },
    crmListTenantMembers: { tenantId: 'acme' },
    crmRequestAttachmentUpload: { tenantId: 'acme', recordId: patientId, fileName: 'a.pdf', contentType: 'application/pdf', size: 10 },
    crmConfirmAttachment: { tenantId: 'acme', recordId: patientId, attachmentId: 'a1' },
    crmGetAttachmentDownload: { tenantId: 'acme', recordId: patientId, attachmentId: 'a1' },
    crmDeleteAttachment: { tenantId: 'acme', recordId: patientId, attachmentId: 'a1' },
    crmCreateTask: { tenantId: 'acme', recordId: patientId, title: 'Call', assigneeId: 'acme-member', dueDate: '2026-03-01' },
    crmSearchRecords: { tenantId: 'acme', text: 'ada' },
    crmListViews: { tenantId: 'acme' },
    crmSaveView: { tenantId: 'acme', view: { module: 'patients', name: 'Mine', visibility: 'personal' } },
    crmDeleteView: { tenantId: 'acme', viewId: 'v1' },
    crmSetDefaultView: { tenantId: 'acme', viewId: 'v1', roles: ['member'] },
    crmCountGroups: { tenantId: 'acme', module: 'patients', field: 'status' },
    crmListCalendar: { tenantId: 'acme', module: 'appointments', field: 'appointment_date', from: '2026-11-01', to: '2026-11-30' },
    crmStartImportUpload: { tenantId: 'acme', module: 'patients', fileName: 'patients.csv', size: 10 },
    crmPreviewImport: { tenantId: 'acme', uploadId: 'u1' },
    crmStartImport: { tenantId: 'acme', uploadId: 'u1', options: { mapping: [{ column: 0, field: 'full_name' }], mode: 'create' } },
    crmRevertImport: { tenantId: 'acme', jobId: 'no-such-job' },
    crmGetImportErrorFile: { tenantId: 'acme', jobId: 'no-such-job' },
    crmSaveValidationRules: { tenantId: 'acme', module: 'patients', rules: [] },
    crmRecomputeFormulas: { tenantId: 'acme', module: 'patients' },
    crmGetDuplicateRules: { tenantId: 'acme', module: 'patients' },
    crmSaveDuplicateRules: { tenantId: 'acme', module: 'patients', rules: [] },
    crmFindDuplicates: { tenantId: 'acme', module: 'patients', data: { email: 'a@example.com' } },
    crmRecomputeRollups: { tenantId: 'acme', module: 'patients' },
    crmMergeRecords: { tenantId: 'acme', module: 'patients', winnerId: patientId, recordIds: [patientId, 'other'] },
    crmStartExport: { tenantId: 'acme', module: 'patients', format: 'raw', fileType: 'csv' },
    crmGetExportDownload: { tenantId: 'acme', jobId: 'no-such-job' },
    crmStartBulkAction: { tenantId: 'acme', module: 'patients', selection: { ids: [{ id: patientId, version: 1 }] }, action: 'edit_field', field: 'status', value: 'Active' },
    crmListManualWorkflows: { tenantId: 'acme', module: 'patients' },
    crmRunWorkflow: { tenantId: 'acme', workflowId: 'w1', recordId: patientId },
  };
}

async function expectRefused(name: CallableName, data: unknown, mentions: string | RegExp) {
  env.store.meter.reset();
  const error = await env.callError(env.users.acmeOwner, name, data);
  expect({ name, code: error.code }).toEqual({ name, code: 'invalid-argument' });
  expect(error.message).toMatch(mentions);
  expect({ name, writes: env.store.meter.read().writes }).toEqual({ name, writes: 0 });
}

describe('malformed input to every callable', () => {
  it('names each missing required key', async () => {
    for (const [name, request] of Object.entries(validRequests()) as Array<[CallableName, Record<string, unknown>]>) {
      for (const key of Object.keys(request)) {
        const { [key]: _dropped, ...rest } = request;
        await expectRefused(name, rest, new RegExp(key));
      }
    }
  });

  it('names keys of the wrong type', async () => {
    for (const [name, request] of Object.entries(validRequests()) as Array<[CallableName, Record<string, unknown>]>) {
      for (const key of Object.keys(request)) {
        await expectRefused(name, { ...request, [key]: typeof request[key] === 'number' ? 'seven' : 42 }, new RegExp(key));
      }
    }
  });

  it('refuses unknown keys, __proto__ and constructor at the top level', async () => {
    for (const [name, request] of Object.entries(validRequests()) as Array<[CallableName, Record<string, unknown>]>) {
      await expectRefused(name, { ...request, surprise: true }, /surprise/);
      await expectRefused(name, JSON.parse(`{"__proto__":{"admin":true}${JSON.stringify(request).slice(1).replace(/^(?!\})/, ',')}`), /__proto__/);
      await expectRefused(name, { ...request, constructor: { prototype: { polluted: true } } }, /constructor/);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses huge strings', async () => {
    const huge = 'x'.repeat(300_000);
    await expectRefused('crmBootstrap', { tenantId: huge }, /tenantId/);
    await expectRefused('crmListRecords', { tenantId: 'acme', module: 'patients', search: huge }, /search/);
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ full_name: huge }) }, /data/);
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ address: 'y'.repeat(20_000) }) }, /address/);
  });
});

describe('malformed record data', () => {
  it('names unknown fields and prototype keys inside data', async () => {
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ shoe_size: 44 }) }, /shoe_size/);
    const polluted = JSON.parse(`{"tenantId":"acme","module":"patients","data":{"__proto__":{"isAdmin":true},"full_name":"X"}}`);
    await expectRefused('crmCreateRecord', polluted, /__proto__/);
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: { ...buildPatient(), constructor: 'x' } }, /constructor/);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('names fields of the wrong type or shape', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ date_of_birth: '10/12/1985' }, /date_of_birth|Date of Birth/],
      [{ email: 'not-an-email' }, /email/i],
      [{ blood_group: 'Z+' }, /blood_group|Blood Group/],
      [{ status: 42 }, /status/i],
      [{ full_name: '' }, /full_name|Full Name/],
      [{ phone: 'call me' }, /phone/i],
    ];
    for (const [override, mention] of cases) {
      await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient(override) }, mention);
    }
  });

  it('names a missing required field', async () => {
    const { full_name: _omitted, ...data } = buildPatient();
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data }, /full_name|Full Name/);
  });

  it('names a relationship to a record that does not exist', async () => {
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ primary_doctor: 'nope' }) }, /primary_doctor/);
  });

  it('refuses an update that empties a required field, keeping the record', async () => {
    await expectRefused('crmUpdateRecord', { tenantId: 'acme', recordId: patientId, expectedVersion: 1, data: { full_name: null } }, /full_name|Full Name/);
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmGetRecord', { tenantId: 'acme', recordId: patientId });
    expect(record.data.full_name).toBe('Ada Lovelace');
  });

  it('every callable is covered here', () => {
    expect(Object.keys(validRequests()).sort()).toEqual([...CALLABLE_NAMES].sort());
  });
});

describe('requests shaped to surprise the store or the parser (issue 11)', () => {
  /** Every callable with an id-shaped field, with a valid request and the field's name. */
  const idFields: Array<[CallableName, string]> = [
    ['crmGetRecord', 'recordId'],
    ['crmUpdateRecord', 'recordId'],
    ['crmDeleteRecord', 'recordId'],
    ['crmRestoreRecord', 'recordId'],
    ['crmListRecordHistory', 'recordId'],
    ['crmGetDashboardData', 'dashboardId'],
    ['crmDeleteDashboard', 'dashboardId'],
    ['crmSetWorkflowActive', 'workflowId'],
    ['crmDeleteWorkflow', 'workflowId'],
    ['crmTestWorkflow', 'recordId'],
    ['crmSetTaskStatus', 'taskId'],
    ['crmRevealWebhookSecret', 'secretRef'],
    ['crmBootstrap', 'tenantId'],
    ['crmRevokeApiKey', 'keyId'],
    ['crmUpdateWebhookSubscription', 'subscriptionId'],
    ['crmDeleteWebhookSubscription', 'subscriptionId'],
    ['crmListWebhookDeliveries', 'subscriptionId'],
    ['crmRedeliverWebhook', 'deliveryId'],
    ['crmRunWorkflow', 'workflowId'],
    ['crmRunWorkflow', 'recordId'],
  ];

  it.each(['__proto__', '__name__', '__x__'])('refuses the reserved id %s in every id field, as invalid-argument', async (id) => {
    for (const [name, key] of idFields) {
      await expectRefused(name, { ...validRequests()[name], [key]: id }, new RegExp(`${key}.*reserves`));
    }
  });

  it('refuses an input whose prototype was replaced by a top-level "__proto__" (what decode() makes of it)', async () => {
    // firebase-functions' decode() copies keys by assignment: this is the object it hands the handler.
    const decoded: Record<string, unknown> = { tenantId: 'acme' };
    decoded['__proto__'] = { module: 'patients' };
    expect(Object.keys(decoded)).toEqual(['tenantId']);
    expect((decoded as { module?: string }).module).toBe('patients');
    await expectRefused('crmListRecords', decoded, /__proto__.*reserved/);
    const nested: Record<string, unknown> = { tenantId: 'acme', module: 'patients', data: {} };
    (nested.data as Record<string, unknown>)['__proto__'] = { full_name: 'Inherited' };
    await expectRefused('crmCreateRecord', nested, /data\.__proto__/);
  });

  it('refuses non-finite numbers and @type wrappers that decode() lets through, naming the field', async () => {
    await expectRefused('crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: Number.NaN }, /pageSize.*finite/);
    await expectRefused('crmListRecords', { tenantId: 'acme', module: 'patients', pageSize: Number.POSITIVE_INFINITY }, /pageSize.*finite/);
    await expectRefused(
      'crmCreateRecord',
      { tenantId: 'acme', module: 'patients', data: buildPatient({ full_name: { '@type': '', value: 'x' } }) },
      /data\.full_name\.@type.*typed value/,
    );
  });

  it('refuses strings with unpaired UTF-16 surrogates, naming the field, and writes nothing', async () => {
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ full_name: 'Mal\ud800formed' }) }, /data\.full_name.*surrogate/);
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ full_name: 'Mal\udc00formed' }) }, /data\.full_name.*surrogate/);
    await expectRefused('crmListRecords', { tenantId: 'acme', module: 'patients', search: '\ud83d' }, /search.*surrogate/);
    // A correctly paired surrogate (an emoji) is ordinary text.
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-EMOJI', full_name: 'Ada \ud83d\ude00' }),
    });
    expect(record.data.full_name).toBe('Ada 😀');
  });

  it('refuses a request nested 10,000 deep without recursing through it', async () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 10_000; level++) deep = { a: deep };
    await expectRefused('crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ full_name: deep }) }, /nested too deeply/);
  });
});
