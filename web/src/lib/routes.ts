/** URLs of the SPA, in one place so features link to each other without importing each other. */
export const paths = {
  signIn: () => '/sign-in',
  tenants: () => '/',
  tenant: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}`,
  module: (tenantId: string, module: string, view?: 'table' | 'board') =>
    `/t/${encodeURIComponent(tenantId)}/m/${module}${view === 'board' ? '?view=board' : ''}`,
  newRecord: (tenantId: string, module: string) => `/t/${encodeURIComponent(tenantId)}/m/${module}/new`,
  record: (tenantId: string, module: string, recordId: string) => `/t/${encodeURIComponent(tenantId)}/m/${module}/r/${recordId}`,
  editRecord: (tenantId: string, module: string, recordId: string) =>
    `/t/${encodeURIComponent(tenantId)}/m/${module}/r/${recordId}/edit`,
  adminFields: (tenantId: string, module?: string) =>
    `/t/${encodeURIComponent(tenantId)}/admin/fields${module ? `/${module}` : ''}`,
  adminNewModule: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/modules/new`,
  workflows: (tenantId: string, module?: string) => `/t/${encodeURIComponent(tenantId)}/admin/workflows${module ? `/${module}` : ''}`,
  newWorkflow: (tenantId: string, module: string) => `/t/${encodeURIComponent(tenantId)}/admin/workflows/${module}/new`,
  workflow: (tenantId: string, module: string, workflowId: string) =>
    `/t/${encodeURIComponent(tenantId)}/admin/workflows/${module}/w/${encodeURIComponent(workflowId)}`,
  outbox: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/outbox`,
  tasks: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/tasks`,
};
