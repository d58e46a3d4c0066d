import { z } from 'zod';
import { MigrationStepSchema } from '../../engine/template/migration-schema.js';
import type { VersionedStep } from '../../engine/template-lifecycle/apply-migrations.js';
import type { DocumentData } from '../../store/document-store.js';

/**
 * A tenant's data migration, one document at `crm_tenants/{t}/migrations/{jobId}`.
 *
 * `cursor` is the path of the last record examined (records are walked in
 * `__name__` order). It only ever moves in the same transaction that writes
 * the records it covers, so after any crash the job resumes exactly after the
 * last committed batch: nothing is skipped and nothing is migrated twice.
 */
export const MIGRATION_STATUSES = ['running', 'done'] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

/** An index slot a job brings up to date; when the job ends it becomes `ready`. */
export const JobIndexSlotSchema = z.object({ module: z.string(), field: z.string(), slot: z.number().int() });
export type JobIndexSlot = z.infer<typeof JobIndexSlotSchema>;

export const MigrationJobSchema = z.object({
  tenantId: z.string(),
  /**
   * `upgrade`: a template upgrade's data steps. `reindex`: no data change, only
   * the index fields of `modules`' records, after a field became indexed
   * (engine/template/index-slots.ts). Both end by marking `indexSlots` ready.
   */
  kind: z.enum(['upgrade', 'reindex']).default('upgrade'),
  /** Reindex only: the modules whose records are walked (null: every record). */
  modules: z.array(z.string()).nullable().default(null),
  indexSlots: z.array(JobIndexSlotSchema).default([]),
  templateSlug: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  status: z.enum(MIGRATION_STATUSES),
  /**
   * `scan`: walking every record by cursor. `settle`: the walk is over; until
   * `settleAfter` the job also migrates records other instances created with
   * a configuration cached from before the upgrade (see migration-runner.ts).
   */
  phase: z.enum(['scan', 'settle']).default('scan'),
  settleAfter: z.date().nullable().default(null),
  steps: z.array(z.intersection(MigrationStepSchema, z.object({ version: z.string() }))),
  cursor: z.string().nullable(),
  /** Records examined so far. */
  processed: z.number().int(),
  /** Records rewritten so far (the rest needed nothing). */
  migrated: z.number().int(),
  /** Records in the tenant when the upgrade was applied (progress denominator). */
  total: z.number().int(),
  batches: z.number().int(),
  createdBy: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  finishedAt: z.date().nullable(),
  lastError: z.string().nullable(),
});
export type MigrationJob = z.output<typeof MigrationJobSchema> & { readonly steps: VersionedStep[] };

/** The progress fields every new job (upgrade or reindex) starts with: running, nothing scanned yet. */
export function freshJobProgress(createdBy: string, now: Date) {
  return {
    status: 'running' as const,
    phase: 'scan' as const,
    settleAfter: null,
    cursor: null,
    processed: 0,
    migrated: 0,
    batches: 0,
    createdBy,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    lastError: null,
  };
}

export function parseMigrationJob(data: DocumentData): MigrationJob {
  return MigrationJobSchema.parse(data) as MigrationJob;
}

export interface MigrationJobView {
  readonly jobId: string;
  readonly kind: 'upgrade' | 'reindex';
  /** Fields being indexed by this job, as `module.field`. */
  readonly indexing: string[];
  readonly tenantId: string;
  readonly templateSlug: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly status: MigrationStatus;
  readonly phase: 'scan' | 'settle';
  readonly processed: number;
  readonly migrated: number;
  readonly total: number;
  /** 0–100; records created during the run can make `processed` exceed `total`, so it is capped. */
  readonly percent: number;
  readonly steps: VersionedStep[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly lastError: string | null;
}

export function toMigrationJobView(jobId: string, job: MigrationJob): MigrationJobView {
  const percent = job.status === 'done' ? 100 : job.total === 0 ? 0 : Math.min(99, Math.floor((job.processed / job.total) * 100));
  return {
    jobId,
    kind: job.kind,
    indexing: job.indexSlots.map((slot) => `${slot.module}.${slot.field}`),
    tenantId: job.tenantId,
    templateSlug: job.templateSlug,
    fromVersion: job.fromVersion,
    toVersion: job.toVersion,
    status: job.status,
    phase: job.phase,
    processed: job.processed,
    migrated: job.migrated,
    total: job.total,
    percent,
    steps: job.steps,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
    lastError: job.lastError,
  };
}
