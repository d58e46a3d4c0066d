import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deriveWorkspaceLockfile, LockfileError, type Lockfile } from './derive-workspace-lockfile.js';
import { buildFunctionsLockfile } from '../write-deploy-lockfile.js';

const run = promisify(execFile);

function buildLock(packages: Lockfile['packages']): Lockfile {
  return { name: 'root', lockfileVersion: 3, requires: true, packages };
}

const entry = (version: string, dependencies?: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  version,
  resolved: `https://registry.npmjs.org/x/-/x-${version}.tgz`,
  integrity: `sha512-${version}`,
  ...(dependencies ? { dependencies } : {}),
  ...extra,
});

describe('deriveWorkspaceLockfile', () => {
  it("keeps the workspace's own versions hoisted and nests a root version its dependents resolved to", () => {
    const lock = deriveWorkspaceLockfile(
      buildLock({
        '': { name: 'root', workspaces: ['fn'] } as never,
        fn: { name: 'fn', version: '1.0.0', dependencies: { express: '^5', lib: '^1' }, devDependencies: { tool: '^1' } },
        'node_modules/fn': { resolved: 'fn', link: true },
        // The root has express 4 (another workspace's), the workspace its own express 5.
        'node_modules/express': entry('4.0.0', { qs: '^1' }, { dev: true }),
        'fn/node_modules/express': entry('5.0.0', { qs: '^2' }),
        'node_modules/qs': entry('1.0.0', undefined, { dev: true }),
        'fn/node_modules/qs': entry('2.0.0'),
        // lib (hoisted at the root) was tested against the root's express 4.
        'node_modules/lib': entry('1.0.0', { express: '^4' }),
        'node_modules/tool': entry('1.0.0', undefined, { dev: true }),
        'node_modules/unrelated': entry('9.9.9'),
      }),
      'fn',
    );
    expect(lock.packages['']).toEqual({ name: 'fn', version: '1.0.0', dependencies: { express: '^5', lib: '^1' }, devDependencies: { tool: '^1' } });
    expect(Object.fromEntries(Object.entries(lock.packages).filter(([path]) => path !== '').map(([path, value]) => [path, [value.version, value.dev ?? false]]))).toEqual({
      'node_modules/express': ['5.0.0', false],
      'node_modules/qs': ['2.0.0', false],
      'node_modules/lib': ['1.0.0', false],
      'node_modules/lib/node_modules/express': ['4.0.0', false],
      'node_modules/lib/node_modules/express/node_modules/qs': ['1.0.0', false],
      'node_modules/tool': ['1.0.0', true],
    });
  });

  it('refuses a lockfile that lacks a dependency instead of guessing a version', () => {
    const broken = buildLock({ fn: { name: 'fn', version: '1.0.0', dependencies: { missing: '^1' } } });
    expect(() => deriveWorkspaceLockfile(broken, 'fn')).toThrow(LockfileError);
    expect(() => deriveWorkspaceLockfile(broken, 'fn')).toThrow(/needs "missing"/);
    expect(() => deriveWorkspaceLockfile(broken, 'nope')).toThrow(/no workspace "nope"/);
  });

  // npm itself checks the result: `npm ci` refuses a lockfile out of sync with package.json, and
  // offline it cannot paper over a missing entry by fetching one. Nothing is installed (--dry-run).
  it('derives a functions lockfile from the repository root that `npm ci` accepts offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-deploy-lock-'));
    try {
      copyFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), join(dir, 'package.json'));
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(buildFunctionsLockfile()));
      const { stdout } = await run('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir });
      expect(stdout).toMatch(/added \d+ packages/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
