import * as schemas from './workflow-schemas.js';
import { define, requireCaller } from './define-callable.js';

/**
 * The workflow callables. Changing workflows, reading run logs and the
 * outbox is for owners and admins (the service checks); members list and
 * complete their tasks and see the tasks of records they may read.
 */
export const WORKFLOW_CALLABLES = {
  crmListWorkflows: define({
    request: schemas.ZListWorkflowsRequestSchema,
    response: schemas.ZListWorkflowsResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({ workflows: await services.workflows.list(requireCaller(caller), input.module) }),
  }),

  crmSaveWorkflow: define({
    request: schemas.ZSaveWorkflowRequestSchema,
    response: schemas.ZWorkflowResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      workflow: await services.workflows.save(requireCaller(caller), { id: input.workflowId, module: input.module, definition: input.definition }),
    }),
  }),

  crmSetWorkflowActive: define({
    request: schemas.ZSetWorkflowActiveRequestSchema,
    response: schemas.ZWorkflowResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      workflow: await services.workflows.setActive(requireCaller(caller), input.workflowId, input.active),
    }),
  }),

  crmReorderWorkflows: define({
    request: schemas.ZReorderWorkflowsRequestSchema,
    response: schemas.ZListWorkflowsResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      workflows: await services.workflows.reorder(requireCaller(caller), input.module, input.workflowIds),
    }),
  }),

  crmDeleteWorkflow: define({
    request: schemas.ZDeleteWorkflowRequestSchema,
    response: schemas.ZDeleteWorkflowResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => {
      await services.workflows.remove(requireCaller(caller), input.workflowId);
      return { deleted: true as const };
    },
  }),

  crmListWorkflowRuns: define({
    request: schemas.ZListWorkflowRunsRequestSchema,
    response: schemas.ZListWorkflowRunsResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      runs: (await services.workflows.listRuns(requireCaller(caller), input)) as schemas.TWorkflowRunView[],
    }),
  }),

  crmTestWorkflow: define({
    request: schemas.ZTestWorkflowRequestSchema,
    response: schemas.ZTestWorkflowResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => services.workflows.test(requireCaller(caller), input),
  }),

  crmListOutbox: define({
    request: schemas.ZListOutboxRequestSchema,
    response: schemas.ZListOutboxResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      mails: (await services.workflows.listOutbox(requireCaller(caller), input.limit)) as schemas.TMailView[],
    }),
  }),

  crmListTasks: define({
    request: schemas.ZListTasksRequestSchema,
    response: schemas.ZListTasksResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      tasks: (await services.workflows.listTasks(requireCaller(caller), input)) as schemas.TTaskView[],
    }),
  }),

  crmSetTaskStatus: define({
    request: schemas.ZSetTaskStatusRequestSchema,
    response: schemas.ZTaskResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      task: (await services.workflows.setTaskStatus(requireCaller(caller), input.taskId, input.status)) as schemas.TTaskView,
    }),
  }),

  crmRevealWebhookSecret: define({
    request: schemas.ZRevealWebhookSecretRequestSchema,
    response: schemas.ZRevealWebhookSecretResponseSchema,
    scope: 'tenant',
    handle: async ({ caller, services }, input) => ({
      secretRef: input.secretRef,
      secret: await services.workflows.revealWebhookSecret(requireCaller(caller), input.secretRef),
    }),
  }),
} as const;
