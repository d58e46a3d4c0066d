import { describe, expect, it } from 'vitest';
import { findUnqueryable, findUnwritable, redactRecord, resolveFieldAccess, type FieldPermissions } from './field-access.js';
import type { Actor } from './evaluate-permission.js';

const LEVELS: FieldPermissions = {
  member: { patients: { diagnosis: 'none', phone: 'read' }, doctors: { full_name: 'none' } },
  admin: { patients: { ssn: 'none' } },
};
const actor = (role: Actor['role'], platformRole: Actor['platformRole'] = null): Actor => ({ uid: 'u1', role, platformRole });
const context = {
  displayFieldOf: (module: string) => (module === 'patients' ? 'diagnosis' : 'full_name'),
  relatedDisplayOf: (_module: string, field: string) => (field === 'doctor' ? { module: 'doctors', field: 'full_name' } : null),
};
const record = {
  module: 'patients',
  data: { name: 'Ada', diagnosis: 'Flu', phone: '555' },
  display: 'Flu',
  related: { doctor: { id: 'd1', display: 'Dr. House' }, diagnosis: { id: 'x', display: 'x' } },
};

describe('field access', () => {
  it('defaults to edit; owners and super admins are never restricted', () => {
    expect(resolveFieldAccess({ actor: actor('owner'), fieldPermissions: LEVELS }).unrestricted).toBe(true);
    expect(resolveFieldAccess({ actor: actor(null, 'super_admin'), fieldPermissions: LEVELS }).unrestricted).toBe(true);
    expect(resolveFieldAccess({ actor: actor('member'), fieldPermissions: undefined }).unrestricted).toBe(true);
    const member = resolveFieldAccess({ actor: actor('member'), fieldPermissions: LEVELS });
    expect([member.level('patients', 'name'), member.level('patients', 'phone'), member.level('patients', 'diagnosis')]).toEqual(['edit', 'read', 'none']);
    // A platform user who is not a member sees what members see.
    expect(resolveFieldAccess({ actor: actor(null, 'staff'), fieldPermissions: LEVELS }).canRead('patients', 'diagnosis')).toBe(false);
  });

  it('redacts hidden values, the display value of a hidden display field, and hidden related display values', () => {
    const member = resolveFieldAccess({ actor: actor('member'), fieldPermissions: LEVELS });
    expect(redactRecord(record, member, context)).toEqual({
      module: 'patients',
      data: { name: 'Ada', phone: '555' },
      display: null,
      related: { doctor: { id: 'd1', display: null } },
    });
    const admin = resolveFieldAccess({ actor: actor('admin'), fieldPermissions: LEVELS });
    expect(redactRecord(record, admin, context)).toEqual(record);
  });

  it('refuses writes to hidden fields and changes to read-only ones', () => {
    const member = resolveFieldAccess({ actor: actor('member'), fieldPermissions: LEVELS });
    expect(findUnwritable('patients', { name: 'B', diagnosis: 'X' }, member, null)).toEqual([{ field: 'diagnosis', level: 'none' }]);
    expect(findUnwritable('patients', { phone: '555' }, member, { phone: '555' })).toEqual([]);
    expect(findUnwritable('patients', { phone: '556' }, member, { phone: '555' })).toEqual([{ field: 'phone', level: 'read' }]);
    expect(findUnwritable('patients', { phone: null }, member, {})).toEqual([]);
  });

  it('refuses queries on hidden fields only', () => {
    const member = resolveFieldAccess({ actor: actor('member'), fieldPermissions: LEVELS });
    expect(findUnqueryable('patients', { filters: [{ field: 'phone' }, { field: 'diagnosis' }], sort: 'diagnosis' }, member)).toEqual(['diagnosis']);
    expect(findUnqueryable('patients', { sort: 'created_at' }, member)).toEqual([]);
  });
});
