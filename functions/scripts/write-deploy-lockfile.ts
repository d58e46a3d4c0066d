/**
 * `npm run deploy-lockfile` (firebase.json runs it before every functions
 * deploy): writes functions/package-lock.json from the root lockfile, so Cloud
 * Build's `npm ci` installs exactly what `npm ci` at the root installed here.
 * The file is generated, not committed (.gitignore): the root lockfile stays
 * the one source of versions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveWorkspaceLockfile, LockfileError, type Lockfile } from './deploy/derive-workspace-lockfile.js';

const functionsDir = fileURLToPath(new URL('..', import.meta.url));
const rootLockPath = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

export function buildFunctionsLockfile(): Lockfile {
  const rootLock = JSON.parse(readFileSync(rootLockPath, 'utf8')) as Lockfile;
  const manifest = JSON.parse(readFileSync(`${functionsDir}/package.json`, 'utf8')) as Record<string, unknown>;
  const locked = rootLock.packages.functions ?? {};
  for (const key of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
    if (JSON.stringify(manifest[key] ?? {}) !== JSON.stringify(locked[key] ?? {})) {
      throw new LockfileError(`functions/package.json ${key} differ from the root package-lock.json: run \`npm install\` at the root first.`);
    }
  }
  return deriveWorkspaceLockfile(rootLock, 'functions');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const lock = buildFunctionsLockfile();
    writeFileSync(`${functionsDir}/package-lock.json`, `${JSON.stringify(lock, null, 2)}\n`);
    console.log(`functions/package-lock.json: ${Object.keys(lock.packages).length - 1} packages from the root lockfile`);
  } catch (error) {
    console.error(error instanceof LockfileError ? error.message : error);
    process.exit(1);
  }
}
