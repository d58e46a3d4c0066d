import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory/memory-store.js';
import { useKillableStacks } from './test-support/killable-stacks.js';
import { storeFilePath } from './runtime-constants.js';
import { startEmbeddedStack, type EmbeddedStack } from './start-embedded-stack.js';

/**
 * An import job survives SIGKILL of the process running it: the embedded
 * runtime (a child process on a temp data folder) imports 3,000 patients, is
 * killed with SIGKILL once the job has committed some chunks, twice, and is
 * restarted on the same folder each time; the job resumes from its last
 * checkpoint. At the end every valid row's record exists exactly once (by
 * its Patient ID, a unique field, and by the row the import stamped on it),
 * every invalid row is counted once as failed, the counts match the file,
 * and no record number was handed out twice. (Numbers come from leased
 * blocks and are gap-tolerant by design — DESIGN §5 — so gaps are allowed.)
 *
 * Machine load changes only how far the job gets before each kill: the test
 * polls the job and asserts on what was committed, never on time.
 */
const TENANT = 'demo-hospital';
const ROWS = 3_000;
const KILLS = 2;
/** Every 100th row has an invalid email: it must end in the error count, once. */
const isInvalid = (row: number): boolean => row % 100 === 99;

const stacks = useKillableStacks('import-crash');

async function call(stack: EmbeddedStack, token: string, name: string, data: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.url}/${stack.projectId}/${stack.region}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ data }),
  });
  const body = (await response.json()) as { result?: Record<string, unknown>; error?: unknown };
  if (response.status !== 200 || !body.result) throw new Error(`${name} answered ${response.status}: ${JSON.stringify(body.error)}`);
  return body.result;
}

function buildCsv(): string {
  const lines = ['Patient ID,Full Name,Date of Birth,Phone,Email,Status'];
  for (let row = 0; row < ROWS; row += 1) {
    const email = isInvalid(row) ? 'not-an-email' : `crash${row}@example.com`;
    lines.push(`CRASH-${row},Crash Patient ${row},1980-01-${String((row % 28) + 1).padStart(2, '0')},+1 555 ${String(1000 + (row % 9000))},${email},New`);
  }
  return `${lines.join('\n')}\n`;
}

interface JobState {
  readonly status: string;
  readonly done: number;
  readonly counts: Record<string, number>;
}

async function jobState(stack: EmbeddedStack, token: string, jobId: string): Promise<JobState> {
  const { job } = (await call(stack, token, 'crmGetJob', { tenantId: TENANT, jobId })) as { job: { status: string; progress: { done: number; counts: Record<string, number> } } };
  return { status: job.status, done: job.progress.done, counts: job.progress.counts };
}

/** Reads the data folder as the killed process left it (nothing runs on it now). */
async function withStoreFile<T>(dataDir: string, read: (store: MemoryStore) => Promise<T>): Promise<T> {
  const store = new MemoryStore({ filePath: storeFilePath(dataDir), enforceIndexes: false });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}


describe('an import job under SIGKILL', () => {
  it(`imports ${ROWS} rows through ${KILLS} kills with 0 duplicate and 0 lost rows`, async () => {
    const options = await stacks.newStackOptions();
    const { dataDir } = options;
    let stack = await startEmbeddedStack(options);
    let token = await stacks.signIn();

    const csv = Buffer.from(buildCsv());
    const upload = (await call(stack, token, 'crmStartImportUpload', { tenantId: TENANT, module: 'patients', fileName: 'crash.csv', size: csv.length })) as {
      uploadId: string;
      url: string;
      headers: Record<string, string>;
    };
    const put = await fetch(new URL(upload.url, stack.url), { method: 'PUT', headers: upload.headers, body: csv });
    expect(put.status).toBeLessThan(300);
    const mapping = ['patient_id', 'full_name', 'date_of_birth', 'phone', 'email', 'status'].map((field, column) => ({ column, field }));
    const { jobId } = (await call(stack, token, 'crmStartImport', {
      tenantId: TENANT,
      uploadId: upload.uploadId,
      options: { mapping, mode: 'create', runWorkflows: false },
    })) as { jobId: string };

    const committedAtKill: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      // Wait until this run of the runtime has committed at least one chunk more than the last one left.
      const floor = committedAtKill[committedAtKill.length - 1] ?? 0;
      let state = await jobState(stack, token, jobId);
      while (state.status !== 'done' && state.status !== 'failed' && state.done <= floor) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        state = await jobState(stack, token, jobId);
      }
      expect(state.status, `the job was still running when kill ${kill + 1} was due`).toBe('running');
      process.kill(stack.runtimePid as number, 'SIGKILL');
      await stack.ended;
      await stack.stop();
      // What the dead process left on disk: some chunks committed, not all.
      const onDisk = await withStoreFile(dataDir, async (store) => (await store.get(`crm_tenants/${TENANT}/jobs/${jobId}`))?.data as { status: string; progress: { done: number } });
      expect(onDisk.status).toBe('running');
      expect(onDisk.progress.done).toBeGreaterThan(floor);
      expect(onDisk.progress.done).toBeLessThan(ROWS);
      committedAtKill.push(onDisk.progress.done);

      stack = await startEmbeddedStack(options);
      token = await stacks.signIn();
    }

    // The restarted runtime resumes the job from its checkpoint and finishes it.
    let final = await jobState(stack, token, jobId);
    while (final.status === 'running' || final.status === 'queued') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      final = await jobState(stack, token, jobId);
    }
    await stack.stop();

    const invalid = Array.from({ length: ROWS }, (_, row) => row).filter(isInvalid).length;
    expect(final.status).toBe('done');
    expect(final.done).toBe(ROWS);
    expect(final.counts).toMatchObject({ created: ROWS - invalid, failed: invalid });

    const records = await withStoreFile(dataDir, async (store) =>
      (await store.query({ collection: `crm_tenants/${TENANT}/records` })).map((doc) => doc.data as { module: string; number: string; data: Record<string, unknown>; imported?: { jobId: string; row: number } }),
    );
    const imported = records.filter((record) => record.imported?.jobId === jobId);
    const patientIds = imported.map((record) => String(record.data.patient_id));
    const expected = Array.from({ length: ROWS }, (_, row) => row).filter((row) => !isInvalid(row)).map((row) => `CRASH-${row}`);
    expect(new Set(patientIds).size, 'no row imported twice').toBe(patientIds.length);
    expect([...patientIds].sort()).toEqual([...expected].sort());
    expect(new Set(imported.map((record) => record.imported?.row)).size).toBe(expected.length);
    const crashRows = records.filter((record) => String(record.data.patient_id ?? '').startsWith('CRASH-'));
    expect(crashRows.length, 'no record of the file outside the import').toBe(expected.length);
    const numbers = records.filter((record) => record.module === 'patients').map((record) => record.number);
    expect(new Set(numbers).size, 'record numbers are unique').toBe(numbers.length);
    const errorRows = await withStoreFile(dataDir, async (store) => (await store.query({ collection: `crm_tenants/${TENANT}/jobs/${jobId}/import_errors` })).length);
    expect(errorRows, 'each invalid row has one error document').toBe(invalid);
    expect(committedAtKill).toHaveLength(KILLS);
  }, 900_000);
});
