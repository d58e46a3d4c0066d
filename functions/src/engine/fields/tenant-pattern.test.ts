import { describe, expect, it } from 'vitest';
import { checkFieldValue } from './check-field-value.js';
import { FieldDefinitionSchema } from './field-definition.js';
import { matchesTenantPattern, tenantPatternProblem } from './tenant-pattern.js';

describe('tenant patterns (RE2 semantics)', () => {
  it('answers the catastrophic-backtracking pattern of issue 11 at once, for 28 and 1,000 characters', () => {
    // On V8's engine the 28-character value alone took 1.8–6.6 s; the 1,000-character one would never end.
    expect(matchesTenantPattern('^(a+)+$', `${'a'.repeat(28)}!`)).toBe(false);
    expect(matchesTenantPattern('^(a+)+$', `${'a'.repeat(999)}!`)).toBe(false);
    expect(matchesTenantPattern('^(a+)+$', 'a'.repeat(1_000))).toBe(true);
    const field = { key: 'code', label: 'Code', type: 'text' as const, required: false, validation: { pattern: '^(a+)+$' } };
    expect(checkFieldValue(field, `${'a'.repeat(999)}!`)).toMatchObject({ ok: false, message: '"Code" must match the pattern ^(a+)+$', messageKey: 'validation.pattern' });
  });

  it('keeps JavaScript RegExp.test meaning for ordinary patterns: a search, anchored only when the pattern says so', () => {
    expect(matchesTenantPattern('^[A-Z0-9-]{3,30}$', 'LIC-2024')).toBe(true);
    expect(matchesTenantPattern('^[A-Z0-9-]{3,30}$', 'lic-2024')).toBe(false);
    expect(matchesTenantPattern('[0-9]{3}', 'ab123c')).toBe(true);
    expect(matchesTenantPattern('^\\d+\\/\\d+$', '12/34')).toBe(true);
    expect(matchesTenantPattern('^(?<area>\\d{3})-\\d{4}$', '555-0100')).toBe(true);
  });

  it.each([
    ['(a)\\1', /backreference \(\\1\)/],
    ['(?<x>a)\\k<x>', /named backreference/],
    ['^(?=.*\\d).{8,}$', /lookahead/],
    ['^(?!admin).*$', /lookahead/],
    ['(?<=\\$)\\d+', /lookbehind/],
    ['(?<!-)\\d+', /lookbehind/],
  ])('refuses %s, naming the feature RE2 lacks', (pattern, feature) => {
    expect(tenantPatternProblem(pattern)).toMatch(feature);
    expect(tenantPatternProblem(pattern)).toMatch(/linear-time engine/);
  });

  it('does not mistake escaped or bracketed characters for unsupported features', () => {
    for (const pattern of ['\\(?=x', '[(?=]+', '[\\]1]', '^[^]1]$', 'a\\\\1']) {
      expect({ pattern, problem: tenantPatternProblem(pattern) }).toEqual({ pattern, problem: null });
    }
  });

  it('reports syntax errors and repetition RE2 will not compile', () => {
    expect(tenantPatternProblem('([a-z')).toMatch(/not a valid regular expression/);
    expect(tenantPatternProblem('a{1001}')).toMatch(/not a valid regular expression.*repeat count/);
    expect(tenantPatternProblem('((a{100}){100}){100}')).toMatch(/not a valid regular expression/);
    expect(tenantPatternProblem('x'.repeat(501))).toMatch(/longer than 500/);
  });

  it('is refused when a field is defined, with a message naming the field', () => {
    const result = FieldDefinitionSchema.safeParse({ key: 'badge', label: 'Badge', type: 'text', validation: { pattern: '^(?=.*\\d)\\w+$' } });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(['validation', 'pattern']);
    expect(issue?.message).toMatch(/^the pattern of field "badge", .* uses a lookahead/);
  });
});
