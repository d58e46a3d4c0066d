import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ICON_ALIASES, ICON_NAMES, resolveIconName } from './icon-names.js';
import { validateTemplate } from './template-schema.js';
import { buildTemplate } from './fixtures/build-template.js';
import { withValue } from './fixtures/edit-json.js';

describe('the template icon set', () => {
  it('resolves names, aliases and vendor prefixes to the set, and nothing else', () => {
    expect(resolveIconName('users')).toBe('users');
    expect(resolveIconName('fa-Users')).toBe('users');
    expect(resolveIconName('patients')).toBe('users');
    expect(resolveIconName('unicorn')).toBeUndefined();
    expect(resolveIconName('constructor')).toBeUndefined();
    for (const target of Object.values(ICON_ALIASES)) expect(ICON_NAMES).toContain(target);
  });

  it('refuses an unknown module or widget icon, naming the set, alongside other errors', () => {
    let input: unknown = withValue(buildTemplate(), ['enabled_modules', 0, 'icon'], 'unicorn');
    input = withValue(input, ['dashboard_layout', 'default', 'widgets', 0, 'config', 'icon'], 'rocket');
    const result = validateTemplate(input);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((error) => error.path)).toEqual(['enabled_modules[0].icon', 'dashboard_layout.default.widgets[0].config.icon']);
    expect(errors[0]?.message).toMatch(/^unknown icon "unicorn"; use one of: users, user, calendar/);
  });

  it('is listed in templates/README.md, every name and alias', () => {
    const readme = readFileSync(new URL('../../../../templates/README.md', import.meta.url), 'utf8');
    for (const name of [...ICON_NAMES, ...Object.keys(ICON_ALIASES)]) expect(readme).toContain(`\`${name}\``);
  });
});
