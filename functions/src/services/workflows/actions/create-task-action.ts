import type { z } from 'zod';
import { isStoreError, type DocumentStore } from '../../../store/document-store.js';
import type { CreateTaskActionSchema } from '../../../engine/template/workflow-schema.js';
import { interpolate } from '../../../engine/workflows/interpolate.js';
import { dayFromToday } from '../../../engine/workflows/evaluate-condition.js';
import { workflowPaths } from '../workflow-paths.js';
import { actionKey, type ActionInput, type ActionOutcome, type WorkflowActionExecutor } from './workflow-action.js';

type CreateTaskActionDef = z.infer<typeof CreateTaskActionSchema>;

/** A follow-up task as stored at `crm_tenants/{t}/tasks/{id}`. */
export interface StoredTask {
  readonly title: string;
  readonly description: string | null;
  readonly recordId: string;
  readonly module: string;
  readonly recordNumber: string;
  readonly recordDisplay: string | null;
  readonly assigneeId: string;
  /** Calendar day in the tenant's zone (`YYYY-MM-DD`): sorts as text and needs no time zone to show. */
  readonly dueDate: string;
  readonly status: 'open' | 'done';
  readonly workflowId: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
  /** Absent on workflow tasks written before kinds existed (they are workflow tasks). */
  readonly kind?: 'workflow' | 'mention' | 'manual';
  /** Mention tasks: who mentioned the assignee, in which note, its first words. */
  readonly mentionedBy?: string;
  readonly noteId?: string;
  readonly excerpt?: string;
}

export class CreateTaskActionExecutor implements WorkflowActionExecutor<CreateTaskActionDef> {
  readonly type = 'create_task' as const;

  constructor(private readonly store: DocumentStore) {}

  async execute(input: ActionInput<CreateTaskActionDef>): Promise<ActionOutcome> {
    const { action, context, record, index } = input;
    const base = { index, type: this.type } as const;
    const title = interpolate({ template: action.title, context });
    const description = action.description ? interpolate({ template: action.description, context }) : null;
    const assigneeId = action.assignee === 'creator' ? record.createdBy : record.ownerId;
    const dueDate = dayFromToday(input.now, input.timeZone, action.due_in_days ?? 0);
    const missing = [...new Set([...title.missing, ...(description?.missing ?? [])])];
    const detail = { title: title.text, assigneeId, dueDate, missing };
    if (input.dryRun) return { ...base, status: 'would_run', message: `Would create "${title.text}" for ${assigneeId}, due ${dueDate}.`, detail };
    const id = actionKey(input);
    const task: StoredTask = {
      title: title.text.trim() || `Follow up on ${record.number}`,
      description: description?.text ?? null,
      recordId: record.id,
      module: record.module,
      recordNumber: record.number,
      recordDisplay: record.display,
      assigneeId,
      dueDate,
      status: 'open',
      workflowId: input.workflow.id,
      createdAt: input.now,
      completedAt: null,
    };
    try {
      await this.store.create(workflowPaths.task(input.tenantId, id), { ...task });
    } catch (error) {
      if (!isStoreError(error, 'already-exists')) throw error;
      return { ...base, status: 'success', message: 'Task already created (redelivered event).', detail: { ...detail, taskId: id } };
    }
    return { ...base, status: 'success', message: `Created task "${task.title}" due ${dueDate}.`, detail: { ...detail, taskId: id } };
  }
}
