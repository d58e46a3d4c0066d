import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, runValidateTemplate } from './validate-template.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'validate-template-'));
const broken = join(scratch, 'broken.json');
writeFileSync(
  broken,
  JSON.stringify({
    name: 'Broken',
    slug: 'broken',
    industry_type: 'test',
    version: '1',
    enabled_modules: [{ slug: 'things', label: 'Things' }],
    field_schemas: { things: [{ key: 'kind', label: 'Kind', type: 'select' }], others: [] },
  }),
);
const notJson = join(scratch, 'not-json.json');
writeFileSync(notJson, '{ "name": ');

async function run(files: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidateTemplate(files, { out: (line) => out.push(line), err: (line) => err.push(line), cwd: repoRoot });
  return { code, out, err };
}

describe('validate-template command', () => {
  it('prints ✓ for valid templates and exits 0', async () => {
    expect(await run(['templates/hospital.json', 'templates/blank.json'])).toEqual({
      code: EXIT_OK,
      out: ['✓ templates/hospital.json (Hospital CRM v1.0.0)', '✓ templates/blank.json (Blank CRM v1.0.0)'],
      err: [],
    });
  });

  it('prints every error as file: path: message and exits 1', async () => {
    const result = await run([broken]);
    expect(result.code).toBe(EXIT_INVALID);
    expect(result.err).toEqual([
      `${broken}: field_schemas.things[0].options: a select field needs options: a non-empty list of choices`,
      `${broken}: version: must be a semantic version like 1.0.0 or 1.1.0-beta.1`,
      `${broken}: field_schemas.others: field schema for module "others" is not in enabled_modules`,
      `✗ ${broken}: 3 problems`,
    ]);
  });

  it('exits 2 with the parse error for unparseable or missing files', async () => {
    const result = await run(['templates/corporate.json', notJson, join(scratch, 'missing.json')]);
    expect(result.code).toBe(EXIT_UNREADABLE);
    expect(result.out).toEqual(['✓ templates/corporate.json (Corporate CRM v1.0.0)']);
    expect(result.err[0]).toMatch(new RegExp(`^${notJson}: invalid JSON: .+`));
    expect(result.err[1]).toMatch(/missing\.json: cannot read file: ENOENT/);
  });

  it('runs as a script with the documented exit codes', () => {
    const script = fileURLToPath(new URL('./validate-template.ts', import.meta.url));
    const spawn = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, INIT_CWD: repoRoot } });
    const good = spawn(['templates/jewellery.json']);
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('✓ templates/jewellery.json (Jewellery CRM v1.1.0)');
    const bad = spawn([broken]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('version: must be a semantic version');
    expect(spawn([notJson]).status).toBe(2);
  }, 30_000);
});
