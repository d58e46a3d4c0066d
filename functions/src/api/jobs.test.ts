import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../test-support/build-test-env.js';
import type { JobHandler } from '../services/jobs/job-handler.js';
import type { TJobView } from './job-schemas.js';

let env: TestEnv;
let gate = deferred();

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Lets every waiting job finish, then closes the gate again for the next test. */
async function release() {
  gate.resolve();
  await env.services.jobs.whenIdle();
  gate = deferred();
}

/** A job that waits until the test releases it, so its progress can be watched and cancelled. */
const waiting: JobHandler = {
  kind: 'waiting',
  async runSlice({ checkpoint }) {
    await gate.promise;
    await checkpoint({ done: 1, counts: { seen: 1 } });
    return { done: true };
  },
};

beforeAll(async () => {
  env = await buildTestEnv();
  env.services.jobs.register(waiting);
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

async function startJob(module: string | null, createdBy: string) {
  return env.services.jobs.start({ tenantId: 'acme', kind: 'waiting', module, createdBy, params: {} });
}

describe('job callables', () => {
  it('show a job on a module to whoever may read the module, and nothing to other tenants', async () => {
    const job = await startJob('patients', 'acme-admin');
    const seen = await env.call<{ job: TJobView }>(env.users.acmeMember, 'crmGetJob', { tenantId: 'acme', jobId: job.id });
    expect(seen.job).toMatchObject({ id: job.id, kind: 'waiting', module: 'patients', createdBy: 'acme-admin' });
    expect(typeof seen.job.createdAt).toBe('string');
    const listed = await env.call<{ jobs: TJobView[] }>(env.users.acmeMember, 'crmListJobs', { tenantId: 'acme', module: 'patients' });
    expect(listed.jobs.map((j) => j.id)).toContain(job.id);
    expect((await env.callError(env.users.globexOwner, 'crmGetJob', { tenantId: 'globex', jobId: job.id })).code).toBe('not-found');
    expect((await env.callError(env.users.globexOwner, 'crmGetJob', { tenantId: 'acme', jobId: job.id })).code).toBe('permission-denied');
    await release();
    const done = await env.call<{ job: TJobView }>(env.users.acmeMember, 'crmGetJob', { tenantId: 'acme', jobId: job.id });
    expect(done.job).toMatchObject({ status: 'done', progress: { done: 1, counts: { seen: 1 } } });
  });

  it('keep a job without a module to its creator and the admins', async () => {
    const job = await startJob(null, 'acme-member-2');
    expect((await env.callError(env.users.acmeMember, 'crmGetJob', { tenantId: 'acme', jobId: job.id })).code).toBe('not-found');
    const listed = await env.call<{ jobs: TJobView[] }>(env.users.acmeMember, 'crmListJobs', { tenantId: 'acme' });
    expect(listed.jobs.map((j) => j.id)).not.toContain(job.id);
    await env.call(env.users.acmeMember2, 'crmGetJob', { tenantId: 'acme', jobId: job.id });
    await env.call(env.users.acmeAdmin, 'crmGetJob', { tenantId: 'acme', jobId: job.id });
    await release();
  });

  it('let the creator or an admin cancel, and nobody else', async () => {
    const job = await startJob('patients', 'acme-member-2');
    const refused = await env.callError(env.users.acmeMember, 'crmCancelJob', { tenantId: 'acme', jobId: job.id });
    expect(refused.code).toBe('permission-denied');
    const cancelled = await env.call<{ job: TJobView }>(env.users.acmeMember2, 'crmCancelJob', { tenantId: 'acme', jobId: job.id });
    expect(cancelled.job.cancelRequested).toBe(true);
    await release();
    // The slice that was running when cancel came finished its work; the job then ends as done, not half-cancelled.
    const after = await env.call<{ job: TJobView }>(env.users.acmeAdmin, 'crmGetJob', { tenantId: 'acme', jobId: job.id });
    expect(['done', 'cancelled']).toContain(after.job.status);
  });
});
