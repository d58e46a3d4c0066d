import * as schemas from './workflow-schemas.js';
import { withTaskNames } from '../services/timeline/task-names.js';
import { timelineFor } from '../services/timeline/timeline-service.js';
import { defineTenant } from './define-callable.js';

/**
 * The workflow callables. Changing workflows, reading run logs and the
 * outbox is for owners and admins (the service checks); members list and
 * complete their tasks and see the tasks of records they may read.
 */
export const WORKFLOW_CALLABLES = {
  crmListWorkflows: defineTenant({
    request: schemas.ZListWorkflowsRequestSchema,
    response: schemas.ZListWorkflowsResponseSchema,
    handle: async ({ caller, services }, input) => ({ workflows: await services.workflows.list(caller, input.module) }),
  }),

  crmSaveWorkflow: defineTenant({
    request: schemas.ZSaveWorkflowRequestSchema,
    response: schemas.ZWorkflowResponseSchema,
    handle: async ({ caller, services }, input) => ({
      workflow: await services.workflows.save(caller, { id: input.workflowId, module: input.module, definition: input.definition }),
    }),
  }),

  crmSetWorkflowActive: defineTenant({
    request: schemas.ZSetWorkflowActiveRequestSchema,
    response: schemas.ZWorkflowResponseSchema,
    handle: async ({ caller, services }, input) => ({
      workflow: await services.workflows.setActive(caller, input.workflowId, input.active),
    }),
  }),

  crmReorderWorkflows: defineTenant({
    request: schemas.ZReorderWorkflowsRequestSchema,
    response: schemas.ZListWorkflowsResponseSchema,
    handle: async ({ caller, services }, input) => ({
      workflows: await services.workflows.reorder(caller, input.module, input.workflowIds),
    }),
  }),

  crmDeleteWorkflow: defineTenant({
    request: schemas.ZDeleteWorkflowRequestSchema,
    response: schemas.ZDeleteWorkflowResponseSchema,
    handle: async ({ caller, services }, input) => {
      await services.workflows.remove(caller, input.workflowId);
      return { deleted: true as const };
    },
  }),

  crmListWorkflowRuns: defineTenant({
    request: schemas.ZListWorkflowRunsRequestSchema,
    response: schemas.ZListWorkflowRunsResponseSchema,
    handle: async ({ caller, services }, input) => ({
      runs: (await services.workflows.listRuns(caller, input)) as schemas.TWorkflowRunView[],
    }),
  }),

  crmTestWorkflow: defineTenant({
    request: schemas.ZTestWorkflowRequestSchema,
    response: schemas.ZTestWorkflowResponseSchema,
    handle: async ({ caller, services }, input) => services.workflows.test(caller, input),
  }),

  crmListOutbox: defineTenant({
    request: schemas.ZListOutboxRequestSchema,
    response: schemas.ZListOutboxResponseSchema,
    handle: async ({ caller, services }, input) => ({
      mails: (await services.workflows.listOutbox(caller, input.limit)) as schemas.TMailView[],
    }),
  }),

  crmListTasks: defineTenant({
    request: schemas.ZListTasksRequestSchema,
    response: schemas.ZListTasksResponseSchema,
    handle: async ({ caller, services }, input) => ({
      tasks: (await withTaskNames(timelineFor(services).members, caller.tenantId, await services.workflows.listTasks(caller, input))) as schemas.TTaskView[],
    }),
  }),

  crmSetTaskStatus: defineTenant({
    request: schemas.ZSetTaskStatusRequestSchema,
    response: schemas.ZTaskResponseSchema,
    handle: async ({ caller, services }, input) => {
      const task = await services.workflows.setTaskStatus(caller, input.taskId, input.status);
      const [named] = await withTaskNames(timelineFor(services).members, caller.tenantId, [task]);
      return { task: named as schemas.TTaskView };
    },
  }),

  crmRevealWebhookSecret: defineTenant({
    request: schemas.ZRevealWebhookSecretRequestSchema,
    response: schemas.ZRevealWebhookSecretResponseSchema,
    handle: async ({ caller, services }, input) => ({
      secretRef: input.secretRef,
      secret: await services.workflows.revealWebhookSecret(caller, input.secretRef),
    }),
  }),
} as const;
