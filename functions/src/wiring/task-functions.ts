import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { loadOnce, warmUpInDeployedInstance } from './load-once.js';

export const loadTaskHandlers = loadOnce(async () => {
  const [{ toTaskEnvelope }, { runMigrationTask }, { runJobTask, TaskQueueJobDriver }, { getInstanceServices }, { instanceConfig }] = await Promise.all([
    import('../api/workflow-wiring.js'),
    import('../adapters/migration-task.js'),
    import('../adapters/task-queue-job-driver.js'),
    import('./instance-services.js'),
    import('./instance-config.js'),
  ]);
  const region = instanceConfig().region;
  return { toTaskEnvelope, runMigrationTask, runJobTask, jobDriver: new TaskQueueJobDriver({ region }), region, services: await getInstanceServices() };
});

warmUpInDeployedInstance(loadTaskHandlers);

/** Scheduled workflows and webhook deliveries; retries and backoff are Cloud Tasks' (maxAttempts matches CloudTasksScheduler). */
export const crmRunWorkflowTask = onTaskDispatched(
  { retryConfig: { maxAttempts: 5, minBackoffSeconds: 10, maxBackoffSeconds: 600, maxDoublings: 5 }, rateLimits: { maxConcurrentDispatches: 50 } },
  async (request) => {
    const { toTaskEnvelope, services } = await loadTaskHandlers();
    await services.workflows.handleTask(toTaskEnvelope(request.data), { attempt: request.retryCount, maxAttempts: 5 });
  },
);

/** Template-upgrade data migrations, one slice per task; a crash is retried and resumes from the job's cursor. */
export const crmRunMigrationTask = onTaskDispatched(
  { retryConfig: { maxAttempts: 20, minBackoffSeconds: 10, maxBackoffSeconds: 300 }, rateLimits: { maxConcurrentDispatches: 10 }, timeoutSeconds: 540 },
  async (request) => {
    const { runMigrationTask, services, region } = await loadTaskHandlers();
    await runMigrationTask(services.store, request.data, { region });
  },
);

/** Jobs (imports, exports, bulk actions…), one slice per task; a crash is retried and resumes from the job's checkpoint. */
export const crmRunJobTask = onTaskDispatched(
  { retryConfig: { maxAttempts: 20, minBackoffSeconds: 10, maxBackoffSeconds: 300 }, rateLimits: { maxConcurrentDispatches: 20 }, timeoutSeconds: 540, memory: '1GiB' },
  async (request) => {
    const { runJobTask, jobDriver, services } = await loadTaskHandlers();
    await runJobTask(services, request.data, jobDriver);
  },
);
