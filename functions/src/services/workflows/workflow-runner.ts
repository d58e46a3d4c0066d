import { isStoreError, StoreError, type DocumentChange, type DocumentStore, type StoreValue } from '../../store/document-store.js';
import type { WorkflowAction, WorkflowActionType } from '../../engine/template/workflow-schema.js';
import { explainCondition, type ConditionExplanation, type RecordValues } from '../../engine/workflows/evaluate-condition.js';
import { classifyRecordEvent, matchesTrigger, type RecordEvent, type RecordEventKind } from '../../engine/workflows/match-trigger.js';
import { scheduledRunAt, scheduledTaskName, shortHash } from '../../engine/workflows/schedule.js';
import { isValidTimeZone } from '../../engine/time/zoned-time.js';
import type { ConfigStore } from '../config/config-store.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { isImportWithoutWorkflows, isMigrationWrite } from '../records/record-model.js';
import { automationMarkerOf } from './actions/update-field-action.js';
import type { ActionInput, ActionOutcome, ActionStatus, RecordSnapshot, WorkflowActionExecutor } from './actions/workflow-action.js';
import { recordValuesOf, snapshotOf, type RunContextLoader } from './run-context.js';
import { RetryTaskError, type TaskScheduler, type WorkflowTaskPayload } from './task-scheduler.js';
import type { WebhookSender } from './webhook-sender.js';
import type { WebhookSecrets } from './webhook-secrets.js';
import type { StoredWorkflow, WorkflowDefinitions } from './workflow-definitions.js';
import { workflowPaths } from './workflow-paths.js';
import { log } from '../logging/log.js';

const RECORD_PATH = /^crm_tenants\/([^/]+)\/records\/([^/]+)$/;

/** An automated update may cause at most this many further automated updates in a chain. */
export const MAX_CHAIN_DEPTH = 3;
/** How long a claimed run may take before a redelivery may take it over (the function crashed). */
const RUN_LEASE_MS = 5 * 60_000;
/** Records planned per backfill task. */
const BACKFILL_PAGE = 300;
/** Logs carry `expireAt` for a Firestore TTL policy; without one they are simply kept. */
const LOG_RETENTION_DAYS = 90;
/**
 * A scheduled run this long after its planned instant is "late": the system
 * was down (or the trigger backed up) when it was due. Queue dispatch is
 * seconds; five minutes keeps ordinary jitter from being called late.
 */
export const LATE_AFTER_MS = 5 * 60_000;

export type RunStatus = 'success' | 'failed' | 'skipped' | 'partial';

export interface RunSummary {
  readonly workflowId: string;
  readonly logId: string;
  readonly status: RunStatus | 'duplicate';
  readonly reason?: string;
  /** The record data after this run's update_field actions (for the workflows after it). */
  readonly data?: Record<string, unknown>;
}

/** What a manual run did; `repeated` when the same event id had already run (a retried request or a resumed job). */
export interface ManualRunSummary {
  readonly logId: string;
  readonly status: RunStatus;
  readonly reason?: string;
  readonly repeated: boolean;
}

export interface RecordChangeResult {
  readonly runs: RunSummary[];
  readonly planned: number;
  readonly cancelled: number;
}

export interface WorkflowRunnerDeps {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly definitions: WorkflowDefinitions;
  readonly scheduler: TaskScheduler;
  readonly contexts: RunContextLoader;
  readonly executors: ReadonlyMap<WorkflowActionType, WorkflowActionExecutor>;
  readonly secrets: WebhookSecrets;
  readonly sender: WebhookSender;
  readonly now: () => Date;
  /** The instance default (CRM_TIME_ZONE); a tenant's own `timezone` setting wins over it. */
  readonly timeZone: string;
}

interface RunEvent {
  readonly eventId: string;
  readonly kind: RecordEventKind | 'scheduled' | 'manual';
  /** A manual run: who asked, and the bulk job it belongs to (if any); kept in the run log. */
  readonly triggeredBy?: string;
  readonly jobId?: string;
  readonly depth: number;
  readonly previous: RecordValues | null;
  /** Set on a scheduled run that is late (see LATE_AFTER_MS): the instant it was due. */
  readonly plannedAt?: Date;
}

/**
 * Runs workflows for record events and for their tasks. Every run is
 * idempotent per (event, workflow): its log document is created before any
 * action runs, so a redelivered event finds it and does nothing; each action
 * is itself idempotent per (run, action) for the case where a crashed run is
 * taken over. Nothing here can fail the record write: it already happened.
 */
export class WorkflowRunner {
  constructor(private readonly deps: WorkflowRunnerDeps) {}

  async onRecordChange(change: DocumentChange): Promise<RecordChangeResult> {
    const empty: RecordChangeResult = { runs: [], planned: 0, cancelled: 0 };
    const match = RECORD_PATH.exec(change.path);
    if (!match) return empty;
    const [, tenantId = '', recordId = ''] = match;
    const before = change.before ? snapshotOf(recordId, change.before) : null;
    const after = change.after ? snapshotOf(recordId, change.after) : null;
    const current = after ?? before;
    if (!current) return empty;
    const kind = classifyRecordEvent({ before, after });
    const config = await this.deps.configs.load(tenantId);
    const module = config?.template ? resolveModule(config, current.module) : null;
    if (!config || !module) return empty;
    const workflows = (await this.deps.definitions.forModule(tenantId, config.revision, module.slug)).filter(
      (workflow) => workflow.definition.is_active,
    );
    if (workflows.length === 0) return empty;
    const timeZone = this.timeZoneOf(config);

    // When the write happened, by the writer's clock: a reminder due after it but before now fell due while this event waited.
    const writtenAt = after?.updatedAt ?? change.time;
    const scheduling = await this.planSchedules({ tenantId, recordId, workflows, before, after, timeZone, writtenAt });

    // A template-upgrade migration rewrites records to a new shape: that is not a user's edit, and
    // record_updated workflows must not mail 20,000 customers about it. Its schedules are still re-planned above.
    if (isMigrationWrite(change.before, change.after)) return { runs: [], ...scheduling };
    // An import the importer ran without workflows (the job marks its writes).
    if (isImportWithoutWorkflows(change.before, change.after)) return { runs: [], ...scheduling };
    const event: RecordEvent = { kind, before: before?.data ?? null, after: after?.data ?? null, statusField: module.statusField };
    const triggered = workflows.filter((workflow) => matchesTrigger({ workflow: workflow.definition, event }));
    if (triggered.length === 0) return { runs: [], ...scheduling };

    const marker = kind === 'updated' ? automationMarkerOf(change.after) : null;
    const depth = marker?.depth ?? 0;
    const runEvent: RunEvent = { eventId: safeId(change.eventId), kind, depth, previous: before && kind === 'updated' ? recordValuesOf(before) : null };
    const runnable: StoredWorkflow[] = [];
    const runs: RunSummary[] = [];
    for (const workflow of triggered) {
      if (marker && marker.workflowId === workflow.id) {
        runs.push(await this.logSkipped(tenantId, workflow, current, runEvent, 'Not re-triggered by its own update_field.'));
      } else if (depth >= MAX_CHAIN_DEPTH) {
        log.warn('workflow chain stopped at the depth limit', { depth, path: change.path, workflowId: workflow.id });
        runs.push(
          await this.logSkipped(tenantId, workflow, current, runEvent, `Automation chain stopped: depth limit ${MAX_CHAIN_DEPTH} reached (loop guard).`),
        );
      } else {
        runnable.push(workflow);
      }
    }
    if (runnable.length === 0) return { runs, ...scheduling };
    const loaded = await this.deps.contexts.load(tenantId, current, runnable.map((workflow) => workflow.definition), timeZone);
    // In execution_order, one after another: a later workflow sees an earlier one's update_field in its snapshot.
    let record = current;
    for (const workflow of runnable) {
      const summary = await this.runOne({ tenantId, workflow, record, event: runEvent, related: loaded.related, context: { ...loaded.context, data: record.data }, timeZone });
      runs.push(summary);
      if (summary.data) record = { ...record, data: summary.data };
    }
    return { runs, ...scheduling };
  }

  /** A scheduled workflow's task fired: re-check everything against the record as it is now. */
  async runScheduled(payload: Extract<WorkflowTaskPayload, { kind: 'scheduled' }>): Promise<RunSummary> {
    const { tenantId, recordId, workflowId } = payload;
    const dropped = (reason: string): RunSummary => ({ workflowId, logId: '', status: 'skipped', reason });
    const config = await this.deps.configs.load(tenantId);
    if (!config) return dropped('tenant has no CRM');
    const workflow = (await this.deps.definitions.forTenant(tenantId, config.revision)).find((candidate) => candidate.id === workflowId);
    if (!workflow || !workflow.definition.is_active || workflow.definition.trigger_type !== 'scheduled') return dropped('workflow gone or inactive');
    const doc = await this.deps.store.get(`crm_tenants/${tenantId}/records/${recordId}`);
    const record = doc ? snapshotOf(recordId, doc.data) : null;
    if (!record || record.deleted) return dropped('record deleted');
    const timeZone = this.timeZoneOf(config);
    // Re-derived in the tenant's zone as it is now: a task planned before the zone changed is stale like a moved date.
    const expected = scheduledRunAt({ workflow: workflow.definition, data: record.data, timeZone });
    if (!expected || expected.getTime() !== Date.parse(payload.runAt)) return dropped('stale: the date was moved');
    const late = this.deps.now().getTime() - expected.getTime() > LATE_AFTER_MS;
    const event: RunEvent = {
      eventId: `sched-${recordId}-${Math.floor(expected.getTime() / 1000)}`,
      kind: 'scheduled',
      depth: 0,
      previous: null,
      ...(late ? { plannedAt: expected } : {}),
    };
    const loaded = await this.deps.contexts.load(tenantId, record, [workflow.definition], timeZone);
    return this.runOne({ tenantId, workflow, record, event, related: loaded.related, context: loaded.context, timeZone });
  }

  /**
   * A user asked to run a manual workflow on a record (services/manual-runs
   * checked their rights). Logged exactly like an event-triggered run; the
   * log id (`eventId`, chosen by the caller per request or per (job, record))
   * makes it idempotent: asked again with the same event id, the first run's
   * outcome is answered and nothing runs twice.
   */
  async runManual({
    tenantId,
    workflow,
    recordId,
    eventId,
    triggeredBy,
    jobId,
  }: {
    tenantId: string;
    workflow: StoredWorkflow;
    recordId: string;
    eventId: string;
    triggeredBy: string;
    jobId?: string | undefined;
  }): Promise<ManualRunSummary> {
    const logId = `${safeId(eventId)}_${workflow.id}`;
    const earlier = await this.earlierRun(tenantId, logId);
    if (earlier) return earlier;
    const doc = await this.deps.store.get(`crm_tenants/${tenantId}/records/${recordId}`);
    const record = doc ? snapshotOf(recordId, doc.data) : null;
    if (!record || record.deleted) return { logId, status: 'skipped', reason: 'Record deleted.', repeated: false };
    const config = await this.deps.configs.load(tenantId);
    const timeZone = this.timeZoneOf(config);
    const event: RunEvent = { eventId: safeId(eventId), kind: 'manual', depth: 0, previous: null, triggeredBy, ...(jobId ? { jobId } : {}) };
    const loaded = await this.deps.contexts.load(tenantId, record, [workflow.definition], timeZone);
    const summary = await this.runOne({ tenantId, workflow, record, event, related: loaded.related, context: loaded.context, timeZone });
    if (summary.status === 'duplicate') {
      // Another request with the same id ran it between our check and our claim.
      return (await this.earlierRun(tenantId, logId)) ?? { logId, status: 'skipped', reason: 'Already run.', repeated: true };
    }
    return { logId, status: summary.status, ...(summary.reason ? { reason: summary.reason } : {}), repeated: false };
  }

  /** The outcome of a finished run with this log id, if there is one (a running one is left to the claim). */
  private async earlierRun(tenantId: string, logId: string): Promise<ManualRunSummary | null> {
    const existing = await this.deps.store.get(workflowPaths.log(tenantId, logId));
    const status = existing?.data.status;
    if (!existing || status === 'running' || typeof status !== 'string') return null;
    const reason = typeof existing.data.reason === 'string' ? existing.data.reason : typeof existing.data.error === 'string' ? existing.data.error : undefined;
    return { logId, status: status as RunStatus, ...(reason ? { reason } : {}), repeated: true };
  }

  /**
   * Plans a scheduled workflow for records that existed before it was saved
   * or re-activated: one page of the module's live records per task (the
   * module token + seq index lists them in order), then the next page as a
   * new task, so a large module never holds up a callable or times out.
   */
  async backfillSchedules(payload: Extract<WorkflowTaskPayload, { kind: 'backfill' }>): Promise<{ planned: number; next: number | null }> {
    const { tenantId, workflowId } = payload;
    const config = await this.deps.configs.load(tenantId);
    if (!config) return { planned: 0, next: null };
    const workflow = (await this.deps.definitions.forTenant(tenantId, config.revision)).find((candidate) => candidate.id === workflowId);
    if (!workflow || !workflow.definition.is_active || workflow.definition.trigger_type !== 'scheduled') return { planned: 0, next: null };
    const docs = await this.deps.store.query({
      collection: `crm_tenants/${tenantId}/records`,
      where: [{ field: 'tokens', op: 'array-contains', value: workflow.module }],
      orderBy: [{ field: 'seq' }],
      ...(payload.afterSeq !== null ? { startAfter: [payload.afterSeq] } : {}),
      limit: BACKFILL_PAGE,
    });
    const now = this.deps.now();
    const timeZone = this.timeZoneOf(config);
    let planned = 0;
    for (const doc of docs) {
      const record = snapshotOf(doc.id, doc.data);
      const runAt = record.deleted ? null : scheduledRunAt({ workflow: workflow.definition, data: record.data, timeZone });
      if (!runAt || runAt.getTime() <= now.getTime()) continue;
      await this.deps.scheduler.enqueue(scheduledTaskName({ tenantId, recordId: doc.id, workflowId, runAt }), runAt, {
        kind: 'scheduled',
        tenantId,
        recordId: doc.id,
        workflowId,
        runAt: runAt.toISOString(),
      });
      planned += 1;
    }
    const last = docs[docs.length - 1];
    const next = docs.length === BACKFILL_PAGE && last ? Number(last.data.seq) : null;
    if (next !== null) {
      await this.deps.scheduler.enqueue(backfillTaskName(tenantId, workflowId, next), now, { kind: 'backfill', tenantId, workflowId, afterSeq: next });
    }
    return { planned, next };
  }

  /** One delivery attempt of a queued webhook; throws RetryTaskError to be retried with backoff. */
  async deliverWebhook(payload: Extract<WorkflowTaskPayload, { kind: 'webhook' }>, attempt: number): Promise<void> {
    // Task queues deliver at least once: a delivery already recorded as done is not POSTed again.
    const log = await this.deps.store.get(workflowPaths.log(payload.tenantId, payload.logId));
    const previous = (log?.data.deliveries as Record<string, { status?: string }> | undefined)?.[String(payload.actionIndex)];
    if (previous?.status === 'success' || previous?.status === 'failed') return;
    const secret = await this.deps.secrets.get(payload.tenantId, payload.secretRef);
    const result = await this.deps.sender.send({ url: payload.url, body: payload.body, secret, eventId: payload.eventId, attempt });
    const final = result.ok || !result.retryable || attempt + 1 >= this.deps.scheduler.maxAttempts;
    const status: ActionStatus = result.ok ? 'success' : final ? 'failed' : 'queued';
    const message = result.ok
      ? `Delivered: HTTP ${result.status} after ${attempt + 1} attempt(s).`
      : final
        ? `Failed after ${attempt + 1} attempt(s): ${result.error}.`
        : `Attempt ${attempt + 1} failed (${result.error}); retrying with backoff.`;
    await this.recordDelivery(payload, { status, message, attempts: attempt + 1, httpStatus: result.ok ? result.status : result.status, durationMs: result.durationMs });
    if (!final) throw new RetryTaskError(message);
  }

  /** What a workflow would do for a record now, with nothing written (crmTestWorkflow). */
  async dryRun({
    tenantId,
    workflow,
    recordId,
    previousData,
  }: {
    tenantId: string;
    workflow: StoredWorkflow;
    recordId: string;
    previousData?: Record<string, unknown> | undefined;
  }): Promise<{
    conditions: ConditionExplanation;
    scheduledAt: string | null;
    actions: ActionOutcome[];
    record: RecordSnapshot;
    /** The related records the run read, by relationship path prefix (field-level security masks their hidden values). */
    related: Record<string, RecordValues | null>;
  } | null> {
    const doc = await this.deps.store.get(`crm_tenants/${tenantId}/records/${recordId}`);
    if (!doc) return null;
    const timeZone = this.timeZoneOf(await this.deps.configs.load(tenantId));
    const record = snapshotOf(recordId, doc.data);
    const loaded = await this.deps.contexts.load(tenantId, record, [workflow.definition], timeZone);
    const previous = previousData ? recordValuesOf({ ...record, data: { ...record.data, ...previousData } }) : null;
    const conditions = explainCondition({
      condition: workflow.definition.trigger_conditions,
      record: recordValuesOf(record),
      previous,
      related: loaded.related,
      now: this.deps.now(),
      timeZone,
    });
    const scheduledAt = scheduledRunAt({ workflow: workflow.definition, data: record.data, timeZone });
    const run = { eventId: 'dry-run', logId: 'dry-run', depth: 0, eventKind: 'test' };
    const actions: ActionOutcome[] = [];
    for (const [index, action] of workflow.definition.actions.entries()) {
      actions.push(await this.execute(action, { index, tenantId, workflow, record, context: loaded.context, run, now: this.deps.now(), timeZone, dryRun: true }));
    }
    return { conditions, scheduledAt: scheduledAt?.toISOString() ?? null, actions, record, related: loaded.related };
  }

  // ------------------------------------------------------------------ internals

  private async runOne({
    tenantId,
    workflow,
    record,
    event,
    related,
    context,
    timeZone,
  }: {
    tenantId: string;
    workflow: StoredWorkflow;
    record: RecordSnapshot;
    event: RunEvent;
    related: Record<string, RecordValues | null>;
    context: ActionInput['context'];
    timeZone: string;
  }): Promise<RunSummary> {
    const started = this.deps.now();
    const startedMs = Date.now();
    const logId = `${event.eventId}_${workflow.id}`;
    const conditions = explainCondition({
      condition: workflow.definition.trigger_conditions,
      record: recordValuesOf(record),
      previous: event.previous,
      related,
      // A late reminder is judged as of when it was due: "is_tomorrow" must not turn false because the system was down overnight.
      now: event.plannedAt ?? started,
      timeZone,
    });
    if (!conditions.result) {
      const failedLeaf = conditions.leaves.find((leaf) => !leaf.result);
      const reason = failedLeaf ? `Conditions not met (${failedLeaf.field} ${failedLeaf.operator}).` : 'Conditions not met.';
      return this.logSkipped(tenantId, workflow, record, event, reason);
    }
    const path = workflowPaths.log(tenantId, logId);
    const claimed = await this.claim(path, { ...this.logBase(workflow, record, event, started), status: 'running', leaseUntil: new Date(started.getTime() + RUN_LEASE_MS) });
    if (!claimed) return { workflowId: workflow.id, logId, status: 'duplicate' };

    // The run works on its own copy, so an update_field is visible to the actions after it.
    const data = { ...record.data };
    const runRecord: RecordSnapshot = { ...record, data };
    const runContext = { ...context, data };
    const run = { eventId: event.eventId, logId, depth: event.depth, eventKind: event.kind, ...(event.plannedAt ? { lateSince: event.plannedAt } : {}) };
    const outcomes: ActionOutcome[] = [];
    for (const [index, action] of workflow.definition.actions.entries()) {
      const outcome = await this.execute(action, {
        index,
        tenantId,
        workflow,
        record: runRecord,
        context: runContext,
        run,
        now: this.deps.now(),
        timeZone,
        dryRun: false,
      });
      if (outcome.dataChange && outcome.status === 'success') data[outcome.dataChange.field] = outcome.dataChange.value;
      outcomes.push(outcome);
    }
    const hasWebhook = outcomes.some((outcome) => outcome.type === 'webhook');
    const finish = (delivered: Record<string, unknown>): { status: RunStatus; update: Record<string, StoreValue> } => {
      const actions = outcomes.map((outcome) => storedOutcome(outcome, delivered[String(outcome.index)]));
      const status = summarizeStatus(actions.map((action) => action.status as ActionStatus));
      const failed = actions.find((action) => action.status === 'failed');
      const update: Record<string, StoreValue> = {
        status,
        actions,
        error: failed ? String(failed.message) : null,
        finishedAt: this.deps.now(),
        durationMs: Date.now() - startedMs,
        leaseUntil: null,
      };
      return { status, update };
    };
    let status: RunStatus;
    if (hasWebhook) {
      // A fast webhook task may already have recorded its delivery: merge, do not overwrite.
      status = await this.deps.store.runTransaction(async (tx) => {
        const doc = await tx.get(path);
        const result = finish((doc?.data.deliveries ?? {}) as Record<string, unknown>);
        tx.update(path, result.update);
        return result.status;
      });
    } else {
      const result = finish({});
      await this.deps.store.update(path, result.update);
      status = result.status;
    }
    return { workflowId: workflow.id, logId, status, data };
  }

  private async execute(action: WorkflowAction, input: Omit<ActionInput, 'action'>): Promise<ActionOutcome> {
    const executor = this.deps.executors.get(action.type);
    if (!executor) return { index: input.index, type: action.type, status: 'failed', message: `No executor for ${action.type}.` };
    try {
      return await executor.execute({ ...input, action });
    } catch (error) {
      // One failing action is logged and the next still runs; the record is never touched by the failure.
      return { index: input.index, type: action.type, status: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Creates the run's log document — the idempotency key. Returns false when
   * another delivery of the event already ran it; a run whose lease expired
   * (crashed instance) is taken over; one still leased throws a transient
   * error so the (retried) trigger or task comes back later.
   */
  private async claim(path: string, data: Record<string, StoreValue>): Promise<boolean> {
    try {
      await this.deps.store.create(path, data);
      return true;
    } catch (error) {
      if (!isStoreError(error, 'already-exists')) throw error;
    }
    const outcome = await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      const lease = doc?.data.leaseUntil;
      const running = doc?.data.status === 'running';
      const stale = running && lease instanceof Date && lease.getTime() < this.deps.now().getTime();
      if (running && !stale) return 'busy' as const;
      if (!stale) return 'done' as const;
      tx.update(path, { leaseUntil: new Date(this.deps.now().getTime() + RUN_LEASE_MS), takenOverAt: this.deps.now() });
      return 'claimed' as const;
    });
    // Another delivery holds a live lease: it may be running now, or it may have died mid-run (the
    // retried trigger's own first attempt). Answering "done" would lose the run in the second case,
    // so ask for a retry: a later delivery finds it finished, or takes over the expired lease.
    if (outcome === 'busy') {
      throw new StoreError('unavailable', `Workflow run ${path} is in progress in another delivery of the same event; retry after its lease.`);
    }
    return outcome === 'claimed';
  }

  private async logSkipped(tenantId: string, workflow: StoredWorkflow, record: RecordSnapshot, event: RunEvent, reason: string): Promise<RunSummary> {
    const logId = `${event.eventId}_${workflow.id}`;
    const now = this.deps.now();
    try {
      await this.deps.store.create(workflowPaths.log(tenantId, logId), {
        ...this.logBase(workflow, record, event, now),
        status: 'skipped',
        reason,
        actions: [],
        error: null,
        finishedAt: now,
        durationMs: 0,
      });
    } catch (error) {
      if (!isStoreError(error, 'already-exists')) throw error;
    }
    return { workflowId: workflow.id, logId, status: 'skipped', reason };
  }

  private logBase(workflow: StoredWorkflow, record: RecordSnapshot, event: RunEvent, started: Date): Record<string, StoreValue> {
    return {
      workflowId: workflow.id,
      workflowName: workflow.definition.name,
      module: workflow.module,
      trigger: workflow.definition.trigger_type,
      recordId: record.id,
      recordNumber: record.number,
      eventId: event.eventId,
      eventKind: event.kind,
      depth: event.depth,
      ...(event.triggeredBy ? { triggeredBy: event.triggeredBy } : {}),
      ...(event.jobId ? { jobId: event.jobId } : {}),
      startedAt: started,
      expireAt: new Date(started.getTime() + LOG_RETENTION_DAYS * 86_400_000),
      ...(event.plannedAt ? { late: true, plannedAt: event.plannedAt, lateByMs: started.getTime() - event.plannedAt.getTime() } : {}),
    };
  }

  private async planSchedules({
    tenantId,
    recordId,
    workflows,
    before,
    after,
    timeZone,
    writtenAt,
  }: {
    tenantId: string;
    recordId: string;
    workflows: readonly StoredWorkflow[];
    before: RecordSnapshot | null;
    after: RecordSnapshot | null;
    timeZone: string;
    writtenAt: Date;
  }): Promise<{ planned: number; cancelled: number }> {
    let planned = 0;
    let cancelled = 0;
    const now = this.deps.now();
    for (const workflow of workflows) {
      if (workflow.definition.trigger_type !== 'scheduled') continue;
      const at = (snapshot: RecordSnapshot | null) =>
        snapshot && !snapshot.deleted ? scheduledRunAt({ workflow: workflow.definition, data: snapshot.data, timeZone }) : null;
      const [previous, next] = [at(before), at(after)];
      if (previous?.getTime() === next?.getTime()) continue;
      const name = (runAt: Date) => scheduledTaskName({ tenantId, recordId, workflowId: workflow.id, runAt });
      if (previous) {
        await this.deps.scheduler.cancel(name(previous));
        cancelled += 1;
      }
      // A time already past when the record was written is not sent (a reminder for an appointment entered after it started is
      // noise); one that passed while this event waited (the runtime was down, the trigger backed up) is queued now and runs late.
      if (next && (next.getTime() > now.getTime() || next.getTime() > writtenAt.getTime())) {
        await this.deps.scheduler.enqueue(name(next), next, { kind: 'scheduled', tenantId, recordId, workflowId: workflow.id, runAt: next.toISOString() });
        planned += 1;
      }
    }
    return { planned, cancelled };
  }

  /** The tenant's zone when it set a usable one, else the instance default. */
  private timeZoneOf(config: TenantConfig | null): string {
    const zone = config?.timezone;
    return zone && isValidTimeZone(zone) ? zone : this.deps.timeZone;
  }

  private async recordDelivery(
    payload: Extract<WorkflowTaskPayload, { kind: 'webhook' }>,
    delivery: { status: ActionStatus; message: string; attempts: number; httpStatus: number | null; durationMs: number },
  ): Promise<void> {
    const path = workflowPaths.log(payload.tenantId, payload.logId);
    await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      if (!doc) return;
      const update: Record<string, StoreValue> = { [`deliveries.${payload.actionIndex}`]: { ...delivery, at: this.deps.now() } };
      const actions = doc.data.actions;
      if (doc.data.status !== 'running' && Array.isArray(actions)) {
        const merged = actions.map((entry) => {
          const action = entry as Record<string, StoreValue>;
          return action.index === payload.actionIndex ? { ...action, status: delivery.status, message: delivery.message, detail: { ...((action.detail as Record<string, StoreValue> | undefined) ?? {}), attempts: delivery.attempts, httpStatus: delivery.httpStatus } } : action;
        });
        const status = summarizeStatus(merged.map((action) => (action as { status: ActionStatus }).status));
        const failed = merged.find((action) => (action as { status: string }).status === 'failed') as { message?: string } | undefined;
        Object.assign(update, { actions: merged, status, error: failed?.message ?? null });
      }
      tx.update(path, update);
    });
  }
}

/** success: every action did its job (a queued webhook counts until it fails); failed: none did. */
export function summarizeStatus(statuses: readonly ActionStatus[]): RunStatus {
  if (statuses.length === 0) return 'skipped';
  const good = statuses.filter((status) => status === 'success' || status === 'queued' || status === 'would_run').length;
  const failed = statuses.filter((status) => status === 'failed').length;
  if (good === statuses.length) return 'success';
  if (statuses.every((status) => status === 'skipped')) return 'skipped';
  if (good === 0 && failed > 0) return 'failed';
  return 'partial';
}

function storedOutcome(outcome: ActionOutcome, delivered: unknown): Record<string, StoreValue> {
  const stored: Record<string, StoreValue> = {
    index: outcome.index,
    type: outcome.type,
    status: outcome.status,
    message: outcome.message,
    detail: JSON.parse(JSON.stringify(outcome.detail ?? {})) as Record<string, StoreValue>,
  };
  if (outcome.type === 'webhook' && delivered && typeof delivered === 'object') {
    const d = delivered as { status?: string; message?: string; attempts?: number; httpStatus?: number | null };
    stored.status = d.status ?? outcome.status;
    stored.message = d.message ?? outcome.message;
    stored.detail = { ...(stored.detail as Record<string, StoreValue>), attempts: d.attempts ?? 0, httpStatus: d.httpStatus ?? null };
  }
  return stored;
}

/** Per (workflow, page, save): a redelivered task re-plans the same page (idempotent), a later save starts afresh. */
export function backfillTaskName(tenantId: string, workflowId: string, afterSeq: number | null, savedAt?: string): string {
  const base = `${tenantId}-${workflowId}-${afterSeq ?? 'start'}${savedAt ? `-${Date.parse(savedAt)}` : ''}`;
  return `b${shortHash(base)}-${base}`;
}

/** Event ids become parts of document ids and task names. */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200);
}
