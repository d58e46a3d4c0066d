/**
 * Cold start of the deployed entry (lib/index.js, built first), per function
 * kind: each run is a fresh Node process with FUNCTION_TARGET naming one
 * function, as Cloud Functions starts an instance. `entryMs` is the import of
 * the entry (what the platform waits for before serving); `readyMs` adds the
 * kind's warm-up: the modules and services its first request needs (the
 * Firestore client included, no network). Modules are counted in a separate
 * run (counting slows loading). Alone: `npx tsx scripts/bench-cold-start.ts`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const functionsDir = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 10;
/** The budget for a callable instance, on these (shared, 2-core) machines. */
export const CALLABLE_BUDGET_MS = 300;

const KINDS = [
  { kind: 'callable', target: 'crmGetRecord', module: 'lib/wiring/callable-functions.js', warm: 'loadCallableHandler' },
  { kind: 'trigger', target: 'crmOnRecordWritten', module: 'lib/wiring/trigger-functions.js', warm: 'loadTriggerHandler' },
  { kind: 'taskQueue', target: 'crmRunWorkflowTask', module: 'lib/wiring/task-functions.js', warm: 'loadTaskHandlers' },
] as const;

interface Sample {
  readonly entryMs: number;
  readonly readyMs: number;
  readonly modules: number | null;
}

async function sample(target: string, module: string, warm: string, count: boolean): Promise<Sample> {
  const env: NodeJS.ProcessEnv = { ...process.env, FUNCTION_TARGET: target, K_SERVICE: target.toLowerCase(), GCLOUD_PROJECT: 'demo-bench' };
  // A deployed instance: Firestore, Cloud Tasks; none of the embedded runtime's settings.
  for (const name of ['CRM_STORE', 'CRM_TASKS', 'CRM_DATA_DIR', 'FIRESTORE_EMULATOR_HOST']) delete env[name];
  const { stdout } = await run(
    process.execPath,
    ['scripts/bench/measure-entry-load.mjs', 'lib/index.js', module, warm, ...(count ? ['count'] : [])],
    // K_SERVICE and FUNCTION_TARGET as Cloud Functions sets them; a project id so the Admin SDK needs no lookup.
    { cwd: functionsDir, env },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Sample;
}

const round = (value: number) => Math.round(value * 10) / 10;
function minMedian(values: number[]): { min: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: round(sorted[0] ?? 0), median: round(median) };
}

export async function benchColdStart(): Promise<Record<string, unknown>> {
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: functionsDir });
  const result: Record<string, unknown> = { runs: RUNS, entry: 'lib/index.js' };
  for (const { kind, target, module, warm } of KINDS) {
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i += 1) samples.push(await sample(target, module, warm, false));
    const counted = await sample(target, module, warm, true);
    result[kind] = {
      target,
      entryMs: minMedian(samples.map((s) => s.entryMs)),
      readyMs: minMedian(samples.map((s) => s.readyMs)),
      modulesLoaded: counted.modules,
    };
  }
  const callable = result.callable as { entryMs: { median: number } };
  result.callableEntryBudgetMs = CALLABLE_BUDGET_MS;
  result.callableEntryWithinBudget = callable.entryMs.median <= CALLABLE_BUDGET_MS;
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchColdStart(), null, 2));
}
