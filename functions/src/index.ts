/**
 * Firebase wiring, and nothing else: each export adapts a Firebase request to
 * `handleCallable`, which validates, authorizes and calls one service. The
 * embedded runtime mounts these very function objects.
 */
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { setGlobalOptions } from 'firebase-functions/v2';
import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import type { CallableName } from './api/crm-api.js';
import { handleCallable } from './api/callable-handler.js';
import { getInstanceServices } from './wiring/instance-services.js';

setGlobalOptions({ region: process.env.CRM_REGION ?? 'us-central1', maxInstances: 50 });

function callable(name: CallableName) {
  return onCall({ cors: true }, async (request: CallableRequest<unknown>) =>
    handleCallable(await getInstanceServices(), name, {
      data: request.data,
      auth: request.auth
        ? { uid: request.auth.uid, email: request.auth.token.email, token: request.auth.token }
        : null,
    }),
  );
}

export const crmListMyTenants = callable('crmListMyTenants');
export const crmBootstrap = callable('crmBootstrap');
export const crmListTemplates = callable('crmListTemplates');
export const crmSelectTemplate = callable('crmSelectTemplate');
export const crmUpdateTenantSettings = callable('crmUpdateTenantSettings');
export const crmAddField = callable('crmAddField');
export const crmUpdateField = callable('crmUpdateField');
export const crmReorderFields = callable('crmReorderFields');
export const crmDeactivateField = callable('crmDeactivateField');
export const crmCreateModule = callable('crmCreateModule');
export const crmCreateRecord = callable('crmCreateRecord');
export const crmGetRecord = callable('crmGetRecord');
export const crmUpdateRecord = callable('crmUpdateRecord');
export const crmDeleteRecord = callable('crmDeleteRecord');
export const crmRestoreRecord = callable('crmRestoreRecord');
export const crmListRecords = callable('crmListRecords');
export const crmListRecordHistory = callable('crmListRecordHistory');
export const crmListDashboards = callable('crmListDashboards');
export const crmGetDashboardData = callable('crmGetDashboardData');
export const crmSaveDashboard = callable('crmSaveDashboard');
export const crmDeleteDashboard = callable('crmDeleteDashboard');
export const crmListWorkflows = callable('crmListWorkflows');
export const crmSaveWorkflow = callable('crmSaveWorkflow');
export const crmSetWorkflowActive = callable('crmSetWorkflowActive');
export const crmReorderWorkflows = callable('crmReorderWorkflows');
export const crmDeleteWorkflow = callable('crmDeleteWorkflow');
export const crmListWorkflowRuns = callable('crmListWorkflowRuns');
export const crmTestWorkflow = callable('crmTestWorkflow');
export const crmListOutbox = callable('crmListOutbox');
export const crmListTasks = callable('crmListTasks');
export const crmSetTaskStatus = callable('crmSetTaskStatus');
export const crmRevealWebhookSecret = callable('crmRevealWebhookSecret');

/** Record trigger: display-value refresh and workflows (services/records/on-record-written.ts). */
export const crmOnRecordWritten = onDocumentWritten('crm_tenants/{tenantId}/records/{recordId}', async (event) => {
  const [{ onRecordWritten }, { toDocumentChange }] = await Promise.all([
    import('./services/records/on-record-written.js'),
    import('./api/workflow-wiring.js'),
  ]);
  await onRecordWritten(await getInstanceServices(), toDocumentChange(event));
});

/** Scheduled workflows and webhook deliveries; retries and backoff are Cloud Tasks' (maxAttempts matches CloudTasksScheduler). */
export const crmRunWorkflowTask = onTaskDispatched(
  { retryConfig: { maxAttempts: 5, minBackoffSeconds: 10, maxBackoffSeconds: 600, maxDoublings: 5 }, rateLimits: { maxConcurrentDispatches: 50 } },
  async (request) => {
    const { toTaskEnvelope } = await import('./api/workflow-wiring.js');
    const services = await getInstanceServices();
    await services.workflows.handleTask(toTaskEnvelope(request.data), { attempt: request.retryCount, maxAttempts: 5 });
  },
);
export const crmConsoleListTemplates = callable('crmConsoleListTemplates');
export const crmConsoleGetTemplate = callable('crmConsoleGetTemplate');
export const crmConsoleSaveDraft = callable('crmConsoleSaveDraft');
export const crmConsoleCloneTemplate = callable('crmConsoleCloneTemplate');
export const crmConsolePublishDraft = callable('crmConsolePublishDraft');
export const crmConsoleSetTemplateActive = callable('crmConsoleSetTemplateActive');
export const crmConsoleDeleteTemplate = callable('crmConsoleDeleteTemplate');
export const crmConsoleMigrationStatus = callable('crmConsoleMigrationStatus');
export const crmUpgradeStatus = callable('crmUpgradeStatus');
export const crmPreviewUpgrade = callable('crmPreviewUpgrade');
export const crmApplyUpgrade = callable('crmApplyUpgrade');
export const crmMigrationProgress = callable('crmMigrationProgress');

/** Template-upgrade data migrations, one slice per task; a crash is retried and resumes from the job's cursor. */
export const crmRunMigrationTask = onTaskDispatched(
  { retryConfig: { maxAttempts: 20, minBackoffSeconds: 10, maxBackoffSeconds: 300 }, rateLimits: { maxConcurrentDispatches: 10 }, timeoutSeconds: 540 },
  async (request) => {
    const { runMigrationTask } = await import('./services/template-lifecycle/migration-task.js');
    await runMigrationTask((await getInstanceServices()).store, request.data);
  },
);
