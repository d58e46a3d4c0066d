import { defineTenant } from './define-callable.js';
import * as schemas from './integrations-schemas.js';

/** API keys and webhook subscriptions: owners and admins only (the services check). */
export const INTEGRATIONS_CALLABLES = {
  crmCreateApiKey: defineTenant({
    request: schemas.ZCreateApiKeyRequestSchema,
    response: schemas.ZCreateApiKeyResponseSchema,
    handle: ({ caller, services }, input) => services.apiKeys.create(caller, input.key),
  }),
  crmListApiKeys: defineTenant({
    request: schemas.ZListApiKeysRequestSchema,
    response: schemas.ZListApiKeysResponseSchema,
    handle: async ({ caller, services }) => ({ keys: await services.apiKeys.list(caller) }),
  }),
  crmRevokeApiKey: defineTenant({
    request: schemas.ZRevokeApiKeyRequestSchema,
    response: schemas.ZApiKeyResponseSchema,
    handle: async ({ caller, services }, input) => ({ key: await services.apiKeys.revoke(caller, input.keyId) }),
  }),
  crmCreateWebhookSubscription: defineTenant({
    request: schemas.ZCreateWebhookSubscriptionRequestSchema,
    response: schemas.ZWebhookSubscriptionResponseSchema,
    handle: async ({ caller, services }, input) => ({ subscription: await services.webhookSubscriptions.create(caller, input.subscription) }),
  }),
  crmUpdateWebhookSubscription: defineTenant({
    request: schemas.ZUpdateWebhookSubscriptionRequestSchema,
    response: schemas.ZWebhookSubscriptionResponseSchema,
    handle: async ({ caller, services }, input) => ({
      subscription: await services.webhookSubscriptions.update(caller, input.subscriptionId, input.subscription),
    }),
  }),
  crmListWebhookSubscriptions: defineTenant({
    request: schemas.ZListWebhookSubscriptionsRequestSchema,
    response: schemas.ZListWebhookSubscriptionsResponseSchema,
    handle: async ({ caller, services }) => ({ subscriptions: await services.webhookSubscriptions.list(caller) }),
  }),
  crmDeleteWebhookSubscription: defineTenant({
    request: schemas.ZDeleteWebhookSubscriptionRequestSchema,
    response: schemas.ZDeleteWebhookSubscriptionResponseSchema,
    handle: async ({ caller, services }, input) => {
      await services.webhookSubscriptions.remove(caller, input.subscriptionId);
      return { deleted: true as const };
    },
  }),
  crmListWebhookDeliveries: defineTenant({
    request: schemas.ZListWebhookDeliveriesRequestSchema,
    response: schemas.ZListWebhookDeliveriesResponseSchema,
    handle: async ({ caller, services }, input) => ({
      deliveries: await services.webhookSubscriptions.listDeliveries(caller, { subscriptionId: input.subscriptionId, limit: input.limit, before: input.before }),
    }),
  }),
  crmRedeliverWebhook: defineTenant({
    request: schemas.ZRedeliverWebhookRequestSchema,
    response: schemas.ZDeliveryResponseSchema,
    handle: async ({ caller, services }, input) => ({ delivery: await services.webhookSubscriptions.redeliver(caller, input.deliveryId) }),
  }),
} as const;
