/**
 * `npm run smoke -- --project <project-id>`: checks a real (or emulated)
 * Firestore project end to end, then cleans up after itself.
 *
 * 1. The DocumentStore contract suite on FirestoreStore (vitest, the same
 *    file `npm run test:emulators` runs), under throwaway `contract_run…`
 *    roots. Its index-dependent cases need the suite's own composite indexes
 *    (store/contract/store-contract.ts), which the emulator does not check
 *    and a real project has only if they are deployed.
 * 2. One callable flow on a fresh smoke tenant (scripts/smoke/smoke-flow.ts):
 *    select a template, create, list, the default dashboard with a `sum`
 *    widget, a workflow run. Then the tenant and its OS documents are deleted.
 *
 * Credentials come from the environment: FIRESTORE_EMULATOR_HOST for the
 * emulator, or Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
 * `gcloud auth application-default login`) for a real project. Without either
 * it says so and exits 2 without touching anything.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CRM_APP_ID, membershipPath, OS_COLLECTIONS } from '../src/services/identity/os-firestore-identity.js';

export type SmokeTarget = { readonly kind: 'emulator'; readonly host: string } | { readonly kind: 'credentials'; readonly source: string };

/** Where Firestore credentials would come from, or null when there are none. */
export function findSmokeTarget(env: Readonly<Record<string, string | undefined>>, home = homedir()): SmokeTarget | null {
  if (env.FIRESTORE_EMULATOR_HOST) return { kind: 'emulator', host: env.FIRESTORE_EMULATOR_HOST };
  if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    return existsSync(env.GOOGLE_APPLICATION_CREDENTIALS) ? { kind: 'credentials', source: env.GOOGLE_APPLICATION_CREDENTIALS } : null;
  }
  const adc = join(env.CLOUDSDK_CONFIG ?? join(home, '.config', 'gcloud'), 'application_default_credentials.json');
  return existsSync(adc) ? { kind: 'credentials', source: adc } : null;
}

export function parseSmokeArgs(argv: readonly string[]): { project: string } | { error: string } {
  const index = argv.findIndex((arg) => arg === '--project' || arg.startsWith('--project='));
  const arg = index >= 0 ? argv[index] : undefined;
  const project = arg?.includes('=') ? arg.slice('--project='.length) : index >= 0 ? argv[index + 1] : undefined;
  if (!project || !/^[a-z][a-z0-9-]{4,29}$/.test(project)) return { error: 'Usage: npm run smoke -- --project <project-id> (a Firebase project id such as my-crm-prod).' };
  return { project };
}

export const NO_CREDENTIALS_MESSAGE = [
  'npm run smoke needs Firestore credentials or the Firestore emulator, and found neither, so nothing was run.',
  '  - a real project: Application Default Credentials, e.g. `gcloud auth application-default login`,',
  '    or GOOGLE_APPLICATION_CREDENTIALS=/path/to/service-account.json (roles: Cloud Datastore User);',
  '  - the emulator: FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 (e.g. inside `firebase emulators:exec --only firestore`; needs Java 21).',
].join('\n');

async function main(): Promise<number> {
  const args = parseSmokeArgs(process.argv.slice(2));
  if ('error' in args) {
    console.error(args.error);
    return 2;
  }
  const target = findSmokeTarget(process.env);
  if (!target) {
    console.error(NO_CREDENTIALS_MESSAGE);
    return 2;
  }
  console.log(`smoke: project ${args.project}, ${target.kind === 'emulator' ? `emulator at ${target.host}` : `credentials from ${target.source}`}`);
  process.env.GCLOUD_PROJECT = args.project;

  // 1. The contract suite, in its own process (vitest), against the same project.
  const functionsDir = fileURLToPath(new URL('..', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)('npx', ['vitest', 'run', 'src/store/firestore/firestore-store.contract.test.ts'], {
      cwd: functionsDir,
      env: { ...process.env, CRM_SMOKE_PROJECT: args.project },
      maxBuffer: 16 * 1024 * 1024,
    });
    console.log(stdout.split('\n').filter((line) => /Test Files|Tests /.test(line)).join('\n'));
  } catch (error) {
    console.error('smoke: the store contract suite failed on FirestoreStore:\n', (error as { stdout?: string }).stdout ?? error);
    return 1;
  }

  // 2. The callable flow on a throwaway tenant.
  const [{ getApps, initializeApp }, { getFirestore }, { FirestoreStore }, { createServices }, { loadTemplateFiles }, { seedTemplates }, { TEMPLATES_DIR }, flow] =
    await Promise.all([
      import('firebase-admin/app'),
      import('firebase-admin/firestore'),
      import('../src/store/firestore/firestore-store.js'),
      import('../src/services/create-services.js'),
      import('../src/services/templates/load-template-files.js'),
      import('../src/services/templates/seed-templates.js'),
      import('./smoke/templates-dir.js'),
      import('./smoke/smoke-flow.js'),
    ]);
  if (getApps().length === 0) initializeApp({ projectId: args.project });
  const db = getFirestore();
  const store = new FirestoreStore(db);
  const services = createServices({ store });
  const tenantId = `smoke-${Date.now().toString(36)}`;
  const uid = `smoke-owner-${tenantId}`;
  try {
    await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));
    await flow.runSmokeFlow({ services, tenantId, uid, report: (step) => console.log(`  ${step.ok ? 'ok  ' : 'FAIL'} ${step.step}: ${step.detail}`) });
    console.log(`smoke: passed on ${args.project}`);
    return 0;
  } catch (error) {
    console.error(`smoke: failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    // The contract suite writes under contract_<run>/… roots and leaves them: remove them too.
    for (const collection of await db.listCollections()) {
      if (collection.id.startsWith('contract_run')) await db.recursiveDelete(collection);
    }
    // Everything the flow created lives under the tenant's document or is one of its three OS documents.
    await db.recursiveDelete(db.doc(`crm_tenants/${tenantId}`));
    await Promise.all(
      [`${OS_COLLECTIONS.tenants}/${tenantId}`, `${OS_COLLECTIONS.tenantApps}/${tenantId}_${CRM_APP_ID}`, membershipPath(tenantId, uid)].map((path) => db.doc(path).delete()),
    );
    console.log(`smoke: cleaned up tenant ${tenantId}`);
    await db.terminate();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(await main());
