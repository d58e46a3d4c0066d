import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAuthEmulator, type AuthEmulator } from './auth-emulator.js';
import { lockDataDir } from './data-dir-lock.js';
import { DEMO_PASSWORD, DEMO_USERS } from './demo/demo-accounts.js';
import type { SeedSummary } from './demo/seed-demo.js';
import { assertPortFree, pickFreePort, PortInUseError, portInUseMessage } from './ports.js';
import { stopProcessGroup } from './process-group.js';
import {
  DEFAULT_AUTH_PORT,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultDataDir,
  EMBEDDED_PROJECT_ID,
  EMBEDDED_REGION,
  FUNCTIONS_DIR,
  TEMPLATES_DIR,
  WEB_DIST_DIR,
} from './runtime-constants.js';
import { relayRuntimeOutput, type RuntimeLogLevel } from './runtime-log.js';
import { isRuntimeMessage, type RuntimeMessage, type TRuntimeOptions } from './runtime-protocol.js';

export interface EmbeddedStackOptions {
  /** The CRM's port (SPA, callables, runtime.json). Default 4000; 0 picks a free one. */
  readonly port?: number;
  /** The Auth emulator's port. Default 9099; 0 picks a free one. Ignored with `authEmulatorUrl`. */
  readonly authPort?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Where the store is persisted. Default `CRM_DATA_DIR`, else `<repo>/.data`. */
  readonly dataDir?: string;
  /** Seed the demo (once per data folder) and create the demo logins. Default true. */
  readonly seed?: boolean;
  /** The built SPA. Default `<repo>/web/dist`. */
  readonly webDistDir?: string;
  /** Use this running Auth emulator (e.g. one shared by several stacks in a test run) instead of starting one. */
  readonly authEmulatorUrl?: string;
  /** How much of the runtime's own logging to show. Default 'info'; tests may prefer 'warn'. */
  readonly logLevel?: RuntimeLogLevel;
  /**
   * Abandons a start in progress (Ctrl-C while starting): the emulator is
   * stopped, the runtime finishes a seed it began (never half a demo on disk)
   * and stops, and the promise rejects with the signal's reason.
   */
  readonly signal?: AbortSignal;
}

export interface DemoLogin {
  readonly email: string;
  readonly password: string;
  readonly uid: string;
  readonly label: string;
}

export interface EmbeddedStack {
  /** e.g. `http://127.0.0.1:4000`: the SPA, and the origin for `connectFunctionsEmulator`. */
  readonly url: string;
  readonly port: number;
  /** e.g. `http://127.0.0.1:9099`, for `connectAuthEmulator` and the Auth REST API. */
  readonly authEmulatorUrl: string;
  readonly authPort: number;
  readonly projectId: string;
  readonly region: string;
  readonly dataDir: string;
  /** The runtime's process id (the crash tests kill it). */
  readonly runtimePid: number | undefined;
  /** Null when started with `seed: false`. */
  readonly seed: SeedSummary | null;
  readonly logins: readonly DemoLogin[];
  /** Whether record changes reach the workflow handler (false while services/records/on-record-written.ts is missing). */
  readonly workflowsConnected: boolean;
  /** Whether delayed / scheduled workflow tasks run (false while services/workflows/local-task-runner.ts is missing). */
  readonly tasksRunning: boolean;
  /** Stops the runtime (flushing the store) and the Auth emulator it started. Idempotent. */
  stop(): Promise<void>;
  /**
   * Settles once the stack is down: null after stop(), or why it went down on
   * its own (the runtime or the emulator died; the rest is then stopped too).
   */
  readonly ended: Promise<string | null>;
}

/**
 * Brings up the whole local CRM (DESIGN §3.2): the Auth emulator, and the
 * embedded runtime in its own Node process (the emulator settings it needs
 * must never leak into this one, and a fresh process per start gives fresh
 * module state, so a process may start and stop stacks any number of times).
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions = {}): Promise<EmbeddedStack> {
  const host = options.host ?? DEFAULT_HOST;
  const dataDir = options.dataDir ?? defaultDataDir();
  const seed = options.seed ?? true;
  const requestedPort = options.port ?? DEFAULT_PORT;

  await assertPortFree(host, requestedPort, { what: 'The CRM', option: '--port or CRM_PORT' });
  const external = options.authEmulatorUrl ? new URL(options.authEmulatorUrl) : null;
  let authHost = host;
  let authPort: number;
  if (external) {
    authHost = external.hostname;
    authPort = Number(external.port);
  } else {
    authPort = options.authPort ?? DEFAULT_AUTH_PORT;
    await assertPortFree(host, authPort, { what: 'The Auth emulator', option: '--auth-port or CRM_AUTH_PORT' });
    if (authPort === 0) authPort = await pickFreePort(host);
  }

  const lock = await lockDataDir(dataDir);
  const runtimeOptions: TRuntimeOptions = {
    projectId: EMBEDDED_PROJECT_ID,
    region: EMBEDDED_REGION,
    host,
    port: requestedPort,
    authEmulatorHost: authHost,
    authEmulatorPort: authPort,
    seed,
    templatesDir: TEMPLATES_DIR,
    webDistDir: options.webDistDir ?? WEB_DIST_DIR,
  };

  // Both start at once: the emulator's ~10 s cold start overlaps the runtime's start and seed.
  const runtime = startRuntimeProcess(runtimeOptions, dataDir, options.logLevel ?? 'info');
  const signal = options.signal;
  const starting = external ? Promise.resolve(null) : startAuthEmulator({ host, port: authPort, ...(signal ? { signal } : {}) });
  const abandon = (): void => void runtime.stop();
  signal?.addEventListener('abort', abandon, { once: true });
  // An emulator that dies after answering would leave the runtime waiting for it to create the logins.
  const lost = starting.then((started) =>
    started ? started.exited.then((how): never => { throw new Error(`The Auth emulator ${how} during start-up.`); }) : new Promise<never>(() => {}),
  );
  const [emulatorResult, runtimeResult] = await Promise.allSettled([starting, Promise.race([runtime.ready, lost])]);
  signal?.removeEventListener('abort', abandon);
  const emulator: AuthEmulator | null = emulatorResult.status === 'fulfilled' ? emulatorResult.value : null;
  if (emulatorResult.status === 'rejected' || runtimeResult.status === 'rejected') {
    // A runtime that cannot reach the emulator usually means the emulator died; that is the story to tell.
    const emulatorGone = emulator
      ? await Promise.race([emulator.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1_000))])
      : null;
    const emulatorOutput = emulator?.outputTail() ?? '';
    await runtime.stop();
    await emulator?.stop();
    await lock.release();
    if (signal?.aborted) throw signal.reason;
    if (emulatorGone !== null) {
      throw new Error(`The Auth emulator ${emulatorGone} while the CRM was starting (did something else stop it?). Its last output:\n${emulatorOutput}`);
    }
    if (emulator && runtimeResult.status === 'rejected' && /ECONNREFUSED/.test(String(runtimeResult.reason))) {
      throw new Error(`${String(runtimeResult.reason)}\nThe Auth emulator's last output:\n${emulatorOutput}`);
    }
    const failure = runtimeResult.status === 'rejected' && runtimeResult.reason instanceof PortInUseError ? runtimeResult : emulatorResult.status === 'rejected' ? emulatorResult : runtimeResult;
    throw failure.status === 'rejected' ? failure.reason : new Error('The CRM did not start.');
  }
  if (signal?.aborted) {
    // Aborted in the instant between "ready" and here.
    await runtime.stop();
    await emulatorResult.value?.stop();
    await lock.release();
    throw signal.reason;
  }
  const ready = runtimeResult.value;

  let stopped: Promise<void> | null = null;
  const killOnExit = (): void => {
    runtime.kill();
    emulator?.kill();
  };
  process.once('exit', killOnExit);
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      await runtime.stop();
      await emulator?.stop();
      await lock.release();
    })();
    return stopped;
  };
  // Half a CRM is no use: when either process dies on its own, the other is stopped too and `ended` says why.
  const ended = Promise.race([
    runtime.exited.then((how) => `The CRM runtime ${how}.`),
    emulator ? emulator.exited.then((how) => `The Auth emulator ${how}.`) : new Promise<string>(() => {}),
  ]).then(async (reason) => {
    if (stopped) {
      await stopped;
      return null;
    }
    await stop();
    return reason;
  });
  return {
    url: `http://${host}:${ready.port}`,
    port: ready.port,
    authEmulatorUrl: `http://${authHost}:${authPort}`,
    authPort,
    projectId: EMBEDDED_PROJECT_ID,
    region: EMBEDDED_REGION,
    dataDir,
    runtimePid: runtime.pid,
    seed: ready.seed,
    logins: seed ? DEMO_USERS.map((user) => ({ email: user.email, password: DEMO_PASSWORD, uid: user.uid, label: user.label })) : [],
    workflowsConnected: ready.triggers,
    tasksRunning: ready.tasks,
    ended,
    stop,
  };
}

type Ready = Extract<RuntimeMessage, { type: 'ready' }>;

interface RuntimeProcess {
  readonly pid: number | undefined;
  readonly ready: Promise<Ready>;
  /** Asks the runtime to stop (it flushes the store), and forces it after a grace period. */
  stop(): Promise<void>;
  /** Last resort when this process exits without stop(): synchronous. */
  kill(): void;
  /** Settles when the process ends, with how it ended. */
  readonly exited: Promise<string>;
}

function startRuntimeProcess(options: TRuntimeOptions, dataDir: string, logLevel: RuntimeLogLevel): RuntimeProcess {
  const ownFile = fileURLToPath(import.meta.url);
  const entry = fileURLToPath(new URL(`./runtime-main${extname(ownFile)}`, import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    cwd: FUNCTIONS_DIR,
    // From sources (npm start, vitest) the child needs tsx's loader; compiled, plain Node does.
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: runtimeEnv(options, dataDir),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Own process group: Ctrl-C reaches only the parent, which stops the runtime in order (store flushed last).
    detached: true,
  });

  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `was stopped by ${signal}` : `exited with code ${code}`));
  });
  relayRuntimeOutput(child.stdout, process.stdout, logLevel);
  relayRuntimeOutput(child.stderr, process.stderr, logLevel);

  const ready = new Promise<Ready>((resolve, reject) => {
    child.on('message', (message: unknown) => {
      if (!isRuntimeMessage(message)) return;
      if (message.type === 'ready') resolve(message);
      else if (message.portInUse !== null) {
        reject(new PortInUseError(message.portInUse, portInUseMessage(message.portInUse, { what: 'The CRM', option: '--port or CRM_PORT' })));
      } else reject(new Error(`The CRM runtime failed to start: ${message.message}`));
    });
    child.once('exit', (code, signal) => reject(new Error(`The CRM runtime exited during start-up (${signal ?? `code ${code}`}).`)));
  });
  // A rejection after `ready` resolved (normal exit) is of no interest.
  ready.catch(() => {});

  return {
    pid: child.pid,
    ready,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.send({ type: 'stop' });
      const forced = setTimeout(() => void stopProcessGroup(child, 2_000), 15_000);
      await exited;
      clearTimeout(forced);
    },
    kill: () => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
    },
  };
}

/** The only place the emulator settings are set, and only for the runtime's process. */
function runtimeEnv(options: TRuntimeOptions, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CRM_STORE: 'memory',
    CRM_DATA_DIR: dataDir,
    CRM_REGION: options.region,
    CRM_RUNTIME_OPTIONS: JSON.stringify(options),
    FUNCTIONS_EMULATOR: 'true',
    FIREBASE_AUTH_EMULATOR_HOST: `${options.authEmulatorHost}:${options.authEmulatorPort}`,
    GCLOUD_PROJECT: options.projectId,
    GOOGLE_CLOUD_PROJECT: options.projectId,
    FIREBASE_CONFIG: JSON.stringify({ projectId: options.projectId }),
  };
}
