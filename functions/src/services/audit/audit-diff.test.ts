import { describe, expect, it } from 'vitest';
import { AUDIT_DIFF_LIMITS, diffValues } from './audit-diff.js';

describe('audit diff', () => {
  it('compares fields and modules by key, not by position', () => {
    const before = { modules: [{ slug: 'a', fields: [{ key: 'x', label: 'X' }, { key: 'y', label: 'Y' }] }] };
    const after = { modules: [{ slug: 'a', fields: [{ key: 'w', label: 'W' }, { key: 'x', label: 'X' }, { key: 'y', label: 'Why' }] }] };
    expect(diffValues(before, after).changes.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'modules[a].fields[w]', before: null, after: '{"key":"w","label":"W"}' },
      { path: 'modules[a].fields[y].label', before: '"Y"', after: '"Why"' },
    ]);
  });

  it('sees no change between a Date and its ISO string, and bounds large diffs', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(diffValues({ at }, { at: at.toISOString() }).changes).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: AUDIT_DIFF_LIMITS.changes + 5 }, (_, index) => [`k${index}`, index]));
    const diff = diffValues({}, many);
    expect(diff.changes).toHaveLength(AUDIT_DIFF_LIMITS.changes);
    expect(diff.truncated).toBe(true);
    const long = diffValues({ text: '' }, { text: 'x'.repeat(5_000) }).changes[0]!;
    expect(long.after!.length).toBeLessThanOrEqual(AUDIT_DIFF_LIMITS.valueChars + 1);
  });
});
