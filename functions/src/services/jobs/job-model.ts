import { z } from 'zod';
import type { DocumentData } from '../../store/document-store.js';

/**
 * A long-running piece of work on a tenant's data (import, export, bulk
 * action, recompute, merge), one document at `crm_tenants/{t}/jobs/{jobId}`.
 *
 * The handler of its `kind` runs it slice by slice (jobs/job-service.ts). A
 * slice saves `cursor` and progress with `checkpoint`, in the same
 * transaction as the writes the slice made when it passes one, so after any
 * crash the next slice resumes exactly after the last committed work.
 */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['queued', 'running'];

/** How many times a slice may fail in a row (a crash of the handler, not of the process) before the job is failed. */
export const MAX_SLICE_ATTEMPTS = 5;

const JobErrorSchema = z.object({ code: z.string(), message: z.string(), messageKey: z.string().optional() });

export const JobDocSchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** The module the job works on; its read permission decides who may watch the job. */
  module: z.string().nullable(),
  status: z.enum(JOB_STATUSES),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  /** The handler's input, validated by the handler. */
  params: z.record(z.string(), z.unknown()),
  progress: z.object({
    /** Units of work in all (rows, records), when known. */
    total: z.number().nullable(),
    /** Units finished so far. */
    done: z.number(),
    /** Handler-defined tallies: created, updated, failed, skipped… */
    counts: z.record(z.string(), z.number()),
  }),
  /** Where the next slice starts; the handler's own JSON. */
  cursor: z.unknown(),
  cancelRequested: z.boolean(),
  /** Slices that failed in a row; reset by a slice that succeeds. */
  attempts: z.number().int(),
  error: JobErrorSchema.nullable(),
  /** The handler's outcome (a file path, a summary), shown when the job ends. */
  result: z.record(z.string(), z.unknown()).nullable(),
});
export type JobDoc = z.infer<typeof JobDocSchema>;

export function parseJob(data: DocumentData): JobDoc {
  return JobDocSchema.parse(data);
}

export function isFinished(status: JobStatus): boolean {
  return !ACTIVE_JOB_STATUSES.includes(status);
}
