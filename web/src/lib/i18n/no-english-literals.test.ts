import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The lint rule that keeps English out of components (eslint.config.js,
 * `no-restricted-syntax` on web/src/**\/*.tsx), run on samples so a change
 * to the rule that stops catching literals fails here.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function literalsIn(code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: `${root}web/src/features/sample/components/sample.tsx` });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-syntax').length;
}

describe('the no-English-literals lint rule', () => {
  it('refuses English text, text attributes and conditional text in components', { timeout: 60_000 }, async () => {
    expect(await literalsIn(`export function A() { return <p>Save changes</p>; }`)).toBe(1);
    expect(await literalsIn(`export function A() { return <input placeholder="Search records" />; }`)).toBe(1);
    expect(await literalsIn(`export function A() { return <button aria-label="Close">x</button>; }`)).toBe(1);
    expect(await literalsIn(`export function A({ on }: { on: boolean }) { return <span>{on ? 'Enabled' : 'Disabled'}</span>; }`)).toBe(2);
    expect(await literalsIn('export function A({ n }: { n: number }) { return <span>{`${n} rows shown`}</span>; }')).toBe(1);
  });

  it('accepts translated text, symbols, identifiers, class names and example values', { timeout: 60_000 }, async () => {
    const code = `
      import { useTranslation } from 'react-i18next';
      export function A({ bad }: { bad: boolean }) {
        const { t } = useTranslation();
        return (
          <div className={bad ? 'field has-error' : 'field'} data-testid="sample">
            <h1>{t('records.title')}</h1>
            <input placeholder="https://" aria-label={t('records.search')} />
            <input placeholder="blood_type" />
            <span>{bad ? '✗' : '✓'} · 12</span>
            <span>CRM Pro</span>
          </div>
        );
      }`;
    expect(await literalsIn(code)).toBe(0);
  });
});
