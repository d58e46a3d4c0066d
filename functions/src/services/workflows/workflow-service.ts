import type { DocumentChange, DocumentStore, StoredDocument, StoreValue } from '../../store/document-store.js';
import { WorkflowDefinitionSchema, type WorkflowActionType, type WorkflowDefinition } from '../../engine/template/workflow-schema.js';
import { zodIssuesToErrors } from '../../engine/template/format-issues.js';
import { canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import type { ConditionExplanation } from '../../engine/workflows/evaluate-condition.js';
import type { Caller } from '../caller.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import type { TenantConfig } from '../config/tenant-config.js';
import type { ConfigStore } from '../config/config-store.js';
import type { RecordsService } from '../records/records-service.js';
import { CreateTaskActionExecutor, type StoredTask } from './actions/create-task-action.js';
import { SendEmailActionExecutor } from './actions/send-email-action.js';
import { UpdateFieldActionExecutor } from './actions/update-field-action.js';
import { WebhookActionExecutor } from './actions/webhook-action.js';
import type { ActionOutcome, WorkflowActionExecutor } from './actions/workflow-action.js';
import { StoreMailer, type Mailer } from './mailer.js';
import { RunContextLoader } from './run-context.js';
import { handleWorkflowTask, type TaskResult } from './run-workflow-task.js';
import { StoreTaskScheduler, type DueTasksResult } from './store-task-scheduler.js';
import type { TaskAttempt, TaskEnvelope, TaskScheduler } from './task-scheduler.js';
import { validateWorkflow } from './validate-workflow.js';
import { webhooksNotWired, type WebhookSender } from './webhook-sender.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { byExecutionOrder, parseStoredWorkflow, WorkflowDefinitions, type StoredWorkflow } from './workflow-definitions.js';
import { workflowPaths } from './workflow-paths.js';
import { backfillTaskName, WorkflowRunner, type RecordChangeResult } from './workflow-runner.js';
import { recordAudit } from '../audit/record-audit.js';
import { fieldAccessFor, firstHiddenStep, moduleAtPrefix, scrubHiddenValues } from '../access/field-security.js';

export interface WorkflowServiceOptions {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly records: RecordsService;
  readonly now?: () => Date;
  /** Default: the store-backed queue (tests, the embedded runtime); the wiring passes Cloud Tasks when deployed. */
  readonly scheduler?: TaskScheduler;
  readonly mailer?: Mailer;
  /** An adapter (adapters/http-webhook-sender.ts) passed by the wiring; without one, webhook URLs are refused. */
  readonly webhookSender?: WebhookSender;
  /** The tenants' default time zone for "today", date reminders and task due dates (the wiring passes `CRM_TIME_ZONE`). Default UTC. */
  readonly timeZone?: string;
  readonly definitionCacheMs?: number;
  /** Runs one webhook-subscription delivery task (services/integrations), bound by createServices. */
  readonly deliverSubscription?: (payload: { tenantId: string; deliveryId: string }, attempt: number) => Promise<void>;
}

/** A workflow as callables return it: the definition plus its id and bookkeeping. */
export type WorkflowView = WorkflowDefinition & {
  readonly id: string;
  readonly module: string;
  readonly source: 'template' | 'custom';
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Workflow automation: the runner behind the record trigger and the task
 * queue, and the admin operations behind the workflow callables.
 */
/** A workflow as the audit log compares it: its definition, without bookkeeping timestamps. */
function auditedWorkflow(data: Record<string, unknown>): Record<string, unknown> {
  const { createdAt: _createdAt, updatedAt: _updatedAt, updatedBy: _updatedBy, ...definition } = data;
  return definition;
}

export class WorkflowService {
  readonly scheduler: TaskScheduler;
  readonly definitions: WorkflowDefinitions;
  readonly runner: WorkflowRunner;
  readonly sender: WebhookSender;
  readonly secrets: WebhookSecrets;
  private readonly store: DocumentStore;
  private readonly now: () => Date;

  constructor(private readonly options: WorkflowServiceOptions) {
    const { store, configs } = options;
    this.store = store;
    this.now = options.now ?? (() => new Date());
    const nowMs = () => this.now().getTime();
    this.scheduler = options.scheduler ?? new StoreTaskScheduler(store, { now: this.now });
    this.definitions = new WorkflowDefinitions(store, { ttlMs: options.definitionCacheMs ?? 60_000, now: nowMs });
    this.sender = options.webhookSender ?? webhooksNotWired;
    this.secrets = new WebhookSecrets(store);
    const mailer = options.mailer ?? new StoreMailer(store, { now: this.now });
    const executors = new Map<WorkflowActionType, WorkflowActionExecutor>([
      ['send_email', new SendEmailActionExecutor(mailer) as WorkflowActionExecutor],
      ['update_field', new UpdateFieldActionExecutor({ store, configs }) as WorkflowActionExecutor],
      ['create_task', new CreateTaskActionExecutor(store) as WorkflowActionExecutor],
      ['webhook', new WebhookActionExecutor({ scheduler: this.scheduler, sender: this.sender }) as WorkflowActionExecutor],
    ]);
    this.runner = new WorkflowRunner({
      store,
      configs,
      definitions: this.definitions,
      scheduler: this.scheduler,
      contexts: new RunContextLoader(store, { now: nowMs }),
      executors,
      secrets: this.secrets,
      sender: this.sender,
      now: this.now,
      timeZone: this.timeZone,
    });
  }

  get timeZone(): string {
    return this.options.timeZone ?? 'UTC';
  }

  /** The record trigger's entry (production and embedded change feed alike). */
  onRecordWritten(change: DocumentChange): Promise<RecordChangeResult> {
    return this.runner.onRecordChange(change);
  }

  /** The task queue's entry (crmRunWorkflowTask and the local poller). */
  handleTask(envelope: TaskEnvelope, attempt: TaskAttempt): Promise<TaskResult> {
    return handleWorkflowTask(
      { runner: this.runner, scheduler: this.scheduler, now: this.now, deliverSubscription: this.options.deliverSubscription },
      envelope,
      attempt,
    );
  }

  /** Embedded runtime and tests: run what the store task queue has due at `now`. */
  async runDueTasks(now: Date = this.now()): Promise<DueTasksResult> {
    if (!(this.scheduler instanceof StoreTaskScheduler)) return { ran: 0, retried: 0, failed: 0 };
    return this.scheduler.runDueTasks(now, async (envelope, attempt) => {
      await this.handleTask(envelope, attempt);
    });
  }

  // ---------------------------------------------------------------- admin

  /** Definitions hold recipients, mail bodies and webhook URLs: configuration data, for owners and admins. */
  async list(caller: Caller, module?: string): Promise<WorkflowView[]> {
    requireAdmin(caller);
    const config = await this.options.configs.require(caller.tenantId);
    const docs = await this.store.query({ collection: workflowPaths.workflows(caller.tenantId) });
    return docs
      .map((doc) => parseStoredWorkflow(doc.id, doc.data))
      .filter((workflow): workflow is StoredWorkflow => workflow !== null && (module === undefined || workflow.module === module))
      .filter((workflow) => config.modules.some((candidate) => candidate.slug === workflow.module))
      .sort((a, b) => a.module.localeCompare(b.module) || byExecutionOrder(a, b))
      .map(toWorkflowView);
  }

  async save(caller: Caller, input: { id?: string | undefined; module: string; definition: unknown }): Promise<WorkflowView> {
    requireAdmin(caller);
    const config = await this.options.configs.require(caller.tenantId);
    const parsed = WorkflowDefinitionSchema.safeParse(input.definition);
    if (!parsed.success) {
      throw invalidInput(zodIssuesToErrors(parsed.error.issues, input.definition, ['definition']));
    }
    const definition = parsed.data;
    const issues = await validateWorkflow({ config, module: input.module, definition, sender: this.sender });
    const siblings = (await this.definitions.forModule(caller.tenantId, config.revision, input.module)).filter((w) => w.id !== input.id);
    if (siblings.some((workflow) => workflow.definition.name.toLowerCase() === definition.name.toLowerCase())) {
      issues.push({ path: 'definition.name', message: `another workflow of this module is called "${definition.name}"` });
    }
    if (issues.length > 0) throw invalidInput(issues);
    const raw = input.definition as Record<string, unknown>;
    const now = this.now().toISOString();
    const id = input.id ?? this.store.newId();
    const path = workflowPaths.workflow(caller.tenantId, id);
    const saved = await this.store.runTransaction(async (tx) => {
      const existing = input.id ? await tx.get(path) : null;
      if (input.id && !existing) throw notFound();
      if (existing && existing.data.module !== input.module) {
        throw new CrmError(CRM_ERROR_CODES.precondition, 'A workflow cannot move to another module; create a new one.');
      }
      const order =
        'execution_order' in raw
          ? definition.execution_order
          : existing
            ? Number(existing.data.execution_order ?? 0)
            : Math.max(-1, ...siblings.map((workflow) => workflow.definition.execution_order)) + 1;
      const doc = plain({
        ...definition,
        execution_order: order,
        module: input.module,
        source: existing?.data.source === 'template' ? 'template' : 'custom',
        createdAt: typeof existing?.data.createdAt === 'string' ? existing.data.createdAt : now,
        updatedAt: now,
        updatedBy: caller.uid,
      });
      tx.set(path, doc);
      recordAudit(tx, {
        kind: 'workflow',
        action: existing ? 'workflow.updated' : 'workflow.created',
        caller,
        target: { module: input.module, id, label: definition.name },
        before: existing ? auditedWorkflow(existing.data) : null,
        after: auditedWorkflow(doc),
        at: this.now(),
      });
      return doc;
    });
    this.definitions.invalidate(caller.tenantId);
    const stored = parseStoredWorkflow(id, saved);
    if (!stored) throw new Error('saved workflow does not parse');
    await this.planExisting(caller.tenantId, stored);
    return toWorkflowView(stored);
  }

  async setActive(caller: Caller, id: string, active: boolean): Promise<WorkflowView> {
    requireAdmin(caller);
    await this.options.configs.require(caller.tenantId);
    const path = workflowPaths.workflow(caller.tenantId, id);
    const doc = await this.store.runTransaction(async (tx) => {
      const existing = await tx.get(path);
      if (!existing) throw notFound();
      const update = { is_active: active, updatedAt: this.now().toISOString(), updatedBy: caller.uid };
      tx.update(path, update);
      recordAudit(tx, {
        kind: 'workflow',
        action: active ? 'workflow.activated' : 'workflow.deactivated',
        caller,
        target: { module: typeof existing.data.module === 'string' ? existing.data.module : null, id, label: typeof existing.data.name === 'string' ? existing.data.name : null },
        before: { is_active: existing.data.is_active ?? null },
        after: { is_active: active },
        at: this.now(),
      });
      return { ...existing.data, ...update };
    });
    this.definitions.invalidate(caller.tenantId);
    const stored = parseStoredWorkflow(id, doc);
    if (!stored) throw notFound();
    if (active) await this.planExisting(caller.tenantId, stored);
    return toWorkflowView(stored);
  }

  /**
   * A scheduled workflow also applies to records that already exist: queue
   * the backfill (the callable returns at once; pages run as tasks). Tasks
   * planned under an earlier definition drop themselves when they fire,
   * because their instant no longer matches.
   */
  private async planExisting(tenantId: string, workflow: StoredWorkflow): Promise<void> {
    if (workflow.definition.trigger_type !== 'scheduled' || !workflow.definition.is_active) return;
    await this.scheduler.enqueue(backfillTaskName(tenantId, workflow.id, null, workflow.updatedAt), this.now(), {
      kind: 'backfill',
      tenantId,
      workflowId: workflow.id,
      afterSeq: null,
    });
  }

  /**
   * Plans every active scheduled workflow of the tenant again (after its time
   * zone changed): one backfill per workflow, named after `changedAt` so a
   * later change is not mistaken for a redelivery of this one.
   */
  async replanScheduled(tenantId: string, changedAt: string): Promise<number> {
    const config = await this.options.configs.load(tenantId);
    if (!config) return 0;
    const scheduled = (await this.definitions.forTenant(tenantId, config.revision)).filter(
      (workflow) => workflow.definition.trigger_type === 'scheduled' && workflow.definition.is_active,
    );
    for (const workflow of scheduled) {
      await this.scheduler.enqueue(backfillTaskName(tenantId, workflow.id, null, changedAt), this.now(), {
        kind: 'backfill',
        tenantId,
        workflowId: workflow.id,
        afterSeq: null,
      });
    }
    return scheduled.length;
  }

  /** `ids` must list every workflow of the module once; their execution_order becomes 0..n-1. */
  async reorder(caller: Caller, module: string, ids: readonly string[]): Promise<WorkflowView[]> {
    requireAdmin(caller);
    await this.options.configs.require(caller.tenantId);
    await this.store.runTransaction(async (tx) => {
      const docs = await tx.query({ collection: workflowPaths.workflows(caller.tenantId), where: [{ field: 'module', op: '==', value: module }] });
      const current = docs.map((doc) => doc.id).sort();
      if (ids.length !== current.length || [...ids].sort().some((id, index) => id !== current[index])) {
        throw invalidInput([{ path: 'ids', message: `must list every workflow of "${module}" exactly once` }]);
      }
      ids.forEach((id, order) => tx.update(workflowPaths.workflow(caller.tenantId, id), { execution_order: order, updatedAt: this.now().toISOString() }));
      const byOrder = [...docs].sort((a, b) => Number(a.data.execution_order ?? 0) - Number(b.data.execution_order ?? 0));
      recordAudit(tx, {
        kind: 'workflow',
        action: 'workflow.reordered',
        caller,
        target: { module, id: null },
        before: { order: byOrder.map((doc) => doc.id) },
        after: { order: [...ids] },
        at: this.now(),
      });
    });
    this.definitions.invalidate(caller.tenantId);
    return this.list(caller, module);
  }

  /** Pending scheduled tasks of a deleted workflow find it gone when they fire and drop themselves. */
  async remove(caller: Caller, id: string): Promise<void> {
    requireAdmin(caller);
    const path = workflowPaths.workflow(caller.tenantId, id);
    // One transaction: the audit entry exists exactly when the delete committed.
    await this.store.runTransaction(async (tx) => {
      const existing = await tx.get(path);
      if (!existing) throw notFound();
      tx.delete(path);
      recordAudit(tx, {
        kind: 'workflow',
        action: 'workflow.deleted',
        caller,
        target: { module: typeof existing.data.module === 'string' ? existing.data.module : null, id, label: typeof existing.data.name === 'string' ? existing.data.name : null },
        before: auditedWorkflow(existing.data),
        after: null,
        at: this.now(),
      });
    });
    this.definitions.invalidate(caller.tenantId);
  }

  async listRuns(
    caller: Caller,
    filter: { workflowId?: string | undefined; recordId?: string | undefined; limit: number; before?: string | undefined },
  ): Promise<Array<Record<string, unknown>>> {
    const admin = canManageConfiguration(caller);
    if (filter.recordId) {
      // Members see runs of records they may read; the record service answers that.
      if (!admin) await this.options.records.get(caller, filter.recordId);
    } else {
      requireAdmin(caller);
    }
    const where = [
      ...(filter.workflowId ? [{ field: 'workflowId', op: '==' as const, value: filter.workflowId }] : []),
      ...(filter.recordId ? [{ field: 'recordId', op: '==' as const, value: filter.recordId }] : []),
      ...(filter.before ? [{ field: 'startedAt', op: '<' as const, value: new Date(filter.before) }] : []),
    ];
    const docs = await this.store.query({
      collection: workflowPaths.logs(caller.tenantId),
      where,
      orderBy: [{ field: 'startedAt', direction: 'desc' }],
      limit: filter.limit,
    });
    return docs.map((doc) => (admin ? toRunView(doc) : toMemberRunView(doc)));
  }

  async test(
    caller: Caller,
    input: { workflowId?: string | undefined; module?: string | undefined; definition?: unknown; recordId: string; previousData?: Record<string, unknown> | undefined },
  ): Promise<{ conditions: ConditionExplanation; scheduledAt: string | null; actions: ActionOutcome[]; wouldRun: boolean }> {
    requireAdmin(caller);
    const config = await this.options.configs.require(caller.tenantId);
    const record = await this.options.records.get(caller, input.recordId);
    let workflow: StoredWorkflow | undefined;
    if (input.workflowId) {
      workflow = (await this.definitions.forTenant(caller.tenantId, config.revision)).find((candidate) => candidate.id === input.workflowId);
      if (!workflow) throw notFound();
    } else {
      const parsed = WorkflowDefinitionSchema.safeParse(input.definition);
      if (!parsed.success) throw invalidInput(zodIssuesToErrors(parsed.error.issues, input.definition, ['definition']));
      const module = input.module ?? record.module;
      workflow = { id: 'draft', module, definition: parsed.data, source: 'custom', createdAt: '', updatedAt: '' };
    }
    if (workflow.module !== record.module) {
      throw invalidInput([{ path: 'recordId', message: `is a ${record.module} record; the workflow runs on ${workflow.module}` }]);
    }
    const result = await this.runner.dryRun({ tenantId: caller.tenantId, workflow, recordId: input.recordId, previousData: input.previousData });
    if (!result) throw notFound();
    const output = {
      conditions: result.conditions,
      scheduledAt: result.scheduledAt,
      actions: result.actions.map(({ dataChange: _dataChange, ...outcome }) => outcome),
      wouldRun: result.conditions.result,
    };
    return this.redactDryRun(caller, config, record.module, { data: result.record.data, related: result.related }, output);
  }

  /**
   * Field-level security on a dry run: a condition that evaluated a field hidden from the caller
   * (on the record, or on any step of a relationship path such as `patient.primary_doctor.email`)
   * is refused, since its verdict would reveal the value; hidden values interpolated into rendered
   * mails, tasks or webhook bodies are masked — the record's own hidden fields and the hidden
   * fields of every related record the run read through a path. A placeholder path through a
   * hidden relationship is refused like a condition on it (masking every value of the record it
   * reaches would garble the output). The values come from what the dry run itself read.
   */
  private redactDryRun<T extends { conditions: { leaves: ReadonlyArray<{ field: string }> } }>(
    caller: Caller,
    config: TenantConfig,
    module: string,
    read: { data: Readonly<Record<string, unknown>>; related: Readonly<Record<string, Readonly<Record<string, unknown>> | null>> },
    output: T,
  ): T {
    const access = fieldAccessFor(caller, config);
    if (access.unrestricted) return output;
    for (const leaf of output.conditions.leaves) {
      const hidden = firstHiddenStep(config, access, module, leaf.field.split('.'));
      if (!hidden) continue;
      throw new CrmError(CRM_ERROR_CODES.forbidden, `The condition reads "${leaf.field}", which your role may not see: it cannot be tried on a record.`, [], {
        messageKey: 'access.errors.fieldNotQueryable',
        params: { field: leaf.field },
      });
    }
    const hiddenValues: unknown[] = [...access.hidden(module)].map((key) => read.data[key]);
    for (const [prefix, values] of Object.entries(read.related)) {
      if (!values) continue;
      const path = prefix.split('.');
      if (firstHiddenStep(config, access, module, path) !== null) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, `The workflow reads through "${prefix}", which your role may not see: it cannot be tried on a record.`, [], {
          messageKey: 'access.errors.fieldNotQueryable',
          params: { field: prefix },
        });
      }
      const target = moduleAtPrefix(config, module, path);
      if (target !== null) hiddenValues.push(...[...access.hidden(target)].map((key) => values[key]));
    }
    return scrubHiddenValues(output, hiddenValues);
  }

  async listOutbox(caller: Caller, limit: number): Promise<Array<Record<string, unknown>>> {
    requireAdmin(caller);
    const docs = await this.store.query({
      collection: workflowPaths.mail,
      where: [{ field: 'tenantId', op: '==', value: caller.tenantId }],
      orderBy: [{ field: 'createdAt', direction: 'desc' }],
      limit,
    });
    return docs.map(toMailView);
  }

  /** A record's tasks (anyone who may read the record), or open tasks: all for admins, one's own for members. */
  async listTasks(
    caller: Caller,
    filter: { recordId?: string | undefined; assignee?: 'me' | 'all' | undefined; limit: number },
  ): Promise<Array<Record<string, unknown>>> {
    const collection = workflowPaths.tasks(caller.tenantId);
    let docs: StoredDocument[];
    if (filter.recordId) {
      await this.options.records.get(caller, filter.recordId);
      docs = await this.store.query({
        collection,
        where: [{ field: 'recordId', op: '==', value: filter.recordId }],
        orderBy: [{ field: 'dueDate' }],
        limit: filter.limit,
      });
    } else if (filter.assignee === 'all' && canManageConfiguration(caller)) {
      docs = await this.store.query({
        collection,
        where: [{ field: 'status', op: '==', value: 'open' }],
        orderBy: [{ field: 'dueDate' }],
        limit: filter.limit,
      });
    } else {
      docs = await this.store.query({
        collection,
        where: [
          { field: 'assigneeId', op: '==', value: caller.uid },
          { field: 'status', op: '==', value: 'open' },
        ],
        orderBy: [{ field: 'dueDate' }],
        limit: filter.limit,
      });
    }
    return docs.map(toTaskView);
  }

  /** The assignee or an admin marks a task done (or open again). */
  async setTaskStatus(caller: Caller, taskId: string, status: 'open' | 'done'): Promise<Record<string, unknown>> {
    const path = workflowPaths.task(caller.tenantId, taskId);
    const doc = await this.store.runTransaction(async (tx) => {
      const existing = await tx.get(path);
      if (!existing) throw new CrmError(CRM_ERROR_CODES.notFound, 'This task does not exist.');
      if (existing.data.assigneeId !== caller.uid && !canManageConfiguration(caller)) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only the assignee or an admin can update this task.');
      }
      const update = { status, completedAt: status === 'done' ? this.now() : null };
      tx.update(path, update);
      return { ...existing, data: { ...existing.data, ...update } };
    });
    return toTaskView(doc);
  }

  /** The signing secret receivers verify X-CRM-Signature with (admins only). */
  async revealWebhookSecret(caller: Caller, ref: string): Promise<string> {
    requireAdmin(caller);
    return this.secrets.get(caller.tenantId, ref);
  }
}

function requireAdmin(caller: Caller): void {
  if (!canManageConfiguration(caller)) throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins can manage workflows.');
}

function notFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This workflow does not exist.');
}

/** Strips undefined (Firestore refuses it) from zod output. */
function plain(value: Record<string, unknown>): Record<string, StoreValue> {
  return JSON.parse(JSON.stringify(value)) as Record<string, StoreValue>;
}

function toWorkflowView(workflow: StoredWorkflow): WorkflowView {
  return {
    ...(plain(workflow.definition as unknown as Record<string, unknown>) as unknown as WorkflowDefinition),
    id: workflow.id,
    module: workflow.module,
    source: workflow.source,
    createdAt: workflow.createdAt,
    updatedAt: workflow.updatedAt,
  };
}

function iso(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : null;
}

function toRunView(doc: StoredDocument): Record<string, unknown> {
  const d = doc.data;
  return {
    id: doc.id,
    workflowId: d.workflowId,
    workflowName: d.workflowName,
    module: d.module,
    recordId: d.recordId,
    recordNumber: d.recordNumber,
    trigger: d.trigger,
    eventKind: d.eventKind,
    depth: d.depth,
    status: d.status,
    reason: d.reason ?? null,
    error: d.error ?? null,
    actions: Array.isArray(d.actions) ? d.actions : [],
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    durationMs: typeof d.durationMs === 'number' ? d.durationMs : null,
  };
}

/**
 * A run as a member's record page shows it: what ran and how it ended, but
 * none of the definition's content (recipients, mail text, webhook URLs,
 * values written), which action messages, details and errors quote.
 */
function toMemberRunView(doc: StoredDocument): Record<string, unknown> {
  const view = toRunView(doc);
  const actions = (view.actions as Array<Record<string, unknown>>).map((action) => ({
    index: action.index,
    type: action.type,
    status: action.status,
    message: MEMBER_ACTION_MESSAGES[String(action.status)] ?? '',
  }));
  // The reason names the condition's field and operator: say only that the conditions did not hold.
  const reason = view.reason === null ? null : String(view.reason).startsWith('Conditions not met') ? 'Conditions not met.' : 'Skipped.';
  return { ...view, actions, reason, error: view.error === null ? null : 'An action failed; an admin can see why in the workflow\'s run log.' };
}

const MEMBER_ACTION_MESSAGES: Readonly<Record<string, string>> = {
  success: 'Done.',
  failed: 'Failed.',
  skipped: 'Skipped.',
  queued: 'Queued.',
  would_run: 'Would run.',
};

function toMailView(doc: StoredDocument): Record<string, unknown> {
  const d = doc.data;
  const message = (d.message ?? {}) as Record<string, unknown>;
  const delivery = d.delivery as Record<string, unknown> | undefined;
  return {
    id: doc.id,
    to: Array.isArray(d.to) ? d.to : [String(d.to ?? '')],
    cc: Array.isArray(d.cc) ? d.cc : [],
    subject: String(message.subject ?? ''),
    html: String(message.html ?? ''),
    text: String(message.text ?? ''),
    recordId: d.recordId ?? null,
    workflowId: d.workflowId ?? null,
    createdAt: iso(d.createdAt),
    // Set by the Trigger Email extension in production; absent in the embedded outbox.
    deliveryState: typeof delivery?.state === 'string' ? delivery.state : null,
  };
}

function toTaskView(doc: Pick<StoredDocument, 'id' | 'data'>): Record<string, unknown> {
  const d = doc.data as unknown as StoredTask;
  return {
    id: doc.id,
    title: d.title,
    description: d.description ?? null,
    recordId: d.recordId,
    module: d.module,
    recordNumber: d.recordNumber,
    recordDisplay: d.recordDisplay ?? null,
    assigneeId: d.assigneeId,
    dueDate: d.dueDate,
    status: d.status,
    workflowId: d.workflowId ?? null,
    createdAt: iso(d.createdAt),
    completedAt: iso(d.completedAt),
    kind: d.kind ?? (d.workflowId ? 'workflow' : 'manual'),
    // The timeline feature resolves names (services/timeline/task-names.ts); here only what the task holds.
    mentionedBy: d.mentionedBy ?? null,
    noteId: d.noteId ?? null,
    excerpt: d.excerpt ?? null,
  };
}
