import { describe, expect, it } from 'vitest';
import { levelOf, toggleAction, withLevel } from './permission-model';

describe('permission editor model', () => {
  it('toggles one action of one role on one module', () => {
    const matrix = { member: { patients: ['read'] } };
    expect(toggleAction(matrix, 'member', 'patients', 'create')).toEqual({ member: { patients: ['read', 'create'] } });
    expect(toggleAction(matrix, 'member', 'patients', 'read')).toEqual({ member: { patients: [] } });
    expect(toggleAction(matrix, 'admin', 'doctors', '*')).toEqual({ member: { patients: ['read'] }, admin: { doctors: ['*'] } });
  });

  it('stores only restricted levels: edit removes the entry and empty maps', () => {
    const hidden = withLevel({}, 'member', 'patients', 'diagnosis', 'none');
    expect(hidden).toEqual({ member: { patients: { diagnosis: 'none' } } });
    expect(levelOf(hidden, 'member', 'patients', 'diagnosis')).toBe('none');
    expect(levelOf(hidden, 'admin', 'patients', 'diagnosis')).toBe('edit');
    expect(withLevel(hidden, 'member', 'patients', 'diagnosis', 'edit')).toEqual({});
  });
});
