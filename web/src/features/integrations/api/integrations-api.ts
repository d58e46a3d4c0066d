import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as integrations from '@crm/api/integrations-schemas.js';
import * as wf from '@crm/api/workflow-schemas.js';
import { createCaller } from '../../../lib/api/call-crm';
import { useBackend } from '../../../lib/firebase/backend-context';

/** The integration callables with the server's own schemas (checked before they leave, parsed before they render). */
const INTEGRATION_CALLABLES = {
  crmCreateApiKey: { request: integrations.ZCreateApiKeyRequestSchema, response: integrations.ZCreateApiKeyResponseSchema },
  crmListApiKeys: { request: integrations.ZListApiKeysRequestSchema, response: integrations.ZListApiKeysResponseSchema },
  crmRevokeApiKey: { request: integrations.ZRevokeApiKeyRequestSchema, response: integrations.ZApiKeyResponseSchema },
  crmCreateWebhookSubscription: { request: integrations.ZCreateWebhookSubscriptionRequestSchema, response: integrations.ZWebhookSubscriptionResponseSchema },
  crmUpdateWebhookSubscription: { request: integrations.ZUpdateWebhookSubscriptionRequestSchema, response: integrations.ZWebhookSubscriptionResponseSchema },
  crmListWebhookSubscriptions: { request: integrations.ZListWebhookSubscriptionsRequestSchema, response: integrations.ZListWebhookSubscriptionsResponseSchema },
  crmDeleteWebhookSubscription: { request: integrations.ZDeleteWebhookSubscriptionRequestSchema, response: integrations.ZDeleteWebhookSubscriptionResponseSchema },
  crmListWebhookDeliveries: { request: integrations.ZListWebhookDeliveriesRequestSchema, response: integrations.ZListWebhookDeliveriesResponseSchema },
  crmRedeliverWebhook: { request: integrations.ZRedeliverWebhookRequestSchema, response: integrations.ZDeliveryResponseSchema },
  crmRevealWebhookSecret: { request: wf.ZRevealWebhookSecretRequestSchema, response: wf.ZRevealWebhookSecretResponseSchema },
} as const;

const call = createCaller(INTEGRATION_CALLABLES);

export type TApiKeyView = integrations.TApiKeyView;
export type TApiKeyInput = integrations.TApiKeyInput;
export type TSubscriptionView = integrations.TSubscriptionView;
export type TSubscriptionInput = integrations.TSubscriptionInput;
export type TDeliveryView = integrations.TDeliveryView;
export const ApiKeyInputSchema = integrations.ApiKeyInputSchema;
export const SubscriptionInputSchema = integrations.SubscriptionInputSchema;

const root = (tenantId: string) => ['crm', tenantId, 'integrations'] as const;
const keys = {
  apiKeys: (tenantId: string) => [...root(tenantId), 'api-keys'] as const,
  subscriptions: (tenantId: string) => [...root(tenantId), 'subscriptions'] as const,
  deliveries: (tenantId: string, subscriptionId: string) => [...root(tenantId), 'deliveries', subscriptionId] as const,
};

export function useApiKeys(tenantId: string, enabled: boolean) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.apiKeys(tenantId),
    enabled,
    queryFn: async () => (await call(functions, 'crmListApiKeys', { tenantId })).keys,
  });
}

export function useCreateApiKey(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: TApiKeyInput) => call(functions, 'crmCreateApiKey', { tenantId, key }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.apiKeys(tenantId) }),
  });
}

export function useRevokeApiKey(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => call(functions, 'crmRevokeApiKey', { tenantId, keyId }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.apiKeys(tenantId) }),
  });
}

export function useSubscriptions(tenantId: string, enabled: boolean) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.subscriptions(tenantId),
    enabled,
    queryFn: async () => (await call(functions, 'crmListWebhookSubscriptions', { tenantId })).subscriptions,
  });
}

export function useSaveSubscription(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string; subscription: TSubscriptionInput; active?: boolean }) =>
      input.id
        ? call(functions, 'crmUpdateWebhookSubscription', { tenantId, subscriptionId: input.id, subscription: { ...input.subscription, active: input.active ?? true } })
        : call(functions, 'crmCreateWebhookSubscription', { tenantId, subscription: input.subscription }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.subscriptions(tenantId) }),
  });
}

export function useDeleteSubscription(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (subscriptionId: string) => call(functions, 'crmDeleteWebhookSubscription', { tenantId, subscriptionId }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.subscriptions(tenantId) }),
  });
}

export function useDeliveries(tenantId: string, subscriptionId: string | null) {
  const { functions } = useBackend();
  return useQuery({
    queryKey: keys.deliveries(tenantId, subscriptionId ?? ''),
    enabled: subscriptionId !== null,
    queryFn: async () => (await call(functions, 'crmListWebhookDeliveries', { tenantId, subscriptionId: subscriptionId ?? '' })).deliveries,
  });
}

export function useRedeliver(tenantId: string) {
  const { functions } = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => call(functions, 'crmRedeliverWebhook', { tenantId, deliveryId }),
    onSuccess: () => client.invalidateQueries({ queryKey: [...root(tenantId), 'deliveries'] }),
  });
}

export function useRevealSecret(tenantId: string) {
  const { functions } = useBackend();
  return useMutation({
    mutationFn: async (secretRef: string) => (await call(functions, 'crmRevealWebhookSecret', { tenantId, secretRef })).secret,
  });
}
