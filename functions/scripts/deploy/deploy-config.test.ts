/**
 * What `firebase deploy` reads, checked against what the code and README say:
 * the Node runtime, the functions' lockfile step, hosting's caching and
 * fallback (served by superstatic, the library behind Firebase Hosting and its
 * emulator, installed with firebase-tools), storage rules, the TTL policy, and
 * the premise of firestore.rules (the SPA reads nothing directly).
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(repo, path), 'utf8')) as T;

interface FirebaseJson {
  functions: Array<{ source: string; runtime: string; predeploy: string[]; ignore: string[] }>;
  hosting: Record<string, unknown> & { public: string };
  storage?: { rules: string };
  firestore: { rules: string; indexes: string };
}
const firebaseJson = readJson<FirebaseJson>('firebase.json');

/** Enough of a semver range for `engines` (">=20 <23", ">=20", "22"). */
function satisfiesMajor(major: number, range: string): boolean {
  return range.split(/\s+/).every((part) => {
    const match = /^(>=|<=|>|<|=)?(\d+)/.exec(part);
    if (!match) throw new Error(`unsupported engines range part "${part}"`);
    const [, op = '=', value] = match;
    const v = Number(value);
    return op === '>=' ? major >= v : op === '<=' ? major <= v : op === '>' ? major > v : op === '<' ? major < v : major === v;
  });
}

describe('functions deploy', () => {
  const [fn] = firebaseJson.functions;

  it('deploys on a runtime that engines, the README and the machines here all accept', () => {
    const runtimeMajor = Number(/^nodejs(\d+)$/.exec(fn!.runtime)?.[1]);
    const engines = readJson<{ engines: { node: string } }>('functions/package.json').engines.node;
    expect(satisfiesMajor(runtimeMajor, engines)).toBe(true);
    // The code is tested on this machine's Node, which must be inside the same range.
    expect(satisfiesMajor(Number(process.versions.node.split('.')[0]), engines)).toBe(true);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain(`\`${fn!.runtime}\``);
  });

  it('builds and writes the lockfile Cloud Build installs from, before every deploy', () => {
    expect(fn!.predeploy).toEqual(['npm --prefix "$RESOURCE_DIR" run build', 'npm --prefix "$RESOURCE_DIR" run deploy-lockfile']);
    expect(fn!.ignore).not.toContain('package-lock.json');
  });

  it('keeps the deploy params in functions/.env (read the same way at deploy and at run time)', () => {
    const env = readFileSync(join(repo, 'functions/.env'), 'utf8');
    for (const name of ['CRM_REGION', 'CRM_MAX_INSTANCES', 'CRM_ENFORCE_APP_CHECK']) expect(env).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

describe('firestore and storage', () => {
  it('declares the TTL policies of workflow logs and task registries', () => {
    const { fieldOverrides = [] } = readJson<{ fieldOverrides?: Array<{ collectionGroup: string; fieldPath: string; ttl?: boolean }> }>(firebaseJson.firestore.indexes);
    for (const group of ['workflow_logs', 'crm_task_names']) {
      expect(fieldOverrides).toContainEqual(expect.objectContaining({ collectionGroup: group, fieldPath: 'expireAt', ttl: true }));
    }
  });

  it('deploys storage rules that confine uploads to crm/{tenant}/{module}/ with size and type limits', () => {
    expect(firebaseJson.storage?.rules).toBe('storage.rules');
    const rules = readFileSync(join(repo, 'storage.rules'), 'utf8');
    expect(rules).toContain('match /crm/{tenantId}/{module}/{uploadId}/{fileName}');
    expect(rules).toMatch(/request\.resource\.size <= 25 \* 1024 \* 1024/);
  });

  // firestore.rules deny every client read because the SPA makes none: this keeps that true.
  it('has an SPA that imports no Firestore client (it reads only through callables)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx)$/.test(name) && /from ['"]firebase\/(firestore|firestore\/lite)['"]|import\(['"]firebase\/firestore/.test(readFileSync(path, 'utf8'))) {
          offenders.push(path);
        }
      }
    };
    walk(join(repo, 'web/src'));
    expect(offenders).toEqual([]);
  });
});

describe('hosting', () => {
  let dist: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'crm-hosting-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js'), 'console.log(1)');
    // superstatic comes with firebase-tools (the root's dev dependency): it is what serves firebase.json's hosting config.
    const { default: superstatic } = createRequire(join(repo, 'package.json'))('superstatic') as {
      default: (options: Record<string, unknown>) => (req: unknown, res: unknown, next: () => void) => void;
    };
    const handler = superstatic({ config: { ...firebaseJson.hosting, public: '.' }, cwd: dist, compression: false });
    server = createServer((req, res) =>
      handler(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    if (dist && existsSync(dist)) rmSync(dist, { recursive: true, force: true });
  });

  it('caches hashed assets for a year, immutable', async () => {
    const response = await fetch(`${base}/assets/index-Ab12Cd34.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers 404 for a missing hashed asset instead of index.html (a stale tab must not run HTML as JS)', async () => {
    const response = await fetch(`${base}/assets/index-Old00000.js`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('<div id="root">');
  });

  it('serves index.html for app routes, never cached, so a deploy reaches every tab on reload', async () => {
    for (const path of ['/', '/index.html', '/t/acme/records/patients']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
  });
});
