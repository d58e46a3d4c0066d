import { beforeEach, describe, expect, it } from 'vitest';
import type { StoreValue } from '../store/document-store.js';
import { buildTestEnv, type TestEnv } from '../test-support/build-test-env.js';
import { buildAppointment, buildDoctor, buildPatient } from '../test-support/record-fixtures.js';
import type { TRecordResponse } from './schemas.js';
import type {
  TDashboardView,
  TGetDashboardDataResponse,
  TListDashboardsResponse,
  TSaveDashboardResponse,
} from './dashboard-schemas.js';

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv({ now: () => new Date('2026-12-02T09:00:00Z') });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

function buildWidget(overrides: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'patients-count',
    type: 'metric_card',
    title: 'Patients',
    position: { x: 0, y: 0, w: 3, h: 2 },
    ...overrides,
    config: { module: 'patients', aggregation: 'count', ...config },
  };
}

async function save(dashboard: Record<string, unknown>, dashboardId?: string, user = env.users.acmeAdmin): Promise<TDashboardView> {
  const response = await env.call<TSaveDashboardResponse>(user, 'crmSaveDashboard', {
    tenantId: 'acme',
    ...(dashboardId ? { dashboardId } : {}),
    dashboard: { name: 'Front desk', widgets: [buildWidget()], ...dashboard },
  });
  return response.dashboard;
}

async function list(user = env.users.acmeMember): Promise<TListDashboardsResponse> {
  return env.call<TListDashboardsResponse>(user, 'crmListDashboards', { tenantId: 'acme' });
}

describe('listing dashboards', () => {
  it("seeds the template's default dashboard and makes it everyone's landing page", async () => {
    const { dashboards, defaultDashboardId } = await list();
    expect(dashboards.map((d) => [d.key, d.is_default, d.source])).toEqual([['default', true, 'template']]);
    expect(defaultDashboardId).toBe(dashboards[0]?.id);
    expect(dashboards[0]?.widgets.map((widget) => widget.id)).toContain('todays-appointments');
  });

  it('shows a role-restricted dashboard to that role and to managers only', async () => {
    const adminOnly = await save({ name: 'Admins', role_restriction: 'admin' });
    expect((await list(env.users.acmeMember)).dashboards.map((d) => d.id)).not.toContain(adminOnly.id);
    expect((await list(env.users.acmeAdmin)).dashboards.map((d) => d.id)).toContain(adminOnly.id);
    expect((await list(env.users.acmeOwner)).dashboards.map((d) => d.id)).toContain(adminOnly.id);
    const error = await env.callError(env.users.acmeMember, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: adminOnly.id });
    expect(error.code).toBe('not-found');
  });

  it("lands each role on the default made for it", async () => {
    const forMembers = await save({ name: 'Members', role_restriction: 'member', is_default: true });
    expect((await list(env.users.acmeMember)).defaultDashboardId).toBe(forMembers.id);
    const everyone = (await list(env.users.acmeAdmin)).dashboards.find((d) => d.key === 'default');
    expect((await list(env.users.acmeAdmin)).defaultDashboardId).toBe(everyone?.id);
  });
});

describe('managing dashboards', () => {
  it('creates, updates and deletes a dashboard', async () => {
    const created = await save({ name: 'Front desk' });
    expect(created).toMatchObject({ key: 'front-desk', source: 'custom', is_default: false, role_restriction: null });
    const updated = await save({ name: 'Front desk', widgets: [buildWidget({ id: 'other' })] }, created.id);
    expect(updated.id).toBe(created.id);
    expect(updated.widgets.map((widget) => widget.id)).toEqual(['other']);
    await env.call(env.users.acmeAdmin, 'crmDeleteDashboard', { tenantId: 'acme', dashboardId: created.id });
    expect((await list(env.users.acmeAdmin)).dashboards.map((d) => d.id)).not.toContain(created.id);
    expect((await env.callError(env.users.acmeAdmin, 'crmDeleteDashboard', { tenantId: 'acme', dashboardId: created.id })).code).toBe('not-found');
  });

  it('keeps one default per audience', async () => {
    const first = await save({ name: 'One', is_default: true });
    const second = await save({ name: 'Two', is_default: true });
    const defaults = (await list(env.users.acmeAdmin)).dashboards.filter((d) => d.is_default && d.role_restriction === null);
    expect(defaults.map((d) => d.id)).toEqual([second.id]);
    expect(first.id).not.toBe(second.id);
  });

  it('refuses members', async () => {
    const error = await env.callError(env.users.acmeMember, 'crmSaveDashboard', { tenantId: 'acme', dashboard: { name: 'Mine', widgets: [] } });
    expect(error.code).toBe('permission-denied');
    const { defaultDashboardId } = await list();
    expect((await env.callError(env.users.acmeMember, 'crmDeleteDashboard', { tenantId: 'acme', dashboardId: defaultDashboardId })).code).toBe('permission-denied');
  });

  it('refuses a second dashboard with the same key', async () => {
    await save({ name: 'Front desk' });
    expect((await env.callError(env.users.acmeAdmin, 'crmSaveDashboard', { tenantId: 'acme', dashboard: { name: 'Front desk', widgets: [] } })).code).toBe('already-exists');
  });

  it.each([
    ['an unknown module', buildWidget({}, { module: 'spaceships' }), /no module "spaceships"/],
    ['an unknown field', buildWidget({}, { aggregation: 'sum', field: 'shoe_size' }), /shoe_size/],
    ['a sum of a text field', buildWidget({}, { aggregation: 'sum', field: 'full_name' }), /number or currency/],
    ['two field filters', buildWidget({}, { filter: { status: 'Active', gender: 'Female' } }), /cannot be combined/],
    ['a text filter with a date range', buildWidget({}, { module: 'appointments', filter: { appointment_number: 'x', appointment_date: 'today' } }), /only select/],
    ['min over a date-field range', buildWidget({}, { module: 'appointments', aggregation: 'min', field: 'duration_minutes', filter: { appointment_date: 'today' } }), /not indexed/],
    ['a sum of a field that is not indexed', buildWidget({}, { module: 'doctors', aggregation: 'sum', field: 'consultation_fee' }), /"consultation_fee" is not indexed; mark it indexed in the doctors fields/],
    ['a bad relative date', buildWidget({}, { module: 'appointments', filter: { appointment_date: 'someday' } }), /relative date/],
    ['a chart by a text field', { id: 'c', type: 'chart', title: 'C', position: { x: 0, y: 0, w: 6, h: 4 }, config: { module: 'patients', chart_type: 'bar', x_axis: 'full_name', y_axis: 'count' } }, /charts group by/],
    ['a chart of 365 daily points', { id: 'c', type: 'chart', title: 'C', position: { x: 0, y: 0, w: 6, h: 4 }, config: { module: 'patients', chart_type: 'line', x_axis: 'created_at', y_axis: 'count', group_by: 'day', date_range: 'this_year' } }, /too many points/],
    ['a widget of an unknown type', { id: 'x', type: 'gauge', title: 'X', position: { x: 0, y: 0, w: 1, h: 1 }, config: {} }, /type/],
  ])('refuses %s, naming the widget', async (_label, widget, message) => {
    const error = await env.callError(env.users.acmeAdmin, 'crmSaveDashboard', { tenantId: 'acme', dashboard: { name: 'Bad', widgets: [widget] } });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('widgets.0');
  });
});

describe('min and max', () => {
  it('refuses min over a date-field range on an indexed field, saying what it can filter by', async () => {
    await env.call(env.users.acmeOwner, 'crmUpdateField', { tenantId: 'acme', module: 'appointments', key: 'duration_minutes', changes: { indexed: true } });
    const widget = buildWidget({}, { module: 'appointments', aggregation: 'min', field: 'duration_minutes', filter: { appointment_date: 'today' } });
    const error = await env.callError(env.users.acmeAdmin, 'crmSaveDashboard', { tenantId: 'acme', dashboard: { name: 'Bad', widgets: [widget] } });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/widgets\.0.*min can be filtered by field values but not by a date range/);
  });
});

describe('rendering', () => {
  it('shows that a widget is hidden, not its figures, to a viewer without read access', async () => {
    await env.call(env.users.acmeOwner, 'crmCreateModule', {
      tenantId: 'acme',
      module: { slug: 'payroll', label: 'Payroll' },
      fields: [{ key: 'salary', label: 'Salary', type: 'number', indexed: true }],
      permissions: { member: [] },
    });
    await env.call(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'payroll', data: { salary: 5000 } });
    const dashboard = await save({
      widgets: [buildWidget(), buildWidget({ id: 'salaries' }, { module: 'payroll', aggregation: 'sum', field: 'salary' })],
    });
    const asMember = await env.call<TGetDashboardDataResponse>(env.users.acmeMember, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: dashboard.id });
    expect(asMember.widgets[1]).toEqual({ id: 'salaries', type: 'metric_card', status: 'hidden', reason: 'no-read-access', message: expect.any(String) });
    expect(JSON.stringify(asMember.widgets[1])).not.toContain('5000');
    const asAdmin = await env.call<TGetDashboardDataResponse>(env.users.acmeAdmin, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: dashboard.id });
    expect(asAdmin.widgets[1]).toMatchObject({ status: 'ok', value: 5000 });
  });

  it('reports a widget whose field no longer exists, and renders the rest', async () => {
    await env.call(env.users.acmeOwner, 'crmUpdateField', { tenantId: 'acme', module: 'doctors', key: 'consultation_fee', changes: { indexed: true } });
    const dashboard = await save({ widgets: [buildWidget(), buildWidget({ id: 'fees' }, { module: 'doctors', aggregation: 'max', field: 'consultation_fee' })] });
    const path = `crm_tenants/acme/dashboards/${dashboard.id}`;
    const stored = await env.store.get(path);
    const widgets = structuredClone(stored?.data.widgets) as Array<{ config: Record<string, unknown> }>;
    (widgets[1] as { config: Record<string, unknown> }).config.field = 'retired_fee';
    await env.store.update(path, { widgets: widgets as unknown as StoreValue });
    const data = await env.call<TGetDashboardDataResponse>(env.users.acmeAdmin, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: dashboard.id });
    expect(data.widgets[0]).toMatchObject({ status: 'ok', value: 0 });
    expect(data.widgets[1]).toMatchObject({ id: 'fees', status: 'error', message: expect.stringContaining('retired_fee') });
  });

  it("bills the same reads for the template's default dashboard with 21 records and with 121", async () => {
    const { defaultDashboardId } = await list(env.users.acmeAdmin);
    const doctor = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor() })).record;
    const addRecords = async (count: number, from: number) => {
      for (let index = from; index < from + count; index += 1) {
        const patient = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
          tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: `P-${index}`, status: index % 2 ? 'Active' : 'New' }),
        })).record;
        await env.call(env.users.acmeOwner, 'crmCreateRecord', {
          tenantId: 'acme', module: 'appointments', data: buildAppointment({ patient: patient.id, doctor: doctor.id, appointment_date: '2026-12-02T10:00:00Z' }),
        });
      }
    };
    const readsToRender = async () => {
      await env.call(env.users.acmeAdmin, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: defaultDashboardId });
      env.store.meter.reset();
      const data = await env.call<TGetDashboardDataResponse>(env.users.acmeAdmin, 'crmGetDashboardData', { tenantId: 'acme', dashboardId: defaultDashboardId });
      return { reads: env.store.meter.read().reads, data };
    };
    await addRecords(10, 0);
    const small = await readsToRender();
    await addRecords(50, 10);
    const large = await readsToRender();
    expect(large.data.widgets[0]).toMatchObject({ id: 'total-patients', value: 30 });
    expect(large.data.widgets[1]).toMatchObject({ id: 'todays-appointments', value: 60 });
    expect(large.reads).toBe(small.reads);
  });
});
