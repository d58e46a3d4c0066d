import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, SUPER_ADMIN, type TestEnv } from '../../test-support/build-test-env.js';
import { buildAppointment, buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import type { TGetDashboardDataResponse, TListDashboardsResponse, TSaveDashboardResponse } from '../../api/dashboard-schemas.js';
import type { TDraftResponse } from '../../api/template-schemas.js';
import type { Template } from '../../engine/template/template-schema.js';
import type { Widget } from '../../engine/template/dashboard-schema.js';
import type { TAccessSettingsResponse } from '../../api/access-schemas.js';
import type { TRecordResponse } from '../../api/schemas.js';
import { MAX_PATH_FILTER_IDS } from './path-filter.js';

/** Dashboard filters through one relationship: `patient.gender` on an appointments widget (issue 15 item 2). */
let env: TestEnv;
let doctorId: string;

async function create(module: string, data: Record<string, unknown>): Promise<string> {
  return (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module, data })).record.id;
}

const metric = (id: string, filter: Record<string, unknown>, module = 'appointments') => ({
  id,
  type: 'metric_card',
  title: id,
  position: { x: 0, y: 0, w: 3, h: 2 },
  config: { module, aggregation: 'count', filter },
});

async function render(widgets: Array<Record<string, unknown>>, user = env.users.acmeOwner) {
  const { dashboard } = await env.call<TSaveDashboardResponse>(env.users.acmeOwner, 'crmSaveDashboard', { tenantId: 'acme', dashboard: { name: `D${Math.random()}`, widgets } });
  return (await env.call<TGetDashboardDataResponse>(user, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: dashboard.id })).widgets;
}

beforeAll(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  doctorId = await create('doctors', buildDoctor());
  const genders = ['Female', 'Female', 'Male'];
  for (const [index, gender] of genders.entries()) {
    const patient = await create('patients', buildPatient({ patient_id: `P-${index}`, gender }));
    // Two appointments per patient, one of them cancelled.
    await create('appointments', buildAppointment({ patient: patient, doctor: doctorId }));
    await create('appointments', buildAppointment({ patient: patient, doctor: doctorId, status: 'Cancelled' }));
  }
});

describe('dashboard filters through a relationship', () => {
  it('count appointments whose patient is female, alone and with a date range', async () => {
    const widgets = await render([
      metric('female', { 'patient.gender': 'Female' }),
      metric('male', { 'patient.gender': ['Male'] }),
      metric('other', { 'patient.gender': 'Other' }),
      metric('female-dec', { 'patient.gender': 'Female', appointment_date: '2026-12-01' }),
      metric('female-nov', { 'patient.gender': 'Female', appointment_date: '2026-11-01' }),
    ]);
    expect(widgets.map((widget) => [widget.id, widget.status === 'ok' && widget.type === 'metric_card' ? widget.value : widget.status])).toEqual([
      ['female', 4],
      ['male', 2],
      ['other', 0],
      ['female-dec', 4],
      ['female-nov', 0],
    ]);
  });

  it('refuses at save a path that is broken, too deep, on a date field, or combined with a second field filter', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'patient.shoe': 'x' }, /"patient.shoe": "shoe" is not a field of patients/],
      [{ 'status.gender': 'x' }, /"status" is not a relationship/],
      [{ 'patient.primary_doctor.specialization': 'Cardiologist' }, /follows 2 relationships; dashboard filters follow one/],
      [{ 'patient.date_of_birth': 'today' }, /through a relationship a dashboard filters on values/],
      [{ 'patient.gender': 'Female', status: 'Scheduled' }, /cannot be combined/],
      [{ 'patient.gender': 'Female', 'doctor.status': 'Active' }, /a figure may use one such filter/],
      [{ 'patient.gender': 'Female', patient: 'x' }, /cannot be combined; keep one of them/],
    ];
    for (const [filter, message] of cases) {
      const error = await env.callError(env.users.acmeOwner, 'crmSaveDashboard', { tenantId: 'acme', dashboard: { name: 'Bad', widgets: [metric('w', filter)] } });
      expect({ filter, code: error.code }).toEqual({ filter, code: 'invalid-argument' });
      const issues = (error.details as { issues: Array<{ message: string }> }).issues.map((issue) => issue.message);
      expect(issues).toEqual([expect.stringMatching(message)]);
    }
  });

  it(`more than ${MAX_PATH_FILTER_IDS} matching related records is a clear widget error, not a partial figure`, async () => {
    const [within] = await render([metric('other', { 'patient.gender': 'Other' })]);
    expect(within).toMatchObject({ status: 'ok', value: 0 });
    for (let index = 0; index <= MAX_PATH_FILTER_IDS; index += 1) await create('patients', buildPatient({ patient_id: `PO-${index}`, gender: 'Other' }));
    const [widget] = await render([metric('other', { 'patient.gender': 'Other' })]);
    expect(widget).toMatchObject({ status: 'error' });
    expect(widget && 'message' in widget ? widget.message : '').toMatch(/"patient.gender" matches more than 30 patients records/);
  });

  it('is hidden from a viewer who may not read the related field', async () => {
    const { settings } = await env.call<TAccessSettingsResponse>(env.users.acmeAdmin, 'crmGetAccessSettings', { tenantId: 'acme' });
    await env.call(env.users.acmeAdmin, 'crmSaveAccessSettings', {
      tenantId: 'acme', matrix: settings.matrix, expectedRevision: settings.revision,
      fieldPermissions: { ...settings.fieldPermissions, member: { patients: { gender: 'none' } } },
    });
    const [member] = await render([metric('female', { 'patient.gender': 'Female' })], env.users.acmeMember);
    expect(member).toMatchObject({ status: 'hidden' });
  });

  it('works in a template dashboard: a template published with one renders it for the tenant that picks it', async () => {
    const template = JSON.parse(readFileSync(new URL('../../../../templates/hospital.json', import.meta.url), 'utf8')) as Template;
    template.slug = 'hospital-paths';
    template.name = 'Hospital (paths)';
    template.dashboard_layout.default?.widgets.push({ ...metric('female-visits', { 'patient.gender': 'Female' }), position: { x: 0, y: 40, w: 3, h: 2 } } as Widget);
    const { draft } = await env.call<TDraftResponse>(SUPER_ADMIN, 'crmConsoleSaveDraft', { template });
    expect(draft.errors).toEqual([]);
    await env.call(SUPER_ADMIN, 'crmConsolePublishDraft', { draftId: draft.draftId, changeNote: 'A path filter' });

    await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital-paths' });
    const inGlobex = async (module: string, data: Record<string, unknown>) =>
      (await env.call<TRecordResponse>(env.users.globexOwner, 'crmCreateRecord', { tenantId: 'globex', module, data })).record.id;
    const doctor = await inGlobex('doctors', buildDoctor());
    for (const [index, gender] of ['Female', 'Male'].entries()) {
      const patient = await inGlobex('patients', buildPatient({ patient_id: `G-${index}`, gender }));
      await inGlobex('appointments', buildAppointment({ patient, doctor }));
    }
    const { dashboards } = await env.call<TListDashboardsResponse>(env.users.globexOwner, 'crmListDashboards', { tenantId: 'globex' });
    const dashboardId = dashboards.find((dashboard) => dashboard.is_default)?.id;
    const { widgets } = await env.call<TGetDashboardDataResponse>(env.users.globexOwner, 'crmGetDashboardData', { tenantId: 'globex', dashboardId });
    expect(widgets.find((widget) => widget.id === 'female-visits')).toMatchObject({ status: 'ok', value: 1 });
  });
});
