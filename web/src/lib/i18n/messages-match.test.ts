import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CRM_ERROR_CODES, FIELD_VALUE_MESSAGES, defaultMessageKey } from '@crm/api/error-keys.js';
import { UI_LANGUAGES } from '@crm/api';
import { FIELD_TYPES } from '@crm/engine/fields/field-definition.js';
import { en } from './en';
import { es } from './es';
import { LANGUAGES } from './init-i18n';
import { createI18n } from './init-i18n';

const DICTIONARIES: Record<string, unknown> = { en, es };
const OWN_FORM = new Set(['zero', 'one', 'two', 'few']);
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Every leaf as `a.b.c` → text. */
function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'string') out.set(prefix, value);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((match) => match[1] ?? '').sort();
}

describe('i18n dictionaries', () => {
  const flat = Object.fromEntries(Object.entries(DICTIONARIES).map(([code, dictionary]) => [code, flatten(dictionary)]));
  const english = flat.en ?? new Map<string, string>();

  it('ship exactly the languages the server accepts as a tenant default', () => {
    expect(LANGUAGES.map((language) => language.code)).toEqual([...UI_LANGUAGES]);
    expect(Object.keys(DICTIONARIES)).toEqual([...UI_LANGUAGES]);
  });

  it.each(Object.keys(DICTIONARIES).filter((code) => code !== 'en'))('%s has the same keys as English, none empty', (code) => {
    const other = flat[code] ?? new Map<string, string>();
    const missing = [...english.keys()].filter((key) => !other.has(key) && !PLURAL_SUFFIX.test(key));
    const extra = [...other.keys()].filter((key) => !english.has(key) && !PLURAL_SUFFIX.test(key));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect([...other.entries()].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([]);
  });

  it.each(Object.keys(DICTIONARIES).filter((code) => code !== 'en'))('%s uses the same {{placeholders}} as English', (code) => {
    const other = flat[code] ?? new Map<string, string>();
    const differing = [...english.entries()]
      .filter(([key]) => other.has(key))
      .filter(([key, text]) => JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(other.get(key) ?? '')))
      .map(([key]) => key);
    expect(differing).toEqual([]);
  });

  it.each(Object.keys(DICTIONARIES))('%s has every plural form its language needs for each {{count}} text', (code) => {
    const texts = flat[code] ?? new Map<string, string>();
    const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
    const bases = new Set([...texts.entries()].filter(([, text]) => text.includes('{{count}}')).map(([key]) => key.replace(PLURAL_SUFFIX, '')));
    // The bare key is i18next's fallback for any form without its own entry, so it must exist and hold
    // the general plural; "many" (Spanish 1 000 000) reads right with it, but one/two/few/zero need their own.
    const incomplete = [...bases].filter(
      (base) => !texts.has(base) || categories.some((category) => OWN_FORM.has(category) && !texts.has(`${base}_${category}`)),
    );
    expect(incomplete).toEqual([]);
  });

  it('cover every server error code, every field-value reason and every key the server code names', () => {
    const i18n = createI18n();
    const serverKeys = [
      ...Object.values(CRM_ERROR_CODES).map((code) => defaultMessageKey(code)),
      ...Object.keys(FIELD_VALUE_MESSAGES).map((reason) => `validation.${reason}`),
      ...keysNamedInServerSource(),
      ...FIELD_TYPES.map((type) => `admin.fieldType.${type}`),
    ];
    expect(serverKeys.length).toBeGreaterThan(40);
    for (const language of Object.keys(DICTIONARIES)) {
      void i18n.changeLanguage(language);
      const missing = serverKeys.filter((key) => !i18n.exists(key, { count: 2 }) || !i18n.exists(key, { count: 1 }));
      expect({ language, missing }).toEqual({ language, missing: [] });
    }
  });
});

/** `messageKey: 'errors.x'` and `` `errors.record.forbidden.${action}` `` literals in the server's sources. */
function keysNamedInServerSource(): string[] {
  const root = fileURLToPath(new URL('../../../../functions/src', import.meta.url));
  const keys = new Set<string>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/messageKey: '((?:errors|validation|access)\.[\w.-]+)'/g)) keys.add(match[1] ?? '');
    for (const match of text.matchAll(/'((?:errors|validation)\.[\w.-]+)' : '((?:errors|validation)\.[\w.-]+)'/g)) {
      keys.add(match[1] ?? '');
      keys.add(match[2] ?? '');
    }
    // A key built from an action: every action the permission matrix knows must be there.
    if (text.includes('`errors.record.forbidden.${action}`')) {
      for (const action of ['create', 'read', 'update', 'delete', 'restore']) keys.add(`errors.record.forbidden.${action}`);
    }
  }
  return [...keys];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}
