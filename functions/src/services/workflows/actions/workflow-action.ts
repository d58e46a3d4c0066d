import type { StoreValue } from '../../../store/document-store.js';
import type { WorkflowAction, WorkflowActionType } from '../../../engine/template/workflow-schema.js';
import type { InterpolationContext } from '../../../engine/workflows/interpolate.js';
import type { StoredWorkflow } from '../workflow-definitions.js';

/** The record an action works on, as loaded for the run. */
export interface RecordSnapshot {
  readonly id: string;
  readonly module: string;
  readonly number: string;
  readonly data: Record<string, unknown>;
  readonly refs: Readonly<Record<string, { id: string; display: string | null }>>;
  readonly display: string | null;
  readonly ownerId: string;
  readonly createdBy: string;
  readonly deleted: boolean;
  readonly version: number;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
}

export interface RunInfo {
  readonly eventId: string;
  /** `workflow_logs` id of this run; also the idempotency key of its actions. */
  readonly logId: string;
  /** How many workflow-made updates led to this event (0: a person or a schedule). */
  readonly depth: number;
  readonly eventKind: string;
  /** A late scheduled run: the instant it was due (the system was down then). */
  readonly lateSince?: Date;
}

export interface ActionInput<A extends WorkflowAction = WorkflowAction> {
  readonly action: A;
  readonly index: number;
  readonly tenantId: string;
  readonly workflow: StoredWorkflow;
  readonly record: RecordSnapshot;
  readonly context: InterpolationContext;
  readonly run: RunInfo;
  readonly now: Date;
  readonly timeZone: string;
  /** Dry run (crmTestWorkflow): say what would happen, write nothing. */
  readonly dryRun: boolean;
}

export type ActionStatus = 'success' | 'failed' | 'skipped' | 'queued' | 'would_run';

export interface ActionOutcome {
  readonly index: number;
  readonly type: WorkflowActionType;
  readonly status: ActionStatus;
  readonly message: string;
  readonly detail?: Record<string, StoreValue>;
  /** update_field: the new value, so the actions after it see the record as it now is. */
  readonly dataChange?: { readonly field: string; readonly value: unknown };
}

/** Every action type implements this one interface (twenty's workflow-executor pattern). */
export interface WorkflowActionExecutor<A extends WorkflowAction = WorkflowAction> {
  readonly type: A['type'];
  execute(input: ActionInput<A>): Promise<ActionOutcome>;
}

/** A key safe for document ids and Cloud Tasks names, stable per (run, action). */
export function actionKey(input: Pick<ActionInput, 'run' | 'index'>): string {
  return `${input.run.logId}_${input.index}`.replace(/[^A-Za-z0-9_-]/g, '_');
}
