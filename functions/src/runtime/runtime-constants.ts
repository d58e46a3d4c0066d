import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `demo-` prefix makes firebase-tools and firebase-admin treat the project
 * as emulator-only: no real project, no credentials, no network calls.
 */
export const EMBEDDED_PROJECT_ID = 'demo-crm-pro';
export const EMBEDDED_REGION = 'us-central1';

export const DEFAULT_PORT = 4000;
export const DEFAULT_AUTH_PORT = 9099;
/** The runtime and the emulator listen on IPv4 loopback only: a local demo is not for the LAN. */
export const DEFAULT_HOST = '127.0.0.1';

/** functions/src/runtime (or functions/lib/runtime when compiled) -> repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FUNCTIONS_DIR = resolve(REPO_ROOT, 'functions');
export const TEMPLATES_DIR = resolve(REPO_ROOT, 'templates');
export const WEB_DIST_DIR = resolve(REPO_ROOT, 'web/dist');

/**
 * `CRM_DATA_DIR` when set, else `<repo>/.data`: one place for everything
 * `npm run reset` wipes. A relative folder is taken from where the user typed
 * the command (`INIT_CWD`, set by npm), not from the workspace npm runs in.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CRM_DATA_DIR?.trim();
  return fromEnv ? resolve(process.env.INIT_CWD ?? process.cwd(), fromEnv) : resolve(REPO_ROOT, '.data');
}

/** The store's SQLite database inside a data folder. */
export function storeFilePath(dataDir: string): string {
  return resolve(dataDir, 'store.sqlite');
}

/** The single JSON file earlier versions kept the whole store in; imported once, then kept as a backup. */
export function legacyStoreFilePath(dataDir: string): string {
  return resolve(dataDir, 'store.json');
}
