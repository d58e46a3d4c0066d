import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DocumentChange, DocumentStore, StoredDocument, StoreValue } from '../../store/document-store.js';
import { isStoreError } from '../../store/document-store.js';
import { ConditionSchema, type Condition } from '../../engine/template/condition-schema.js';
import { zodIssuesToErrors } from '../../engine/template/format-issues.js';
import { evaluateCondition } from '../../engine/workflows/evaluate-condition.js';
import { classifyRecordEvent } from '../../engine/workflows/match-trigger.js';
import { canManageConfiguration, type TenantRole } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { ConfigStore } from '../config/config-store.js';
import { CrmError, CRM_ERROR_CODES, invalidInput, isCrmError, type FieldIssue } from '../errors.js';
import type { RecordsService } from '../records/records-service.js';
import type { RecordView } from '../records/record-model.js';
import { asStoredRecord } from '../records/record-model.js';
import { RetryTaskError, type TaskScheduler } from '../workflows/task-scheduler.js';
import type { WebhookSender } from '../workflows/webhook-sender.js';
import type { WebhookSecrets } from '../workflows/webhook-secrets.js';
import { recordAudit } from '../audit/record-audit.js';
import { integrationPaths } from './integration-paths.js';

export const SUBSCRIPTION_EVENTS = ['created', 'updated', 'deleted', 'restored'] as const;
export type SubscriptionEvent = (typeof SUBSCRIPTION_EVENTS)[number];
/** The role whose rights (module access, field-level security) shape payloads unless the admin picks another. */
export const DEFAULT_SUBSCRIPTION_ROLE: TenantRole = 'admin';
/** Per tenant; each one costs a record read per matching event. */
export const MAX_SUBSCRIPTIONS = 50;
/** How long an instance trusts its copy of a tenant's subscriptions; this instance drops it on every change. */
const SUBSCRIPTION_CACHE_MS = 30_000;

export interface SubscriptionInput {
  readonly url: string;
  readonly description?: string | undefined;
  readonly modules: readonly string[];
  readonly events: readonly SubscriptionEvent[];
  readonly condition?: unknown;
  readonly role?: TenantRole | undefined;
}

export interface SubscriptionView {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  readonly modules: string[];
  readonly events: SubscriptionEvent[];
  readonly condition: Condition | null;
  readonly role: TenantRole;
  readonly active: boolean;
  /** The signing secret's name: `crmRevealWebhookSecret` with it shows the secret receivers verify X-CRM-Signature with. */
  readonly secretRef: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type DeliveryStatus = 'queued' | 'retrying' | 'success' | 'failed' | 'cancelled';

export interface DeliveryView {
  readonly id: string;
  readonly subscriptionId: string;
  readonly event: SubscriptionEvent;
  readonly eventId: string;
  readonly module: string;
  readonly recordId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number | null;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly body: string;
}

export interface WebhookSubscriptionsDeps {
  readonly store: DocumentStore;
  readonly configs: ConfigStore;
  readonly records: RecordsService;
  readonly scheduler: TaskScheduler;
  readonly sender: WebhookSender;
  readonly secrets: WebhookSecrets;
  readonly now?: () => Date;
}

interface StoredSubscription extends Omit<SubscriptionView, 'createdAt' | 'updatedAt'> {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * Outbound webhook subscriptions: an admin subscribes a URL to record events
 * of chosen modules, optionally filtered by a condition in the workflow
 * condition language. Each matching event becomes one delivery document (its
 * log entry, keyed by subscription and event id, so a redelivered trigger
 * event queues nothing twice) and one task on the workflow task queue, which
 * signs (HMAC-SHA256, the workflow webhooks' scheme and SSRF-guarded
 * sender) and retries with backoff.
 *
 * Payloads are read through the records service as a caller with the
 * subscription's role (uid `webhook:<id>`): module rights, own-record scopes
 * and field-level security shape what leaves, as for a person with that role.
 */
export class WebhookSubscriptionsService {
  private readonly cache = new LRUCache<string, { at: number; subscriptions: StoredSubscription[] }>({ max: 10_000 });

  constructor(private readonly deps: WebhookSubscriptionsDeps) {}

  // ---------------------------------------------------------------- admin

  async create(caller: Caller, input: SubscriptionInput): Promise<SubscriptionView> {
    requireAdmin(caller);
    const existing = await this.deps.store.query({ collection: integrationPaths.subscriptions(caller.tenantId), limit: MAX_SUBSCRIPTIONS });
    if (existing.length >= MAX_SUBSCRIPTIONS) {
      throw new CrmError(CRM_ERROR_CODES.precondition, `A CRM has at most ${MAX_SUBSCRIPTIONS} webhook subscriptions.`, [], {
        messageKey: 'integrations.errors.tooManySubscriptions',
        params: { max: MAX_SUBSCRIPTIONS },
      });
    }
    const fields = await this.validate(caller, input);
    const id = this.deps.store.newId();
    const now = this.now();
    const doc = {
      ...fields,
      active: true,
      secretRef: `subscription-${id}`,
      createdBy: caller.uid,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.runTransaction(async (tx) => {
      tx.create(integrationPaths.subscription(caller.tenantId, id), plain(doc));
      recordAudit(tx, { kind: 'settings', action: 'webhook_subscription.created', caller, target: { id, label: fields.url }, before: null, after: fields, at: now });
    });
    this.cache.delete(caller.tenantId);
    return toSubscriptionView(id, doc);
  }

  async update(caller: Caller, id: string, input: SubscriptionInput & { active: boolean }): Promise<SubscriptionView> {
    requireAdmin(caller);
    const fields = await this.validate(caller, input);
    const path = integrationPaths.subscription(caller.tenantId, id);
    const data = await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      if (!doc) throw subscriptionNotFound();
      const next = { ...doc.data, ...plain(fields), condition: fields.condition, active: input.active, updatedAt: this.now() };
      tx.set(path, plain(next));
      recordAudit(tx, {
        kind: 'settings',
        action: 'webhook_subscription.updated',
        caller,
        target: { id, label: fields.url },
        before: auditedSubscription(doc.data),
        after: auditedSubscription(next),
        at: this.now(),
      });
      return next;
    });
    this.cache.delete(caller.tenantId);
    return toSubscriptionView(id, data);
  }

  async list(caller: Caller): Promise<SubscriptionView[]> {
    requireAdmin(caller);
    const docs = await this.deps.store.query({ collection: integrationPaths.subscriptions(caller.tenantId), limit: MAX_SUBSCRIPTIONS });
    return docs.map((doc) => toSubscriptionView(doc.id, doc.data)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Queued deliveries of a removed subscription find it gone and end as `cancelled`. */
  async remove(caller: Caller, id: string): Promise<void> {
    requireAdmin(caller);
    const path = integrationPaths.subscription(caller.tenantId, id);
    await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      if (!doc) throw subscriptionNotFound();
      tx.delete(path);
      const before = auditedSubscription(doc.data);
      recordAudit(tx, { kind: 'settings', action: 'webhook_subscription.deleted', caller, target: { id, label: String(before.url) }, before, after: null, at: this.now() });
    });
    this.cache.delete(caller.tenantId);
  }

  async listDeliveries(caller: Caller, filter: { subscriptionId: string; limit: number; before?: string | undefined }): Promise<DeliveryView[]> {
    requireAdmin(caller);
    const docs = await this.deps.store.query({
      collection: integrationPaths.deliveries(caller.tenantId),
      where: [
        { field: 'subscriptionId', op: '==', value: filter.subscriptionId },
        ...(filter.before ? [{ field: 'createdAt', op: '<' as const, value: new Date(filter.before) }] : []),
      ],
      orderBy: [{ field: 'createdAt', direction: 'desc' }],
      limit: filter.limit,
    });
    return docs.map(toDeliveryView);
  }

  /** Sends the same body again (same event id: receivers that dedupe on it see a repeat, as with any retry). */
  async redeliver(caller: Caller, deliveryId: string): Promise<DeliveryView> {
    requireAdmin(caller);
    const path = integrationPaths.delivery(caller.tenantId, deliveryId);
    const now = this.now();
    const next = await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      if (!doc) throw new CrmError(CRM_ERROR_CODES.notFound, 'This delivery does not exist.', [], { messageKey: 'integrations.errors.deliveryNotFound' });
      if (doc.data.status === 'queued' || doc.data.status === 'retrying') {
        throw new CrmError(CRM_ERROR_CODES.precondition, 'This delivery is still being attempted.', [], { messageKey: 'integrations.errors.deliveryPending' });
      }
      const redeliveries = (typeof doc.data.redeliveries === 'number' ? doc.data.redeliveries : 0) + 1;
      const update = { status: 'queued', redeliveries, error: null, updatedAt: now };
      tx.update(path, update);
      return { id: doc.id, data: { ...doc.data, ...update } };
    });
    await this.deps.scheduler.enqueue(`sub-${deliveryId}-r${String(next.data.redeliveries)}`, now, {
      kind: 'subscription',
      tenantId: caller.tenantId,
      deliveryId,
    });
    return toDeliveryView(next);
  }

  // ---------------------------------------------------------------- trigger and task

  /** From the record trigger: one delivery per matching subscription, idempotent per event id. */
  async onRecordWritten(change: DocumentChange): Promise<{ queued: number }> {
    const match = /^crm_tenants\/([^/]+)\/records\/([^/]+)$/.exec(change.path);
    if (!match) return { queued: 0 };
    const [, tenantId = '', recordId = ''] = match;
    const before = change.before ? asStoredRecord(change.before) : null;
    const after = change.after ? asStoredRecord(change.after) : null;
    const kind = classifyRecordEvent({
      before: before ? { data: before.data ?? {}, deleted: before.deleted === true } : null,
      after: after ? { data: after.data ?? {}, deleted: after.deleted === true } : null,
    });
    if (kind === 'touched') return { queued: 0 };
    const module = (after ?? before)?.module;
    const subscriptions = (await this.activeSubscriptions(tenantId)).filter(
      (subscription) => subscription.modules.includes(String(module)) && subscription.events.includes(kind),
    );
    if (subscriptions.length === 0) return { queued: 0 };
    const config = await this.deps.configs.load(tenantId);
    const timeZone = config?.timezone ?? 'UTC';
    // One read per role, shared by the subscriptions that use it.
    const views = new Map<TenantRole, Promise<RecordView | null>>();
    let queued = 0;
    for (const subscription of subscriptions) {
      const caller: Caller = {
        uid: `webhook:${subscription.id}`,
        tenantId,
        tenantName: tenantId,
        role: subscription.role,
        platformRole: null,
        via: { kind: 'system', name: `webhook-subscription:${subscription.id}` },
      };
      if (!views.has(subscription.role)) views.set(subscription.role, this.readAs(caller, recordId));
      const view = await views.get(subscription.role);
      // The role may not read this record (no module right, or own-records only): nothing is sent.
      if (!view) continue;
      if (subscription.condition) {
        const visible = Object.keys(view.data);
        const previous = before && kind === 'updated' ? Object.fromEntries(visible.map((key) => [key, before.data?.[key]])) : null;
        const matches = evaluateCondition({
          condition: subscription.condition,
          record: conditionValues(view),
          previous,
          now: this.now(),
          timeZone,
        });
        if (!matches) continue;
      }
      await this.queueDelivery({ tenantId, subscription, kind, change, view });
      queued += 1;
    }
    return { queued };
  }

  /** The task queue's entry for one delivery attempt. */
  async deliver(payload: { tenantId: string; deliveryId: string }, attempt: number): Promise<void> {
    const path = integrationPaths.delivery(payload.tenantId, payload.deliveryId);
    const doc = await this.deps.store.get(path);
    // At-least-once queue: an attempt for a delivery already settled sends nothing.
    if (!doc || (doc.data.status !== 'queued' && doc.data.status !== 'retrying')) return;
    const subscription = await this.deps.store.get(integrationPaths.subscription(payload.tenantId, String(doc.data.subscriptionId)));
    const now = this.now();
    if (!subscription || subscription.data.active !== true) {
      await this.deps.store.update(path, { status: 'cancelled', error: 'The subscription was removed or paused.', updatedAt: now });
      return;
    }
    const secret = await this.deps.secrets.get(payload.tenantId, String(subscription.data.secretRef));
    const result = await this.deps.sender.send({
      url: String(subscription.data.url),
      body: String(doc.data.body),
      secret,
      eventId: String(doc.data.eventId),
      attempt,
    });
    const final = result.ok || !result.retryable || attempt + 1 >= this.deps.scheduler.maxAttempts;
    const attempts = (typeof doc.data.attempts === 'number' ? doc.data.attempts : 0) + 1;
    await this.deps.store.update(path, {
      status: result.ok ? 'success' : final ? 'failed' : 'retrying',
      attempts,
      httpStatus: result.status,
      error: result.ok ? null : result.error,
      durationMs: result.durationMs,
      lastAttemptAt: now,
      deliveredAt: result.ok ? now : null,
      updatedAt: now,
    });
    if (!final) throw new RetryTaskError(`delivery ${payload.deliveryId} attempt ${attempt + 1} failed: ${result.ok ? '' : result.error}`);
  }

  // ---------------------------------------------------------------- internals

  private async queueDelivery({
    tenantId,
    subscription,
    kind,
    change,
    view,
  }: {
    tenantId: string;
    subscription: StoredSubscription;
    kind: SubscriptionEvent;
    change: DocumentChange;
    view: RecordView;
  }): Promise<void> {
    const deliveryId = `${subscription.id}_${createHash('sha256').update(change.eventId).digest('hex').slice(0, 24)}`;
    const path = integrationPaths.delivery(tenantId, deliveryId);
    const now = this.now();
    const body = JSON.stringify({
      event: `record.${kind}`,
      eventId: change.eventId,
      deliveryId,
      subscriptionId: subscription.id,
      tenantId,
      module: view.module,
      occurredAt: change.time.toISOString(),
      record: view,
    });
    try {
      await this.deps.store.create(path, {
        subscriptionId: subscription.id,
        event: kind,
        eventId: change.eventId,
        module: view.module,
        recordId: view.id,
        status: 'queued',
        attempts: 0,
        redeliveries: 0,
        httpStatus: null,
        error: null,
        durationMs: null,
        body,
        createdAt: now,
        updatedAt: now,
        lastAttemptAt: null,
        deliveredAt: null,
      });
    } catch (error) {
      // A redelivered trigger event: the delivery exists; queueing its task again below is harmless (named, settled ones send nothing).
      if (!isStoreError(error, 'already-exists')) throw error;
    }
    await this.deps.scheduler.enqueue(`sub-${deliveryId}`, now, { kind: 'subscription', tenantId, deliveryId });
  }

  private async readAs(caller: Caller, recordId: string): Promise<RecordView | null> {
    try {
      return await this.deps.records.get(caller, recordId);
    } catch (error) {
      if (isCrmError(error, CRM_ERROR_CODES.notFound)) return null;
      throw error;
    }
  }

  private async activeSubscriptions(tenantId: string): Promise<StoredSubscription[]> {
    const cached = this.cache.get(tenantId);
    const nowMs = this.now().getTime();
    if (cached && nowMs - cached.at < SUBSCRIPTION_CACHE_MS) return cached.subscriptions;
    const docs = await this.deps.store.query({ collection: integrationPaths.subscriptions(tenantId), limit: MAX_SUBSCRIPTIONS });
    const subscriptions = docs.map((doc) => toStored(doc)).filter((subscription) => subscription.active);
    this.cache.set(tenantId, { at: nowMs, subscriptions });
    return subscriptions;
  }

  private async validate(caller: Caller, input: SubscriptionInput) {
    const config = await this.deps.configs.require(caller.tenantId);
    const issues: FieldIssue[] = [];
    for (const [index, module] of input.modules.entries()) {
      if (!config.modules.some((candidate) => candidate.slug === module)) issues.push({ path: `modules[${index}]`, message: `there is no module "${module}"` });
    }
    let condition: Condition | null = null;
    if (input.condition !== undefined && input.condition !== null) {
      const parsed = ConditionSchema.safeParse(input.condition);
      if (parsed.success) condition = parsed.data;
      else issues.push(...zodIssuesToErrors(parsed.error.issues, input.condition, ['condition']));
    }
    const problem = await this.deps.sender.checkUrl(input.url);
    if (problem) issues.push({ path: 'url', message: `cannot be called: ${problem}`, messageKey: 'integrations.errors.urlRefused', params: { reason: problem } });
    if (issues.length > 0) throw invalidInput(issues);
    return {
      url: input.url,
      description: input.description ?? '',
      modules: [...new Set(input.modules)],
      events: [...new Set(input.events)],
      condition,
      role: input.role ?? DEFAULT_SUBSCRIPTION_ROLE,
    };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/** What conditions see: the readable data plus the system fields the workflow language names. */
function conditionValues(view: RecordView): Record<string, unknown> {
  return {
    ...view.data,
    id: view.id,
    record_number: view.number,
    owner: view.ownerId,
    created_by: view.createdBy,
    created_at: view.createdAt,
    updated_at: view.updatedAt,
  };
}

/** What the audit log keeps of a subscription: its configuration (the secret lives elsewhere). */
function auditedSubscription(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { url, description, modules, events, condition, role, active } = data;
  return { url, description, modules, events, condition: condition ?? null, role, active };
}

function requireAdmin(caller: Caller): void {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins can manage webhook subscriptions.', [], { messageKey: 'integrations.errors.adminOnly' });
  }
}

function subscriptionNotFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This webhook subscription does not exist.', [], { messageKey: 'integrations.errors.subscriptionNotFound' });
}

/** Strips undefined (Firestore refuses it). */
function plain(value: Record<string, unknown>): Record<string, StoreValue> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Record<string, StoreValue>;
}

function iso(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : null;
}

function toStored(doc: Pick<StoredDocument, 'id' | 'data'>): StoredSubscription {
  const d = doc.data;
  return {
    id: doc.id,
    url: String(d.url ?? ''),
    description: String(d.description ?? ''),
    modules: Array.isArray(d.modules) ? d.modules.map(String) : [],
    events: Array.isArray(d.events) ? (d.events.filter((event) => SUBSCRIPTION_EVENTS.includes(event as SubscriptionEvent)) as SubscriptionEvent[]) : [],
    condition: d.condition && typeof d.condition === 'object' ? (d.condition as unknown as Condition) : null,
    role: (['owner', 'admin', 'member'].includes(String(d.role)) ? d.role : DEFAULT_SUBSCRIPTION_ROLE) as TenantRole,
    active: d.active === true,
    secretRef: String(d.secretRef ?? ''),
    createdBy: String(d.createdBy ?? ''),
    createdAt: d.createdAt instanceof Date ? d.createdAt : new Date(0),
    updatedAt: d.updatedAt instanceof Date ? d.updatedAt : new Date(0),
  };
}

function toSubscriptionView(id: string, data: Readonly<Record<string, unknown>>): SubscriptionView {
  const stored = toStored({ id, data: data as StoredDocument['data'] });
  return { ...stored, createdAt: stored.createdAt.toISOString(), updatedAt: stored.updatedAt.toISOString() };
}

function toDeliveryView(doc: Pick<StoredDocument, 'id' | 'data'>): DeliveryView {
  const d = doc.data;
  return {
    id: doc.id,
    subscriptionId: String(d.subscriptionId ?? ''),
    event: d.event as SubscriptionEvent,
    eventId: String(d.eventId ?? ''),
    module: String(d.module ?? ''),
    recordId: String(d.recordId ?? ''),
    status: d.status as DeliveryStatus,
    attempts: typeof d.attempts === 'number' ? d.attempts : 0,
    httpStatus: typeof d.httpStatus === 'number' ? d.httpStatus : null,
    error: typeof d.error === 'string' ? d.error : null,
    durationMs: typeof d.durationMs === 'number' ? d.durationMs : null,
    createdAt: iso(d.createdAt) ?? new Date(0).toISOString(),
    lastAttemptAt: iso(d.lastAttemptAt),
    deliveredAt: iso(d.deliveredAt),
    body: String(d.body ?? ''),
  };
}
