/** Where API keys, idempotency records and webhook subscriptions live: under their tenant, like all tenant data. */
export const integrationPaths = {
  apiKeys: (tenantId: string) => `crm_tenants/${tenantId}/api_keys`,
  apiKey: (tenantId: string, keyId: string) => `crm_tenants/${tenantId}/api_keys/${keyId}`,
  idempotencyKey: (tenantId: string, id: string) => `crm_tenants/${tenantId}/api_idempotency/${id}`,
  subscriptions: (tenantId: string) => `crm_tenants/${tenantId}/webhook_subscriptions`,
  subscription: (tenantId: string, id: string) => `crm_tenants/${tenantId}/webhook_subscriptions/${id}`,
  deliveries: (tenantId: string) => `crm_tenants/${tenantId}/webhook_deliveries`,
  delivery: (tenantId: string, id: string) => `crm_tenants/${tenantId}/webhook_deliveries/${id}`,
} as const;
