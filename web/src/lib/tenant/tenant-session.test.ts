import { describe, expect, it } from 'vitest';
import type { TBootstrapResponse, TConfigView } from '@crm/api';
import { activeFields, orderedModules, permissionsFor, type TenantSession } from './tenant-session';

type Module = TConfigView['modules'][number];
type Field = Module['fields'][number];

function buildField(overrides: Partial<Field>): Field {
  return { key: 'name', label: 'Name', type: 'text', required: false, system: false, unique: false, active: true, searchable: true, ...overrides } as Field;
}

function buildModule(overrides: Partial<Module>): Module {
  return { slug: 'things', label: 'Thing', fields: [], source: 'template', record_prefix: 'THI', display_field: null, status_field: null, ...overrides } as Module;
}

function buildSession(config: TConfigView, permissions: TBootstrapResponse['permissions']): TenantSession {
  const bootstrap = {
    tenant: { id: 't1', name: 'T1' },
    user: { uid: 'u1', role: 'member', platformRole: null },
    templateSelected: true,
    canManageConfiguration: false,
    config,
    permissions,
  } as TBootstrapResponse;
  return { tenantId: 't1', bootstrap, config };
}

describe('tenant session helpers', () => {
  const config = {
    template: { slug: 'x', version: '1.0.0', name: 'X' },
    modules: [buildModule({ slug: 'custom', order: undefined }), buildModule({ slug: 'second', order: 2 }), buildModule({ slug: 'first', order: 1 })],
    permissionsMatrix: {},
    revision: 1,
  } as TConfigView;

  it('orders the sidebar by template order, custom modules last', () => {
    expect(orderedModules(config).map((module) => module.slug)).toEqual(['first', 'second', 'custom']);
  });

  it('treats a module missing from the permission summary as no access', () => {
    const session = buildSession(config, { first: { create: 'all', read: 'own', update: 'own', delete: 'none', export: 'none' } });
    expect(permissionsFor(session, 'first').read).toBe('own');
    expect(permissionsFor(session, 'second')).toEqual({ create: 'none', read: 'none', update: 'none', delete: 'none', export: 'none' });
  });

  it('shows active fields in their configured order', () => {
    const module = buildModule({
      fields: [buildField({ key: 'b', order: 2 }), buildField({ key: 'gone', order: 0, active: false }), buildField({ key: 'a', order: 1 })],
    });
    expect(activeFields(module).map((field) => field.key)).toEqual(['a', 'b']);
  });
});
