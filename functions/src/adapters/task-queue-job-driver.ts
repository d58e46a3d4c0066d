import { z } from 'zod';
import type { Services } from '../services/create-services.js';
import type { JobDriver, JobRef } from '../services/jobs/job-service.js';

/** The task-queue function that runs job slices (exported from index.ts). */
export const JOB_TASK_FUNCTION = 'crmRunJobTask';

/** How long one task may run a slice (task functions time out at 540 s here, see task-functions.ts). */
export const JOB_SLICE_MS = 240_000;

type TaskQueue = { enqueue(data: unknown, options: { id?: string; scheduleDelaySeconds?: number }): Promise<void> };

/**
 * Production: one Cloud Task per slice. A job's slices run one after the
 * other (each enqueues the next), so a tenant's job holds at most one
 * dispatch of the queue at a time; a crash makes Cloud Tasks retry the
 * slice, which resumes from the job's last checkpoint. Task ids name the job
 * and the slice, so a duplicate enqueue is refused.
 */
export class TaskQueueJobDriver implements JobDriver {
  private queue: Promise<TaskQueue> | undefined;

  constructor(private readonly options: { region: string }) {}

  async dispatch(ref: JobRef, slice: string = `s${Date.now()}`, delaySeconds = 0): Promise<void> {
    const queue = await this.taskQueue();
    try {
      await queue.enqueue(ref, { id: `job-${ref.tenantId}-${ref.jobId}-${slice}`, ...(delaySeconds > 0 ? { scheduleDelaySeconds: delaySeconds } : {}) });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'functions/task-already-exists') throw error;
    }
  }

  private taskQueue(): Promise<TaskQueue> {
    this.queue ??= (async () => {
      const [{ getApps, initializeApp }, { getFunctions }] = await Promise.all([import('firebase-admin/app'), import('firebase-admin/functions')]);
      if (getApps().length === 0) initializeApp();
      return getFunctions().taskQueue(`locations/${this.options.region}/functions/${JOB_TASK_FUNCTION}`) as TaskQueue;
    })();
    return this.queue;
  }
}

const PayloadSchema = z.object({ tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/), jobId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

/** The body of `crmRunJobTask`: one slice, then the next task. Throwing (a store failure) makes Cloud Tasks retry. */
export async function runJobTask(services: Services, data: unknown, driver: TaskQueueJobDriver): Promise<void> {
  const ref = PayloadSchema.parse(data);
  const outcome = await services.jobs.runSlice(ref, Date.now() + JOB_SLICE_MS);
  if (!outcome.done) await driver.dispatch(ref, `s${Date.now()}`, Math.ceil((outcome.retryAfterMs ?? 0) / 1000));
}
