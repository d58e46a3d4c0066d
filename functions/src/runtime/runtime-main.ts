/**
 * The embedded runtime's process: started by `startEmbeddedStack` with the
 * emulator settings in its environment (never set anywhere else), it serves
 * the deployed callables, the SPA and the change feed, seeds the demo, then
 * reports `ready` to the parent. It stops on the parent's `stop`, on SIGTERM /
 * SIGINT, or when the parent goes away, always flushing the store first.
 */
import type { App } from 'firebase-admin/app';
import { getInstanceServices } from '../wiring/instance-services.js';
import { SignedUrlFileStore } from '../services/files/signed-url-file-store.js';
import { openEmbeddedMemoryStore } from '../wiring/embedded-store.js';
import { ensureDemoUsers } from './demo/demo-users.js';
import { seedDemo } from './demo/seed-demo.js';
import { PortInUseError } from './ports.js';
import { connectWorkflowHooks } from './workflow-hooks.js';
import { startFormulaSweepTimer } from './formula-sweep-timer.js';
import { instanceConfig } from '../wiring/instance-config.js';
import { isParentMessage, ZRuntimeOptionsSchema, type RuntimeMessage, type TRuntimeOptions } from './runtime-protocol.js';
import { createRuntimeApp, listen, type HttpsFunction, type ListeningServer } from './runtime-server.js';
import { isAuthEmulatorConfig, waitForHttp } from './wait-for-http.js';

let stopping: Promise<void> | null = null;
/** The demo seed in progress: a stop waits for it, so the data folder never holds half a demo. */
let seeding: Promise<unknown> | null = null;
let server: ListeningServer | null = null;
let disconnectTriggers: (() => void) | null = null;
let stopFormulaSweeps: (() => void) | null = null;

function send(message: RuntimeMessage): void {
  if (process.send) process.send(message);
}

async function main(): Promise<void> {
  const options = ZRuntimeOptionsSchema.parse(JSON.parse(process.env.CRM_RUNTIME_OPTIONS ?? '{}'));
  const adminApp = await initializeAdminApp(options.projectId);
  // Loaded only now, after the emulator settings are in place: these are the deployed function objects.
  const functions = await import('../index.js');
  const callables = collectCallables(functions);
  const httpFunctions = collectHttpFunctions(functions);
  const services = await getInstanceServices();
  const store = await openEmbeddedMemoryStore();
  const hooks = await connectWorkflowHooks(services, store);
  disconnectTriggers = hooks.disconnect;

  server = await listen(
    createRuntimeApp({
      projectId: options.projectId,
      region: options.region,
      callables,
      httpFunctions,
      webDistDir: options.webDistDir,
      authEmulatorPort: options.authEmulatorPort,
      ...(services.files instanceof SignedUrlFileStore ? { files: services.files } : {}),
    }),
    options.host,
    options.port,
  );

  // Jobs cut off by a crash or a restart go on from their last checkpoint.
  const resumed = await services.jobs.resumeActive();
  if (resumed > 0) console.log(`Resuming ${resumed} unfinished job(s).`);
  // The crmSweepDueFormulas schedule's stand-in (TODAY()/NOW() formulas of tenants whose day turned).
  stopFormulaSweeps = startFormulaSweepTimer(services, { defaultTimeZone: instanceConfig().timeZone });

  const seedRun = options.seed ? seedDemo(services, { templatesDir: options.templatesDir }) : Promise.resolve(null);
  seeding = seedRun;
  const seed = await seedRun;
  if (stopping) return; // asked to stop while seeding: the seed is complete, the rest is not wanted
  if (options.seed) await createUsers(adminApp, options);
  send({ type: 'ready', port: server.port, seed, triggers: hooks.triggers, tasks: hooks.tasks });
}

async function initializeAdminApp(projectId: string): Promise<App> {
  const { getApps, initializeApp } = await import('firebase-admin/app');
  // The default app: firebase-functions verifies callers' ID tokens with it, against the Auth emulator.
  return getApps()[0] ?? initializeApp({ projectId });
}

async function createUsers(app: App, options: TRuntimeOptions): Promise<void> {
  const url = `http://${options.authEmulatorHost}:${options.authEmulatorPort}`;
  await waitForHttp(`${url}/emulator/v1/projects/${options.projectId}/config`, { timeoutMs: 120_000, accept: isAuthEmulatorConfig });
  await ensureDemoUsers(app);
}

/** The exports of index.ts that are v2 `onCall` functions, by exported name. */
function collectCallables(module: Record<string, unknown>): Map<string, HttpsFunction> {
  const callables = new Map<string, HttpsFunction>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function') continue;
    const endpoint = (value as { __endpoint?: { callableTrigger?: unknown } }).__endpoint;
    if (endpoint?.callableTrigger !== undefined) callables.set(name, value as HttpsFunction);
  }
  return callables;
}

/** The exports of index.ts that are v2 `onRequest` functions (the REST API), by exported name. */
function collectHttpFunctions(module: Record<string, unknown>): Map<string, HttpsFunction> {
  const functions = new Map<string, HttpsFunction>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function') continue;
    const endpoint = (value as { __endpoint?: { httpsTrigger?: unknown } }).__endpoint;
    if (endpoint?.httpsTrigger !== undefined) functions.set(name, value as HttpsFunction);
  }
  return functions;
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    try {
      await seeding?.catch(() => undefined);
      await server?.close();
      disconnectTriggers?.();
      stopFormulaSweeps?.();
      const store = await openEmbeddedMemoryStore();
      // Let in-flight workflow deliveries finish, but never hang shutdown on one.
      await Promise.race([store.whenIdle(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await store.close();
    } catch (error) {
      console.error('The CRM runtime did not stop cleanly:', error);
      process.exitCode = 1;
    }
  })();
  return stopping;
}

process.on('message', (message: unknown) => {
  if (isParentMessage(message)) void stop().then(() => process.exit());
});
// The parent died without saying stop: do not outlive it.
process.on('disconnect', () => void stop().then(() => process.exit()));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop().then(() => process.exit()));

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  send({ type: 'failed', message, portInUse: error instanceof PortInUseError ? error.port : null });
  if (!(error instanceof PortInUseError)) console.error(error);
  await stop();
  process.exit(1);
});
