/** URLs of the SPA, in one place so features link to each other without importing each other. */
export const paths = {
  signIn: () => '/sign-in',
  tenants: () => '/',
  tenant: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}`,
  /** Platform template console (super admins and staff; the server refuses everyone else). */
  console: () => '/console',
  consoleTemplate: (slug: string) => `/console/templates/${encodeURIComponent(slug)}`,
  consoleDraft: (draftId: string) => `/console/drafts/${encodeURIComponent(draftId)}`,
  adminUpgrade: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/upgrade`,
  adminSettings: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/settings`,
  module: (tenantId: string, module: string, view?: 'table' | 'board') =>
    `/t/${encodeURIComponent(tenantId)}/m/${module}${view === 'board' ? '?view=board' : ''}`,
  newRecord: (tenantId: string, module: string) => `/t/${encodeURIComponent(tenantId)}/m/${module}/new`,
  record: (tenantId: string, module: string, recordId: string) => `/t/${encodeURIComponent(tenantId)}/m/${module}/r/${recordId}`,
  editRecord: (tenantId: string, module: string, recordId: string) =>
    `/t/${encodeURIComponent(tenantId)}/m/${module}/r/${recordId}/edit`,
  adminRules: (tenantId: string, module?: string) => `/t/${encodeURIComponent(tenantId)}/admin/rules${module ? `/${module}` : ''}`,
  adminFields: (tenantId: string, module?: string) =>
    `/t/${encodeURIComponent(tenantId)}/admin/fields${module ? `/${module}` : ''}`,
  adminNewModule: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/modules/new`,
  dashboard: (tenantId: string, dashboardId?: string) =>
    `/t/${encodeURIComponent(tenantId)}/dashboard${dashboardId ? `/${encodeURIComponent(dashboardId)}` : ''}`,
  /** A module's list opened filtered to `field = value` (a dashboard's pipeline stage); read back with `eqFiltersFromSearch`. */
  moduleWhere: (tenantId: string, module: string, filters: ReadonlyArray<{ field: string; value: string }>) =>
    `/t/${encodeURIComponent(tenantId)}/m/${module}?${new URLSearchParams(filters.map((filter) => [`${EQ_PARAM_PREFIX}${filter.field}`, filter.value])).toString()}`,
  workflows: (tenantId: string, module?: string) => `/t/${encodeURIComponent(tenantId)}/admin/workflows${module ? `/${module}` : ''}`,
  newWorkflow: (tenantId: string, module: string) => `/t/${encodeURIComponent(tenantId)}/admin/workflows/${module}/new`,
  workflow: (tenantId: string, module: string, workflowId: string) =>
    `/t/${encodeURIComponent(tenantId)}/admin/workflows/${module}/w/${encodeURIComponent(workflowId)}`,
  outbox: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/outbox`,
  tasks: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/tasks`,
  apiKeys: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/api-keys`,
  webhooks: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/webhooks`,
  accessPermissions: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/permissions`,
  auditLog: (tenantId: string) => `/t/${encodeURIComponent(tenantId)}/admin/audit`,
  importRecords: (tenantId: string, module: string) => `/t/${encodeURIComponent(tenantId)}/m/${module}/import`,
  importRun: (tenantId: string, module: string, jobId: string) => `/t/${encodeURIComponent(tenantId)}/m/${module}/import/${encodeURIComponent(jobId)}`,
  duplicateRules: (tenantId: string, module?: string) => `/t/${encodeURIComponent(tenantId)}/admin/duplicates${module ? `/${module}` : ''}`,
  /** The merge screen, preselected with `ids` (the list's selection, or a record and its duplicates). */
  mergeRecords: (tenantId: string, module: string, ids: readonly string[] = []) =>
    `/t/${encodeURIComponent(tenantId)}/m/${module}/merge${ids.length > 0 ? `?${new URLSearchParams({ ids: ids.join(',') }).toString()}` : ''}`,
};

const EQ_PARAM_PREFIX = 'eq.';

/** `?eq.stage=Negotiation` → `[{ field: 'stage', value: 'Negotiation' }]`: equality filters carried in a list URL. */
export function eqFiltersFromSearch(search: URLSearchParams): Array<{ field: string; value: string }> {
  return [...search.entries()]
    .filter(([name]) => name.startsWith(EQ_PARAM_PREFIX) && name.length > EQ_PARAM_PREFIX.length)
    .map(([name, value]) => ({ field: name.slice(EQ_PARAM_PREFIX.length), value }));
}
