/**
 * `npm start`: the whole CRM on this machine (DESIGN §3.2). Options:
 *   --port <n>       the CRM (SPA + callables), default 4000, env CRM_PORT
 *   --auth-port <n>  the Auth emulator, default 9099, env CRM_AUTH_PORT
 *   --data-dir <dir> where data is kept, default <repo>/.data, env CRM_DATA_DIR
 *   --no-seed        start without the demo tenants and logins
 */
import { parseArgs } from 'node:util';
import { DataDirInUseError } from '../src/runtime/data-dir-lock.js';
import { PortInUseError } from '../src/runtime/ports.js';
import { DEFAULT_AUTH_PORT, DEFAULT_PORT, defaultDataDir } from '../src/runtime/runtime-constants.js';
import { startEmbeddedStack, type EmbeddedStack } from '../src/runtime/start-embedded-stack.js';
import { formatReadyBanner } from '../src/runtime/format-ready-banner.js';

function parsePort(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name} must be a port number between 0 and 65535, not "${value}".`);
    process.exit(2);
  }
  return port;
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'auth-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'no-seed': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm start -- [--port 4000] [--auth-port 9099] [--data-dir .data] [--no-seed]');
  process.exit(0);
}

const port = parsePort(values.port ?? process.env.CRM_PORT, DEFAULT_PORT, '--port / CRM_PORT');
const authPort = parsePort(values['auth-port'] ?? process.env.CRM_AUTH_PORT, DEFAULT_AUTH_PORT, '--auth-port / CRM_AUTH_PORT');
const dataDir = values['data-dir'] ? defaultDataDir({ CRM_DATA_DIR: values['data-dir'] }) : defaultDataDir();

// Ctrl-C while starting abandons the start: the emulator stops at once, a seed
// in progress is finished first (so .data never holds half a demo).
const starting = new AbortController();
const interrupt = (signal: string) => () => {
  if (starting.signal.aborted) return;
  console.log(`\n${signal}: abandoning the start ...`);
  starting.abort(new Error(`${signal} while starting`));
};
const earlyInt = interrupt('Ctrl-C');
const earlyTerm = interrupt('SIGTERM');
process.on('SIGINT', earlyInt);
process.on('SIGTERM', earlyTerm);

const startedAt = Date.now();
console.log(`Starting CRM Pro (data in ${dataDir}) ...`);
let stack: EmbeddedStack;
try {
  stack = await startEmbeddedStack({ port, authPort, dataDir, seed: !values['no-seed'], signal: starting.signal });
} catch (error) {
  if (starting.signal.aborted) {
    console.log('Stopped. Data is kept in', dataDir);
    process.exit(0);
  }
  if (error instanceof PortInUseError || error instanceof DataDirInUseError) {
    console.error(`\n${error.message}`);
  } else {
    console.error('\nCRM Pro did not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
}

process.off('SIGINT', earlyInt);
process.off('SIGTERM', earlyTerm);
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping CRM Pro ...`);
  try {
    await stack.stop();
    console.log('Stopped. Data is kept in', stack.dataDir);
    process.exit(0);
  } catch (error) {
    console.error('CRM Pro did not stop cleanly:', error);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
console.log(formatReadyBanner(stack, Date.now() - startedAt));

void stack.ended.then((reason) => {
  if (reason === null || stopping) return;
  console.error(`\n${reason} CRM Pro stopped; start it again with npm start.`);
  process.exit(1);
});
