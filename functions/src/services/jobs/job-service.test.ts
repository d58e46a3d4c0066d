import { describe, expect, it } from 'vitest';
import { buildTestEnv } from '../../test-support/build-test-env.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import type { JobHandler } from './job-handler.js';
import { JobService, MAX_ACTIVE_JOBS_PER_TENANT, type JobServiceOptions } from './job-service.js';

const ROWS = 95;
const BATCH = 10;

/**
 * A job that creates one document per row, `BATCH` rows per transaction,
 * with its checkpoint in the same transaction. `create` fails on an existing
 * document, so any row written twice fails the job.
 */
function rowWriter(hooks: { beforeBatch?: (batch: number) => Promise<void> | void } = {}): JobHandler {
  return {
    kind: 'rows',
    async runSlice({ services, tenantId, job, checkpoint, deadline }) {
      let next = (job.cursor as number | null) ?? 0;
      while (next < ROWS) {
        if (Date.now() > deadline) return { done: false };
        await hooks.beforeBatch?.(next / BATCH);
        const end = Math.min(ROWS, next + BATCH);
        const start = next;
        await services.store.runTransaction(async (tx) => {
          for (let row = start; row < end; row += 1) tx.create(`crm_tenants/${tenantId}/things/${row}`, { row });
          await checkpoint({ cursor: end, done: end - start, counts: { created: end - start }, total: ROWS }, tx);
        });
        next = end;
      }
      await checkpoint({ result: { rows: ROWS } });
      return { done: true };
    },
  };
}

async function setup(handler: JobHandler, options: Partial<JobServiceOptions> = {}) {
  const env = await buildTestEnv();
  const jobs = new JobService({ store: env.store, handlers: [handler], retryDelayMs: () => 1, sliceMs: 60_000, ...options });
  jobs.bind(env.services);
  return { env, jobs };
}

async function things(env: Awaited<ReturnType<typeof buildTestEnv>>) {
  return (await env.store.query({ collection: 'crm_tenants/acme/things' })).length;
}

describe('JobService', () => {
  it('runs a job to the end and keeps exact progress', async () => {
    const { env, jobs } = await setup(rowWriter());
    const started = await jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} });
    expect(started.status).toBe('queued');
    await jobs.whenIdle();
    const job = await jobs.get('acme', started.id);
    expect(job).toMatchObject({ status: 'done', progress: { total: ROWS, done: ROWS, counts: { created: ROWS } }, result: { rows: ROWS }, error: null });
    expect(job?.startedAt).toBeInstanceOf(Date);
    expect(job?.finishedAt).toBeInstanceOf(Date);
    expect(await things(env)).toBe(ROWS);
  });

  it('retries a failed slice from its last checkpoint: nothing twice, nothing lost', async () => {
    let failures = 0;
    const { env, jobs } = await setup(
      rowWriter({
        beforeBatch: (batch) => {
          if ((batch === 3 || batch === 7) && failures < 4) {
            failures += 1;
            throw new Error('connection reset');
          }
        },
      }),
    );
    const { id } = await jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} });
    await jobs.whenIdle();
    expect(failures).toBe(4);
    expect(await jobs.get('acme', id)).toMatchObject({ status: 'done', attempts: 0, progress: { done: ROWS, counts: { created: ROWS } } });
    expect(await things(env)).toBe(ROWS);
  });

  it('resumes a job whose process died mid-way, in another process, exactly once per row', async () => {
    // The first "process" stops answering after three committed batches (a SIGKILL looks like this from the store).
    const hang = new Promise<never>(() => {});
    const { env, jobs: first } = await setup(rowWriter({ beforeBatch: (batch) => (batch === 3 ? hang : undefined) }));
    const { id } = await first.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} });
    for (let i = 0; i < 200 && (await things(env)) < 30; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await first.get('acme', id)).toMatchObject({ status: 'running', cursor: 30 });

    const second = new JobService({ store: env.store, handlers: [rowWriter()], retryDelayMs: () => 1, exclusive: true });
    second.bind(env.services);
    expect(await second.resumeActive()).toBe(1);
    await second.whenIdle();
    expect(await second.get('acme', id)).toMatchObject({ status: 'done', progress: { done: ROWS, counts: { created: ROWS } } });
    expect(await things(env)).toBe(ROWS);
  });

  it('leaves a job alone while another runner holds its lease (not exclusive)', async () => {
    const hang = new Promise<never>(() => {});
    const { env, jobs: first } = await setup(rowWriter({ beforeBatch: (batch) => (batch === 1 ? hang : undefined) }));
    const { id } = await first.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} });
    for (let i = 0; i < 200 && (await things(env)) < 10; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const other = new JobService({ store: env.store, handlers: [rowWriter()] });
    other.bind(env.services);
    const outcome = await other.runSlice({ tenantId: 'acme', jobId: id }, Date.now() + 1_000);
    expect(outcome.done).toBe(false);
    expect(outcome.retryAfterMs).toBeGreaterThan(1_000);
    expect(await things(env)).toBe(10);
  });

  it('stops a cancelled job before its next slice', async () => {
    let slices = 0;
    const slow: JobHandler = {
      kind: 'rows',
      async runSlice({ checkpoint }) {
        slices += 1;
        await checkpoint({ done: 1 });
        return { done: slices >= 1_000 };
      },
    };
    const { jobs } = await setup(slow);
    const { id } = await jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} });
    while (slices < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    await jobs.requestCancel('acme', id);
    await jobs.whenIdle();
    const job = await jobs.get('acme', id);
    expect(job?.status).toBe('cancelled');
    expect(slices).toBeLessThan(1_000);
    expect(job?.progress.done).toBe(slices);
  });

  it('fails a job at once on a user mistake, and after repeated crashes otherwise', async () => {
    const mistaken: JobHandler = {
      kind: 'rows',
      async runSlice() {
        throw new CrmError(CRM_ERROR_CODES.invalidInput, 'The file has no header row.', [], { messageKey: 'imports.noHeader' });
      },
    };
    const a = await setup(mistaken);
    const first = await a.jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} });
    await a.jobs.whenIdle();
    expect(await a.jobs.get('acme', first.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'invalid-input', message: 'The file has no header row.', messageKey: 'imports.noHeader' },
    });

    let calls = 0;
    const broken: JobHandler = {
      kind: 'rows',
      async runSlice() {
        calls += 1;
        throw new Error('disk on fire');
      },
    };
    const b = await setup(broken);
    const second = await b.jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} });
    await b.jobs.whenIdle();
    expect(calls).toBe(5);
    expect(await b.jobs.get('acme', second.id)).toMatchObject({ status: 'failed', error: { code: 'job-failed', message: 'disk on fire' } });
  });

  it('caps the jobs one tenant may have running, so it cannot fill the queue others use', async () => {
    const hang = new Promise<never>(() => {});
    const { jobs } = await setup(rowWriter({ beforeBatch: () => hang }));
    for (let i = 0; i < MAX_ACTIVE_JOBS_PER_TENANT; i += 1) {
      await jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {}, jobId: `j${i}` });
    }
    await expect(jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {} })).rejects.toMatchObject({
      code: 'precondition',
      messageKey: 'errors.job.tooMany',
    });
    // Starting an existing id again is not a new job; another tenant is not affected.
    await jobs.start({ tenantId: 'acme', kind: 'rows', module: null, createdBy: 'acme-admin', params: {}, jobId: 'j0' });
    await jobs.start({ tenantId: 'globex', kind: 'rows', module: null, createdBy: 'globex-owner', params: {} });
  });

  it('starts a job id once, lists newest first by module and kind, and keeps tenants apart', async () => {
    const { jobs } = await setup(rowWriter());
    const input = { tenantId: 'acme', kind: 'rows', module: 'patients', createdBy: 'acme-admin', params: {}, jobId: 'import-1' };
    await jobs.start(input);
    await jobs.start(input);
    await jobs.start({ ...input, jobId: 'import-2', module: 'doctors' });
    await jobs.whenIdle();
    expect((await jobs.list('acme', { module: 'patients' })).map((job) => job.id)).toEqual(['import-1']);
    expect((await jobs.list('acme', { kind: 'rows' })).map((job) => job.id).sort()).toEqual(['import-1', 'import-2']);
    expect(await jobs.list('acme', { module: 'patients', kind: 'rows' })).toHaveLength(1);
    expect(await jobs.list('globex')).toEqual([]);
    expect(await jobs.get('globex', 'import-1')).toBeNull();
  });
});
