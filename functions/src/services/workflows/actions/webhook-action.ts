import type { z } from 'zod';
import type { WebhookActionSchema } from '../../../engine/template/workflow-schema.js';
import { shortHash } from '../../../engine/workflows/schedule.js';
import type { TaskScheduler } from '../task-scheduler.js';
import type { WebhookSender } from '../webhook-sender.js';
import { DEFAULT_SECRET_REF } from '../webhook-secrets.js';
import { actionKey, type ActionInput, type ActionOutcome, type WorkflowActionExecutor } from './workflow-action.js';

type WebhookActionDef = z.infer<typeof WebhookActionSchema>;

/**
 * Queues the delivery instead of calling out inline: the trigger (and the
 * embedded change feed) is never held up by a slow receiver, and retries with
 * backoff come from the task queue. The body is fixed here so every attempt
 * sends the same bytes (receivers dedupe on X-CRM-Event-Id).
 */
export class WebhookActionExecutor implements WorkflowActionExecutor<WebhookActionDef> {
  readonly type = 'webhook' as const;

  constructor(private readonly deps: { scheduler: TaskScheduler; sender: WebhookSender }) {}

  async execute(input: ActionInput<WebhookActionDef>): Promise<ActionOutcome> {
    const { action, index, record } = input;
    const base = { index, type: this.type } as const;
    const body = JSON.stringify({
      event: `record.${input.run.eventKind}`,
      eventId: input.run.eventId,
      tenantId: input.tenantId,
      workflow: { id: input.workflow.id, name: input.workflow.definition.name },
      record: {
        id: record.id,
        module: record.module,
        number: record.number,
        display: record.display,
        data: record.data,
        ownerId: record.ownerId,
        deleted: record.deleted,
        version: record.version,
        createdAt: record.createdAt?.toISOString() ?? null,
        updatedAt: record.updatedAt?.toISOString() ?? null,
      },
    });
    const detail = { url: action.url, bytes: body.length };
    if (input.dryRun) {
      const problem = await this.deps.sender.checkUrl(action.url);
      return problem
        ? { ...base, status: 'failed', message: `Would refuse ${action.url}: ${problem}.`, detail }
        : { ...base, status: 'would_run', message: `Would POST the record to ${action.url}.`, detail };
    }
    const key = actionKey(input);
    await this.deps.scheduler.enqueue(`w${shortHash(key)}-${key}`, input.now, {
      kind: 'webhook',
      tenantId: input.tenantId,
      recordId: record.id,
      workflowId: input.workflow.id,
      logId: input.run.logId,
      actionIndex: index,
      url: action.url,
      secretRef: action.secret_ref ?? DEFAULT_SECRET_REF,
      eventId: input.run.eventId,
      body,
    });
    return { ...base, status: 'queued', message: `Delivery to ${action.url} queued.`, detail };
  }
}
