/**
 * Firebase wiring, and nothing else. Cloud Functions runs each export as its
 * own service and names it in `FUNCTION_TARGET`: an instance loads only the
 * definitions of its own kind (callable, trigger, task queue), so a callable
 * never pays for the Firestore trigger's event decoding and vice versa. With
 * no target (`firebase deploy` reading the definitions, the embedded runtime)
 * every function is defined. Each handler then imports what a request needs
 * on first use (wiring/*-functions.ts).
 *
 * Region and instance limits are deploy params (wiring/deploy-params.ts,
 * values in functions/.env), read the same way at deploy and at run time.
 */
import { setGlobalOptions } from 'firebase-functions/v2/options';
import { maxInstancesParam, regionParam } from './wiring/deploy-params.js';
import { definesKind } from './wiring/function-kinds.js';

setGlobalOptions({ region: regionParam, maxInstances: maxInstancesParam });

const callables = definesKind('callable') ? await import('./wiring/callable-functions.js') : undefined;
const triggers = definesKind('trigger') ? await import('./wiring/trigger-functions.js') : undefined;
const tasks = definesKind('task') ? await import('./wiring/task-functions.js') : undefined;
const http = definesKind('http') ? await import('./wiring/http-functions.js') : undefined;
const schedules = definesKind('schedule') ? await import('./wiring/schedule-functions.js') : undefined;

export const crmListMyTenants = callables?.callable('crmListMyTenants');
export const crmBootstrap = callables?.callable('crmBootstrap');
export const crmListTemplates = callables?.callable('crmListTemplates');
export const crmSelectTemplate = callables?.callable('crmSelectTemplate');
export const crmUpdateTenantSettings = callables?.callable('crmUpdateTenantSettings');
export const crmAddField = callables?.callable('crmAddField');
export const crmUpdateField = callables?.callable('crmUpdateField');
export const crmReorderFields = callables?.callable('crmReorderFields');
export const crmDeactivateField = callables?.callable('crmDeactivateField');
export const crmCreateModule = callables?.callable('crmCreateModule');
export const crmCreateRecord = callables?.callable('crmCreateRecord');
export const crmGetRecord = callables?.callable('crmGetRecord');
export const crmUpdateRecord = callables?.callable('crmUpdateRecord');
export const crmDeleteRecord = callables?.callable('crmDeleteRecord');
export const crmRestoreRecord = callables?.callable('crmRestoreRecord');
export const crmListRecords = callables?.callable('crmListRecords');
export const crmListRecordHistory = callables?.callable('crmListRecordHistory');
export const crmListDashboards = callables?.callable('crmListDashboards');
export const crmGetDashboardData = callables?.callable('crmGetDashboardData');
export const crmSaveDashboard = callables?.callable('crmSaveDashboard');
export const crmDeleteDashboard = callables?.callable('crmDeleteDashboard');
export const crmListWorkflows = callables?.callable('crmListWorkflows');
export const crmSaveWorkflow = callables?.callable('crmSaveWorkflow');
export const crmSetWorkflowActive = callables?.callable('crmSetWorkflowActive');
export const crmReorderWorkflows = callables?.callable('crmReorderWorkflows');
export const crmDeleteWorkflow = callables?.callable('crmDeleteWorkflow');
export const crmListWorkflowRuns = callables?.callable('crmListWorkflowRuns');
export const crmTestWorkflow = callables?.callable('crmTestWorkflow');
export const crmListOutbox = callables?.callable('crmListOutbox');
export const crmListTasks = callables?.callable('crmListTasks');
export const crmSetTaskStatus = callables?.callable('crmSetTaskStatus');
export const crmRevealWebhookSecret = callables?.callable('crmRevealWebhookSecret');
export const crmConsoleListTemplates = callables?.callable('crmConsoleListTemplates');
export const crmConsoleGetTemplate = callables?.callable('crmConsoleGetTemplate');
export const crmConsoleSaveDraft = callables?.callable('crmConsoleSaveDraft');
export const crmConsoleCloneTemplate = callables?.callable('crmConsoleCloneTemplate');
export const crmConsolePublishDraft = callables?.callable('crmConsolePublishDraft');
export const crmConsoleSetTemplateActive = callables?.callable('crmConsoleSetTemplateActive');
export const crmConsoleDeleteTemplate = callables?.callable('crmConsoleDeleteTemplate');
export const crmConsoleMigrationStatus = callables?.callable('crmConsoleMigrationStatus');
export const crmUpgradeStatus = callables?.callable('crmUpgradeStatus');
export const crmPreviewUpgrade = callables?.callable('crmPreviewUpgrade');
export const crmApplyUpgrade = callables?.callable('crmApplyUpgrade');
export const crmMigrationProgress = callables?.callable('crmMigrationProgress');
export const crmGetJob = callables?.callable('crmGetJob');
export const crmListJobs = callables?.callable('crmListJobs');
export const crmCancelJob = callables?.callable('crmCancelJob');
export const crmCreateApiKey = callables?.callable('crmCreateApiKey');
export const crmListApiKeys = callables?.callable('crmListApiKeys');
export const crmRevokeApiKey = callables?.callable('crmRevokeApiKey');
export const crmCreateWebhookSubscription = callables?.callable('crmCreateWebhookSubscription');
export const crmUpdateWebhookSubscription = callables?.callable('crmUpdateWebhookSubscription');
export const crmListWebhookSubscriptions = callables?.callable('crmListWebhookSubscriptions');
export const crmDeleteWebhookSubscription = callables?.callable('crmDeleteWebhookSubscription');
export const crmListWebhookDeliveries = callables?.callable('crmListWebhookDeliveries');
export const crmRedeliverWebhook = callables?.callable('crmRedeliverWebhook');
export const crmListAuditLog = callables?.callable('crmListAuditLog');
export const crmExportAuditLog = callables?.callable('crmExportAuditLog');
export const crmGetAccessSettings = callables?.callable('crmGetAccessSettings');
export const crmSaveAccessSettings = callables?.callable('crmSaveAccessSettings');
export const crmListTimeline = callables?.callable('crmListTimeline');
export const crmAddNote = callables?.callable('crmAddNote');
export const crmUpdateNote = callables?.callable('crmUpdateNote');
export const crmDeleteNote = callables?.callable('crmDeleteNote');
export const crmListTenantMembers = callables?.callable('crmListTenantMembers');
export const crmRequestAttachmentUpload = callables?.callable('crmRequestAttachmentUpload');
export const crmConfirmAttachment = callables?.callable('crmConfirmAttachment');
export const crmGetAttachmentDownload = callables?.callable('crmGetAttachmentDownload');
export const crmDeleteAttachment = callables?.callable('crmDeleteAttachment');
export const crmCreateTask = callables?.callable('crmCreateTask');
export const crmSearchRecords = callables?.callable('crmSearchRecords');
export const crmListViews = callables?.callable('crmListViews');
export const crmSaveView = callables?.callable('crmSaveView');
export const crmDeleteView = callables?.callable('crmDeleteView');
export const crmSetDefaultView = callables?.callable('crmSetDefaultView');
export const crmCountGroups = callables?.callable('crmCountGroups');
export const crmListCalendar = callables?.callable('crmListCalendar');
export const crmStartImportUpload = callables?.callable('crmStartImportUpload');
export const crmPreviewImport = callables?.callable('crmPreviewImport');
export const crmStartImport = callables?.callable('crmStartImport');
export const crmRevertImport = callables?.callable('crmRevertImport');
export const crmGetImportErrorFile = callables?.callable('crmGetImportErrorFile');
export const crmSaveValidationRules = callables?.callable('crmSaveValidationRules');
export const crmRecomputeFormulas = callables?.callable('crmRecomputeFormulas');
export const crmStartExport = callables?.callable('crmStartExport');
export const crmGetExportDownload = callables?.callable('crmGetExportDownload');
export const crmStartBulkAction = callables?.callable('crmStartBulkAction');
export const crmRecomputeRollups = callables?.callable('crmRecomputeRollups');
export const crmGetDuplicateRules = callables?.callable('crmGetDuplicateRules');
export const crmSaveDuplicateRules = callables?.callable('crmSaveDuplicateRules');
export const crmFindDuplicates = callables?.callable('crmFindDuplicates');
export const crmMergeRecords = callables?.callable('crmMergeRecords');
export const crmListManualWorkflows = callables?.callable('crmListManualWorkflows');
export const crmRunWorkflow = callables?.callable('crmRunWorkflow');

/** Record trigger: display-value refresh, history and workflows, retried on transient failure. */
export const crmOnRecordWritten = triggers?.crmOnRecordWritten;
/** Scheduled workflows and webhook deliveries. */
export const crmRunWorkflowTask = tasks?.crmRunWorkflowTask;
/** Template-upgrade data migrations, one slice per task. */
export const crmRunMigrationTask = tasks?.crmRunMigrationTask;
export const crmRunJobTask = tasks?.crmRunJobTask;
/** The REST API for integrations (bearer API keys): /v1/modules/{module}/records…, /v1/openapi.json. */
export const crmApi = http?.crmApi;
/** Every 15 minutes: starts the daily TODAY()/NOW() formula sweep of tenants whose local day turned. */
export const crmSweepDueFormulas = schedules?.crmSweepDueFormulas;
