/**
 * Wire format of the integration callables (API keys, webhook
 * subscriptions); the SPA's forms import these.
 */
import { z } from 'zod';
import { TENANT_ROLES } from '../engine/template/template-schema.js';
import { IdSchema, ModuleSlugSchema, TenantIdSchema } from './schemas.js';

export const TenantRoleSchema = z.enum(TENANT_ROLES);

// ---- API keys ---------------------------------------------------------------

export const ApiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: TenantRoleSchema,
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
export type TApiKeyView = z.infer<typeof ApiKeyViewSchema>;

export const ApiKeyInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  role: TenantRoleSchema,
  expiresInDays: z.number().int().min(1).max(730),
});
export type TApiKeyInput = z.infer<typeof ApiKeyInputSchema>;

export const ZCreateApiKeyRequestSchema = z.strictObject({ tenantId: TenantIdSchema, key: ApiKeyInputSchema });
export type TCreateApiKeyRequest = z.infer<typeof ZCreateApiKeyRequestSchema>;
/** `secret` is the whole key, shown this once: only its hash is stored. */
export const ZCreateApiKeyResponseSchema = z.object({ key: ApiKeyViewSchema, secret: z.string() });
export type TCreateApiKeyResponse = z.infer<typeof ZCreateApiKeyResponseSchema>;

export const ZListApiKeysRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export const ZListApiKeysResponseSchema = z.object({ keys: z.array(ApiKeyViewSchema) });
export type TListApiKeysResponse = z.infer<typeof ZListApiKeysResponseSchema>;

export const ZRevokeApiKeyRequestSchema = z.strictObject({ tenantId: TenantIdSchema, keyId: IdSchema });
export const ZApiKeyResponseSchema = z.object({ key: ApiKeyViewSchema });
export type TApiKeyResponse = z.infer<typeof ZApiKeyResponseSchema>;

// ---- webhook subscriptions ---------------------------------------------------

export const SubscriptionEventSchema = z.enum(['created', 'updated', 'deleted', 'restored']);

export const SubscriptionInputSchema = z.strictObject({
  url: z.url().max(2000),
  description: z.string().max(200).optional(),
  modules: z.array(ModuleSlugSchema).min(1).max(50),
  events: z.array(SubscriptionEventSchema).min(1).max(4),
  /** The workflow condition language (checked by the service with the workflows' schema). */
  condition: z.unknown().optional(),
  /** Whose rights shape the payload (module access, field-level security); default admin. */
  role: TenantRoleSchema.optional(),
});
export type TSubscriptionInput = z.infer<typeof SubscriptionInputSchema>;

export const SubscriptionViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  modules: z.array(z.string()),
  events: z.array(SubscriptionEventSchema),
  condition: z.unknown().nullable(),
  role: TenantRoleSchema,
  active: z.boolean(),
  secretRef: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TSubscriptionView = z.infer<typeof SubscriptionViewSchema>;

export const ZCreateWebhookSubscriptionRequestSchema = z.strictObject({ tenantId: TenantIdSchema, subscription: SubscriptionInputSchema });
export const ZUpdateWebhookSubscriptionRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  subscriptionId: IdSchema,
  subscription: SubscriptionInputSchema.extend({ active: z.boolean() }),
});
export const ZWebhookSubscriptionResponseSchema = z.object({ subscription: SubscriptionViewSchema });
export type TWebhookSubscriptionResponse = z.infer<typeof ZWebhookSubscriptionResponseSchema>;

export const ZListWebhookSubscriptionsRequestSchema = z.strictObject({ tenantId: TenantIdSchema });
export const ZListWebhookSubscriptionsResponseSchema = z.object({ subscriptions: z.array(SubscriptionViewSchema) });
export type TListWebhookSubscriptionsResponse = z.infer<typeof ZListWebhookSubscriptionsResponseSchema>;

export const ZDeleteWebhookSubscriptionRequestSchema = z.strictObject({ tenantId: TenantIdSchema, subscriptionId: IdSchema });
export const ZDeleteWebhookSubscriptionResponseSchema = z.object({ deleted: z.literal(true) });

export const DeliveryViewSchema = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  event: SubscriptionEventSchema,
  eventId: z.string(),
  module: z.string(),
  recordId: z.string(),
  status: z.enum(['queued', 'retrying', 'success', 'failed', 'cancelled']),
  attempts: z.number().int(),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  body: z.string(),
});
export type TDeliveryView = z.infer<typeof DeliveryViewSchema>;

export const ZListWebhookDeliveriesRequestSchema = z.strictObject({
  tenantId: TenantIdSchema,
  subscriptionId: IdSchema,
  limit: z.number().int().min(1).max(100).default(50),
  /** ISO time: deliveries created before it (the next page). */
  before: z.iso.datetime().optional(),
});
export const ZListWebhookDeliveriesResponseSchema = z.object({ deliveries: z.array(DeliveryViewSchema) });
export type TListWebhookDeliveriesResponse = z.infer<typeof ZListWebhookDeliveriesResponseSchema>;

export const ZRedeliverWebhookRequestSchema = z.strictObject({ tenantId: TenantIdSchema, deliveryId: IdSchema });
export const ZDeliveryResponseSchema = z.object({ delivery: DeliveryViewSchema });
export type TDeliveryResponse = z.infer<typeof ZDeliveryResponseSchema>;
