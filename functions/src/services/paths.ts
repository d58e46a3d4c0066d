/**
 * Every Firestore path the CRM writes. All tenant data lives under
 * `crm_tenants/{tenantId}`, so tenant scoping is a property of the path, not of
 * a filter someone could forget. Ids reaching here are validated by the API
 * schemas (no slashes), so a path can never escape its tenant.
 */
export const crmPaths = {
  templates: 'crm_templates',
  template: (slug: string) => `crm_templates/${slug}`,
  templateVersions: (slug: string) => `crm_templates/${slug}/versions`,
  templateVersion: (slug: string, version: string) => `crm_templates/${slug}/versions/${version}`,
  tenant: (tenantId: string) => `crm_tenants/${tenantId}`,
  records: (tenantId: string) => `crm_tenants/${tenantId}/records`,
  record: (tenantId: string, recordId: string) => `crm_tenants/${tenantId}/records/${recordId}`,
  recordHistory: (tenantId: string, recordId: string) => `crm_tenants/${tenantId}/records/${recordId}/history`,
  counter: (tenantId: string, module: string) => `crm_tenants/${tenantId}/counters/${module}`,
  uniqueValues: (tenantId: string) => `crm_tenants/${tenantId}/unique_values`,
  uniqueValue: (tenantId: string, key: string) => `crm_tenants/${tenantId}/unique_values/${key}`,
  workflows: (tenantId: string) => `crm_tenants/${tenantId}/workflows`,
  dashboards: (tenantId: string) => `crm_tenants/${tenantId}/dashboards`,
  jobs: (tenantId: string) => `crm_tenants/${tenantId}/jobs`,
  job: (tenantId: string, jobId: string) => `crm_tenants/${tenantId}/jobs/${jobId}`,
} as const;

/** Collection ids used by collection-group queries and change feeds. */
export const RECORDS_COLLECTION_ID = 'records';
