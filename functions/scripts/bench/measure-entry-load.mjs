/**
 * One cold start of the deployed entry (lib/index.js), in a fresh process:
 * `node measure-entry-load.mjs <entry> <warm-module> <warm-export> [count]`.
 * FUNCTION_TARGET (set by the parent) says which function this instance
 * serves, as Cloud Functions does. Times the entry's import plus the kind's
 * warm-up (the modules and services its first request needs), and with
 * `count` also counts the modules loaded (ES modules through a loader hook,
 * CommonJS through require.cache). Counting slows loading, so the parent
 * times and counts in separate runs. Prints one JSON line.
 */
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const [entry, warmModule, warmExport, mode] = process.argv.slice(2);
const count = mode === 'count';
const esm = new Set();
let port1;
if (count) {
  const channel = new MessageChannel();
  port1 = channel.port1;
  port1.on('message', (url) => esm.add(url));
  register('./count-modules-hooks.mjs', import.meta.url, { data: { port: channel.port2 }, transferList: [channel.port2] });
}

const started = performance.now();
await import(pathToFileURL(entry).href);
const entryMs = performance.now() - started;
const warm = (await import(pathToFileURL(warmModule).href))[warmExport];
await warm();
const readyMs = performance.now() - started;

let modules = null;
if (count) {
  // Let the loader thread's last messages arrive.
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const cjs = Object.keys(createRequire(import.meta.url).cache).map((path) => pathToFileURL(path).href);
  modules = new Set([...esm, ...cjs]).size;
  port1.close();
}
process.stdout.write(`${JSON.stringify({ entryMs, readyMs, modules })}\n`);
process.exit(0);
