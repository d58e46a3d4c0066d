/**
 * Where workflow automation keeps its documents. Tenant data stays under the
 * tenant; the two top-level collections are dictated by their consumers: the
 * Trigger Email extension watches `mail`, and the embedded task queue is
 * polled with one query across tenants.
 */
export const workflowPaths = {
  workflows: (tenantId: string) => `crm_tenants/${tenantId}/workflows`,
  workflow: (tenantId: string, id: string) => `crm_tenants/${tenantId}/workflows/${id}`,
  logs: (tenantId: string) => `crm_tenants/${tenantId}/workflow_logs`,
  log: (tenantId: string, id: string) => `crm_tenants/${tenantId}/workflow_logs/${id}`,
  tasks: (tenantId: string) => `crm_tenants/${tenantId}/tasks`,
  task: (tenantId: string, id: string) => `crm_tenants/${tenantId}/tasks/${id}`,
  webhookSecret: (tenantId: string, ref: string) => `crm_tenants/${tenantId}/webhook_secrets/${ref}`,
  mail: 'mail',
  mailDoc: (id: string) => `mail/${id}`,
  taskQueue: 'crm_task_queue',
  queuedTask: (name: string) => `crm_task_queue/${name}`,
} as const;

/** OS collections read for placeholders ({{tenant.name}}, {{owner.email}}); the CRM never writes them. */
export const OS_PATHS = {
  tenant: (tenantId: string) => `tenants/${tenantId}`,
  user: (uid: string) => `platform_users/${uid}`,
} as const;
