import { randomUUID } from 'node:crypto';
import { listManualWorkflows, requireRunnableWorkflow, runWorkflowOnRecord } from '../services/manual-runs/manual-runs.js';
import { defineTenant } from './define-callable.js';
import * as schemas from './manual-runs-schemas.js';

/** Manual workflows run on demand on one record (services/manual-runs); on many, through crmStartBulkAction. */
export const MANUAL_RUN_CALLABLES = {
  crmListManualWorkflows: defineTenant({
    request: schemas.ZListManualWorkflowsRequestSchema,
    response: schemas.ZListManualWorkflowsResponseSchema,
    handle: async ({ caller, services }, input) => ({ workflows: await listManualWorkflows(services, caller, input.module) }),
  }),

  crmRunWorkflow: defineTenant({
    request: schemas.ZRunWorkflowRequestSchema,
    response: schemas.ZRunWorkflowResponseSchema,
    handle: async ({ caller, services }, input) => {
      const workflow = await requireRunnableWorkflow(services, caller, input.workflowId);
      const eventId = `manual-${input.runId ?? randomUUID()}-${input.recordId}`;
      const run = await runWorkflowOnRecord(services, caller, workflow, { recordId: input.recordId, eventId });
      return { outcome: run.outcome, logId: run.logId, number: run.number, reason: run.outcome === 'ran' ? null : run.reason, repeated: run.repeated };
    },
  }),
} as const;
