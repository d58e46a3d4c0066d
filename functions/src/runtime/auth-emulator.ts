import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_PROJECT_ID, REPO_ROOT } from './runtime-constants.js';
import { PortInUseError, pickFreePort, portInUseMessage } from './ports.js';
import { stopProcessGroup } from './process-group.js';
import { isAuthEmulatorConfig, waitForHttp } from './wait-for-http.js';

export interface AuthEmulatorOptions {
  readonly host: string;
  /** A concrete port (resolve 0 to a free port before calling). */
  readonly port: number;
  readonly projectId?: string;
  /** Give up when the emulator has not answered by then. Default 120 s (a cold start takes ~10 s of CPU). */
  readonly startTimeoutMs?: number;
  /** Abandons the start: the emulator is stopped and the promise rejects. */
  readonly signal?: AbortSignal;
}

export interface AuthEmulator {
  /** e.g. `http://127.0.0.1:9099`, what `connectAuthEmulator` takes. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Synchronous last resort when the owning process exits without stop(). */
  kill(): void;
  /** Settles when the emulator process ends, for whatever reason, with how it ended. */
  readonly exited: Promise<string>;
  /** The last lines the emulator printed, for error messages. */
  outputTail(): string;
}

/**
 * Runs `firebase emulators:start --only auth` from the repository's own
 * firebase-tools, with a throw-away firebase.json so the port is ours to
 * choose and the repository's firebase.json stays untouched.
 *
 * Offline notes (this is what keeps it from reaching the network):
 * - the `demo-` project id: no project lookup, no credentials;
 * - `CI=1`: firebase-tools skips its MOTD / remote-config fetch (otherwise a
 *   harmless "Unable to fetch the CLI MOTD" warning after a network timeout);
 * - `NO_UPDATE_NOTIFIER=1`: no npm registry check for a newer CLI;
 * - `ui.enabled=false`: the Emulator UI would be downloaded on first use;
 * - the Auth emulator itself is plain Node and needs no download.
 * `TMPDIR` points at the work folder so the hub's locator file is private to
 * this emulator: several stacks (parallel tests) do not warn about each other.
 */
export async function startAuthEmulator(options: AuthEmulatorOptions): Promise<AuthEmulator> {
  const projectId = options.projectId ?? EMBEDDED_PROJECT_ID;
  const { host, port } = options;
  const workDir = await mkdtemp(join(tmpdir(), 'crm-auth-emulator-'));
  const configPath = join(workDir, 'firebase.json');
  // The emulator hub (default 4400) and logging (4500) ports are fixed by
  // default; a second emulator on the machine (parallel test files, another
  // CRM) then fails with "An unexpected error has occurred". Give each its own.
  const [hubPort, loggingPort] = [await pickFreePort(host), await pickFreePort(host)];
  await writeFile(
    configPath,
    JSON.stringify(
      {
        emulators: {
          auth: { host, port },
          hub: { host, port: hubPort },
          logging: { host, port: loggingPort },
          ui: { enabled: false },
          singleProjectMode: true,
        },
      },
      null,
      2,
    ),
  );

  const cli = [firebaseCliPath(), 'emulators:start', '--only', 'auth', '--project', projectId, '--config', configPath];
  const child = spawn(process.execPath, ['-e', GUARD_SCRIPT, ...cli], {
    cwd: workDir,
    env: emulatorEnv(workDir),
    // Own process group: Ctrl-C in the terminal reaches only the parent, which
    // stops everything in order; stop() then signals the whole group.
    detached: true,
    // The IPC channel is the guard's lifeline to this process.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output = captureOutput(child);
  const url = `http://${host}:${port}`;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `was stopped by ${signal}` : `exited with code ${code}`));
  });
  const emulator: AuthEmulator = {
    url,
    host,
    port,
    stop: async () => {
      await stopProcessGroup(child);
      await rm(workDir, { recursive: true, force: true });
    },
    exited,
    outputTail: () => output.text(),
    kill: () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
  const abandon = (): void => void stopProcessGroup(child, 2_000);
  options.signal?.addEventListener('abort', abandon, { once: true });
  try {
    await waitUntilReady(url, projectId, child, output, options.startTimeoutMs ?? 120_000);
    options.signal?.throwIfAborted();
  } catch (error) {
    options.signal?.removeEventListener('abort', abandon);
    if (options.signal?.aborted) {
      await emulator.stop();
      throw options.signal.reason;
    }
    await emulator.stop();
    // Someone took the port between our check and the emulator's bind.
    if (/Port \d+ is not open/.test(output.text())) {
      throw new PortInUseError(port, portInUseMessage(port, { what: 'The Auth emulator', option: '--auth-port or CRM_AUTH_PORT' }));
    }
    throw error;
  }
  options.signal?.removeEventListener('abort', abandon);
  return emulator;
}

/**
 * A few lines of plain Node between us and firebase-tools: firebase-tools
 * does not notice when the process that started it dies (a test runner's
 * worker killed, an editor's terminal closed), and a forgotten emulator keeps
 * its port. The guard does notice (its IPC channel disconnects) and takes the
 * emulator down with it.
 */
const GUARD_SCRIPT = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, process.argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => { try { child.kill('SIGTERM'); } catch {} setTimeout(() => { try { child.kill('SIGKILL'); } catch {} process.exit(0); }, 5000).unref(); };
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => {
  // The throw-away config folder goes with the emulator, however it ended.
  try { require('node:fs').rmSync(process.env.CRM_AUTH_EMULATOR_WORKDIR, { recursive: true, force: true }); } catch {}
  process.exit(code === null ? 1 : code);
});
`;

function firebaseCliPath(): string {
  // The root devDependency, resolved like `node_modules/.bin/firebase` would be, but without a shell shim.
  return createRequire(join(REPO_ROOT, 'package.json')).resolve('firebase-tools/lib/bin/firebase.js');
}

function emulatorEnv(workDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_UPDATE_NOTIFIER: '1', TMPDIR: workDir, CRM_AUTH_EMULATOR_WORKDIR: workDir };
  // Settings of the embedded runtime must not leak into firebase-tools.
  for (const name of ['FUNCTIONS_EMULATOR', 'FIREBASE_AUTH_EMULATOR_HOST', 'FIRESTORE_EMULATOR_HOST', 'CRM_STORE']) delete env[name];
  return env;
}

interface OutputTail {
  text(): string;
}

function captureOutput(child: ChildProcess): OutputTail {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 60) lines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { text: () => lines.join('\n') };
}

async function waitUntilReady(
  url: string,
  projectId: string,
  child: ChildProcess,
  output: OutputTail,
  timeoutMs: number,
): Promise<void> {
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
  });
  try {
    await waitForHttp(`${url}/emulator/v1/projects/${projectId}/config`, {
      timeoutMs,
      accept: isAuthEmulatorConfig,
      abortIf: () => (exited === null ? null : `The Auth emulator ${exited} before it was ready.`),
    });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)} Its output:\n${output.text()}`);
  }
}
