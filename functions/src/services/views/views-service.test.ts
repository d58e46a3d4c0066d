import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import type { TListViewsResponse, TSaveViewRequest, TViewResponse } from '../../api/search-schemas.js';
import { crmPaths } from '../paths.js';

let env: TestEnv;

const body = (overrides: Partial<TSaveViewRequest['view']> = {}): TSaveViewRequest['view'] => ({
  module: 'patients',
  name: 'Active patients',
  visibility: 'personal',
  filters: [{ field: 'status', op: 'eq', value: 'Active' }, { field: 'date_of_birth', op: 'relative', value: 'last_30_days' }],
  columns: [{ key: 'full_name', width: 240 }, { key: 'blood_group' }, { key: 'number' }],
  sort: { key: 'updated_at', direction: 'desc' },
  ...overrides,
});

async function save(user: TestEnv['users'][keyof TestEnv['users']], view: TSaveViewRequest['view'], viewId?: string) {
  return (await env.call<TViewResponse>(user, 'crmSaveView', { tenantId: 'acme', view, ...(viewId ? { viewId } : {}) })).view;
}
async function list(user: TestEnv['users'][keyof TestEnv['users']], module?: string) {
  return env.call<TListViewsResponse>(user, 'crmListViews', { tenantId: 'acme', ...(module ? { module } : {}) });
}

beforeAll(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
}, 60_000);

describe('saved views', () => {
  it('a personal view is seen and changed by its owner only', async () => {
    const mine = await save(env.users.acmeMember, body({ name: 'My patients' }));
    expect(mine).toMatchObject({ name: 'My patients', visibility: 'personal', ownerId: env.users.acmeMember.uid, editable: true, dropped: [] });
    expect(mine.columns).toEqual([{ key: 'full_name', width: 240 }, { key: 'blood_group' }, { key: 'number' }]);
    expect((await list(env.users.acmeMember, 'patients')).views.map((view) => view.id)).toContain(mine.id);
    // Not even an admin sees someone's personal view.
    expect((await list(env.users.acmeAdmin)).views.map((view) => view.id)).not.toContain(mine.id);
    expect((await list(env.users.acmeMember2)).views.map((view) => view.id)).not.toContain(mine.id);
    expect((await env.callError(env.users.acmeMember2, 'crmSaveView', { tenantId: 'acme', viewId: mine.id, view: body() })).code).toBe('not-found');
    expect((await env.callError(env.users.acmeMember2, 'crmDeleteView', { tenantId: 'acme', viewId: mine.id })).code).toBe('not-found');
    const renamed = await save(env.users.acmeMember, body({ name: 'Renamed' }), mine.id);
    expect(renamed).toMatchObject({ id: mine.id, name: 'Renamed', createdAt: mine.createdAt });
    await env.call(env.users.acmeMember, 'crmDeleteView', { tenantId: 'acme', viewId: mine.id });
    expect((await list(env.users.acmeMember)).views.map((view) => view.id)).not.toContain(mine.id);
  });

  it('only admins share views, with the tenant or with roles; members cannot change shared views', async () => {
    const refused = await env.callError(env.users.acmeMember, 'crmSaveView', { tenantId: 'acme', view: body({ visibility: 'tenant' }) });
    expect(refused).toMatchObject({ code: 'permission-denied' });
    expect(await env.store.query({ collection: `${crmPaths.tenant('acme')}/views`, where: [{ field: 'shared', op: '==', value: true }] })).toHaveLength(0);

    const everyone = await save(env.users.acmeAdmin, body({ name: 'Everyone', visibility: 'tenant' }));
    const adminsOnly = await save(env.users.acmeAdmin, body({ name: 'Admins only', visibility: 'roles', roles: ['admin'] }));
    const membersView = await save(env.users.acmeAdmin, body({ name: 'For members', visibility: 'roles', roles: ['member'] }));
    const memberSees = (await list(env.users.acmeMember, 'patients')).views;
    expect(memberSees.map((view) => view.id)).toEqual(expect.arrayContaining([everyone.id, membersView.id]));
    expect(memberSees.map((view) => view.id)).not.toContain(adminsOnly.id);
    expect(memberSees.find((view) => view.id === everyone.id)?.editable).toBe(false);
    expect((await env.callError(env.users.acmeMember, 'crmSaveView', { tenantId: 'acme', viewId: everyone.id, view: body({ name: 'Hijacked', visibility: 'personal' }) })).code).toBe('permission-denied');
    expect((await env.callError(env.users.acmeMember, 'crmDeleteView', { tenantId: 'acme', viewId: everyone.id })).code).toBe('permission-denied');
    expect((await env.callError(env.users.acmeAdmin, 'crmSaveView', { tenantId: 'acme', view: body({ visibility: 'roles', roles: [] }) })).code).toBe('invalid-argument');
    for (const view of [everyone, adminsOnly, membersView]) await env.call(env.users.acmeAdmin, 'crmDeleteView', { tenantId: 'acme', viewId: view.id });
  });

  it('one shared view is the default per role and module; setting another moves it', async () => {
    const first = await save(env.users.acmeAdmin, body({ name: 'First', visibility: 'tenant' }));
    const second = await save(env.users.acmeAdmin, body({ name: 'Second', visibility: 'roles', roles: ['member', 'admin'] }));
    const personal = await save(env.users.acmeAdmin, body({ name: 'Personal' }));
    expect((await env.callError(env.users.acmeMember, 'crmSetDefaultView', { tenantId: 'acme', viewId: first.id, roles: ['member'] })).code).toBe('permission-denied');
    expect((await env.callError(env.users.acmeAdmin, 'crmSetDefaultView', { tenantId: 'acme', viewId: personal.id, roles: ['member'] })).code).toBe('invalid-argument');
    expect((await env.callError(env.users.acmeAdmin, 'crmSetDefaultView', { tenantId: 'acme', viewId: second.id, roles: ['owner'] })).code).toBe('invalid-argument');

    await env.call(env.users.acmeAdmin, 'crmSetDefaultView', { tenantId: 'acme', viewId: first.id, roles: ['member', 'admin'] });
    expect((await list(env.users.acmeMember)).defaults).toEqual({ patients: first.id });
    expect((await list(env.users.acmeOwner)).defaults).toEqual({});
    await env.call(env.users.acmeAdmin, 'crmSetDefaultView', { tenantId: 'acme', viewId: second.id, roles: ['member'] });
    expect((await list(env.users.acmeMember)).defaults).toEqual({ patients: second.id });
    // The admin role kept the first view: only the member role moved.
    expect((await list(env.users.acmeAdmin)).defaults).toEqual({ patients: first.id });
    const views = (await list(env.users.acmeAdmin, 'patients')).views;
    expect(views.find((view) => view.id === first.id)?.defaultForRoles).toEqual(['admin']);
    expect(views.find((view) => view.id === second.id)?.defaultForRoles).toEqual(['member']);
    for (const view of [first, second, personal]) await env.call(env.users.acmeAdmin, 'crmDeleteView', { tenantId: 'acme', viewId: view.id });
  });

  it('refuses fields the module does not have, or of the wrong type, writing nothing', async () => {
    const bad = [
      body({ columns: [{ key: 'no_such_field' }] }),
      body({ type: 'kanban', kanbanField: 'full_name' }),
      body({ type: 'calendar', calendarField: null }),
      body({ groupBy: 'date_of_birth' }),
      body({ sort: { key: 'full_name', direction: 'asc' } }),
      body({ filters: [{ field: 'full_name', op: 'relative', value: 'today' }] }),
    ];
    for (const view of bad) expect((await env.callError(env.users.acmeMember, 'crmSaveView', { tenantId: 'acme', view })).code).toBe('invalid-argument');
    expect(await env.store.query({ collection: `${crmPaths.tenant('acme')}/views` })).toHaveLength(0);
  });

  it('a shared view opened by a member lacking a column field or the module shows what they may see, with no error', async () => {
    const withCustom = await env.call(env.users.acmeOwner, 'crmAddField', {
      tenantId: 'acme', module: 'patients', field: { key: 'vip_level', label: 'VIP level', type: 'select', options: ['Gold', 'Silver'] },
    }).then(() => true);
    expect(withCustom).toBe(true);
    const shared = await save(env.users.acmeAdmin, body({
      name: 'VIP board', visibility: 'tenant', type: 'kanban', kanbanField: 'vip_level', groupBy: 'vip_level',
      columns: [{ key: 'full_name' }, { key: 'vip_level', width: 120 }, { key: 'number' }],
      filters: [{ field: 'vip_level', op: 'eq', value: 'Gold' }, { field: 'status', op: 'eq', value: 'Active' }],
      sort: { key: 'created_at', direction: 'asc' },
    }));
    const charts = await save(env.users.acmeAdmin, { module: 'medical_records', name: 'Lab results', visibility: 'tenant', filters: [{ field: 'record_type', op: 'eq', value: 'Lab Result' }] });
    // The field is deactivated: members (and everyone) open the view without it.
    await env.call(env.users.acmeOwner, 'crmDeactivateField', { tenantId: 'acme', module: 'patients', key: 'vip_level' });
    // And members lose the medical records module.
    const doc = await env.store.get(crmPaths.tenant('acme'));
    const permissions = structuredClone(doc?.data.permissions) as Record<string, Record<string, string[]>>;
    (permissions.member as Record<string, string[]>).medical_records = [];
    await env.store.update(crmPaths.tenant('acme'), { permissions });
    env.services.configs.invalidate('acme');

    const { views } = await list(env.users.acmeMember);
    const opened = views.find((view) => view.id === shared.id);
    expect(opened).toMatchObject({
      type: 'table', kanbanField: null, groupBy: null,
      columns: [{ key: 'full_name' }, { key: 'number' }],
      filters: [{ field: 'status', op: 'eq', value: 'Active' }],
      sort: { key: 'created_at', direction: 'asc' },
      dropped: ['vip_level'],
    });
    expect(views.map((view) => view.id)).not.toContain(charts.id);
    // The stored view is intact: when the field comes back, so does its column.
    const stored = await env.store.get(`${crmPaths.tenant('acme')}/views/${shared.id}`);
    expect(stored?.data.columns).toHaveLength(3);
  });
});
