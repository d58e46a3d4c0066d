import { describe, expect, it } from 'vitest';
import {
  canActOnRecord,
  canManageConfiguration,
  resolveAccessScope,
  summarizePermissions,
  type Actor,
  type PermissionMatrix,
} from './evaluate-permission.js';

const matrix: PermissionMatrix = {
  owner: { patients: ['*'] },
  admin: { patients: ['create', 'read', 'update'] },
  member: { patients: ['read'], appointments: ['create', 'read', 'update_own'], medical_records: ['read_own'] },
};

function buildActor(overrides: Partial<Actor> = {}): Actor {
  return { uid: 'u1', role: 'member', platformRole: null, ...overrides };
}

describe('resolveAccessScope', () => {
  it('grants every action through *', () => {
    for (const action of ['create', 'read', 'update', 'delete', 'export'] as const) {
      expect(resolveAccessScope({ actor: buildActor({ role: 'owner' }), matrix, module: 'patients', action })).toBe('all');
    }
  });

  it('grants only listed actions', () => {
    const actor = buildActor({ role: 'admin' });
    expect(resolveAccessScope({ actor, matrix, module: 'patients', action: 'update' })).toBe('all');
    expect(resolveAccessScope({ actor, matrix, module: 'patients', action: 'delete' })).toBe('none');
  });

  it('narrows to own records through the _own actions', () => {
    const actor = buildActor();
    expect(resolveAccessScope({ actor, matrix, module: 'appointments', action: 'update' })).toBe('own');
    expect(resolveAccessScope({ actor, matrix, module: 'medical_records', action: 'read' })).toBe('own');
    expect(resolveAccessScope({ actor, matrix, module: 'medical_records', action: 'delete' })).toBe('none');
  });

  it('refuses modules and roles the matrix does not mention', () => {
    expect(resolveAccessScope({ actor: buildActor(), matrix, module: 'doctors', action: 'read' })).toBe('none');
    expect(resolveAccessScope({ actor: buildActor({ role: null }), matrix, module: 'patients', action: 'read' })).toBe('none');
  });

  it('lets a super admin bypass the matrix; platform staff get no bypass', () => {
    expect(
      resolveAccessScope({ actor: buildActor({ role: null, platformRole: 'super_admin' }), matrix, module: 'x', action: 'delete' }),
    ).toBe('all');
    expect(
      resolveAccessScope({ actor: buildActor({ role: null, platformRole: 'staff' }), matrix, module: 'patients', action: 'read' }),
    ).toBe('none');
  });
});

describe('canActOnRecord', () => {
  it('allows own-scoped actions only on records the actor owns', () => {
    const actor = buildActor();
    expect(canActOnRecord({ actor, matrix, module: 'appointments', action: 'update', ownerId: 'u1' })).toBe(true);
    expect(canActOnRecord({ actor, matrix, module: 'appointments', action: 'update', ownerId: 'u2' })).toBe(false);
  });
});

describe('canManageConfiguration', () => {
  it('is limited to owners, admins and super admins', () => {
    expect(canManageConfiguration(buildActor({ role: 'owner' }))).toBe(true);
    expect(canManageConfiguration(buildActor({ role: 'admin' }))).toBe(true);
    expect(canManageConfiguration(buildActor({ role: 'member' }))).toBe(false);
    expect(canManageConfiguration(buildActor({ role: null, platformRole: 'super_admin' }))).toBe(true);
  });
});

describe('summarizePermissions', () => {
  it('lists the scope of every action per module', () => {
    const summary = summarizePermissions({ actor: buildActor(), matrix, modules: ['appointments'] });
    expect(summary.appointments).toEqual({ create: 'all', read: 'all', update: 'own', delete: 'none', export: 'none' });
  });
});
