import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DocumentStore, StoredDocument } from '../../store/document-store.js';
import { canManageConfiguration, type TenantRole } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { CRM_APP_ID, OS_COLLECTIONS } from '../identity/os-firestore-identity.js';
import { recordAudit } from '../audit/record-audit.js';
import { integrationPaths } from './integration-paths.js';

/** Last-used time is written at most this often per key: a busy key costs one extra write a minute, not one per call. */
export const LAST_USED_RESOLUTION_MS = 60_000;
/** Longest validity an admin may give a key. */
export const MAX_KEY_LIFETIME_DAYS = 730;

/**
 * `crm_<tenantId>.<keyId>.<secret>`: the tenant and key id make the lookup one
 * document read; only the secret's SHA-256 is stored. Tenant ids never hold a
 * dot (IdSchema), key ids are store ids (alphanumeric) and secrets hex.
 */
const KEY_FORMAT = /^crm_([A-Za-z0-9_-]{1,128})\.([A-Za-z0-9]{1,40})\.([0-9a-f]{64})$/;

export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly role: TenantRole;
  /** The first characters of the key, so an admin can tell keys apart; never enough to use it. */
  readonly prefix: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
  readonly lastUsedAt: string | null;
  readonly status: 'active' | 'expired' | 'revoked';
}

export interface ApiKeysDeps {
  readonly store: DocumentStore;
  readonly now?: () => Date;
}

/** Why a bearer key was refused; the REST layer answers all of them 401 with the same words. */
export type KeyRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'tenant-inactive';

/**
 * Tenant API keys: created by owners and admins, scoped to one role of the
 * tenant's permission matrix (so module rights, own-record scopes and
 * field-level security apply to the key as to a person with that role),
 * shown once, stored hashed, revocable, with an expiry.
 */
export class ApiKeysService {
  constructor(private readonly deps: ApiKeysDeps) {}

  async create(caller: Caller, input: { name: string; role: TenantRole; expiresInDays: number }): Promise<{ key: ApiKeyView; secret: string }> {
    requireAdmin(caller);
    // A key never carries more than its creator: an admin cannot mint an owner key.
    if (input.role === 'owner' && caller.role !== 'owner' && caller.platformRole !== 'super_admin') {
      throw invalidInput([{ path: 'role', message: 'only an owner can create a key with the owner role', messageKey: 'integrations.errors.ownerRoleKey' }]);
    }
    if (!(input.expiresInDays >= 1 && input.expiresInDays <= MAX_KEY_LIFETIME_DAYS)) {
      throw invalidInput([{ path: 'expiresInDays', message: `must be between 1 and ${MAX_KEY_LIFETIME_DAYS} days` }]);
    }
    const id = this.deps.store.newId();
    const secret = randomBytes(32).toString('hex');
    const now = this.now();
    const data = {
      name: input.name,
      role: input.role,
      hash: hashSecret(secret),
      prefix: `crm_${caller.tenantId}.${id}`,
      createdBy: caller.uid,
      createdAt: now,
      expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000),
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
    };
    await this.deps.store.runTransaction(async (tx) => {
      tx.create(integrationPaths.apiKey(caller.tenantId, id), data);
      // The audit entry never holds the secret or its hash: what the key is, not how to use it.
      recordAudit(tx, { kind: 'api_key', action: 'api_key.created', caller, target: { id, label: input.name }, before: null, after: auditedKey(data), at: now });
    });
    return { key: toKeyView(id, data, now), secret: `crm_${caller.tenantId}.${id}.${secret}` };
  }

  async list(caller: Caller): Promise<ApiKeyView[]> {
    requireAdmin(caller);
    const docs = await this.deps.store.query({ collection: integrationPaths.apiKeys(caller.tenantId), orderBy: [{ field: 'createdAt', direction: 'desc' }], limit: 200 });
    const now = this.now();
    return docs.map((doc) => toKeyView(doc.id, doc.data, now));
  }

  /** Takes effect on the key's next call: every call reads the key document. */
  async revoke(caller: Caller, keyId: string): Promise<ApiKeyView> {
    requireAdmin(caller);
    const path = integrationPaths.apiKey(caller.tenantId, keyId);
    const now = this.now();
    const data = await this.deps.store.runTransaction(async (tx) => {
      const doc = await tx.get(path);
      if (!doc) throw keyNotFound();
      if (doc.data.revokedAt instanceof Date) return doc.data;
      const update = { revokedAt: now, revokedBy: caller.uid };
      tx.update(path, update);
      const revoked = { ...doc.data, ...update };
      recordAudit(tx, {
        kind: 'api_key',
        action: 'api_key.revoked',
        caller,
        target: { id: keyId, label: String(doc.data.name ?? '') },
        before: auditedKey(doc.data),
        after: auditedKey(revoked),
        at: now,
      });
      return revoked;
    });
    return toKeyView(keyId, data, now);
  }

  /**
   * The caller a bearer key acts as: uid `apikey:<id>`, the key's role, the
   * key's tenant. One batched read of the key, the tenant and the CRM app
   * (a suspended tenant or a disabled app stops its keys at once), no cache,
   * so a revoked key fails on its next call.
   */
  async authenticate(bearer: string): Promise<{ ok: true; caller: Caller; keyId: string } | { ok: false; reason: KeyRefusal }> {
    const match = KEY_FORMAT.exec(bearer);
    if (!match) return { ok: false, reason: 'malformed' };
    const [, tenantId = '', keyId = '', secret = ''] = match;
    const [key, tenant, app] = await this.deps.store.getAll([
      integrationPaths.apiKey(tenantId, keyId),
      `${OS_COLLECTIONS.tenants}/${tenantId}`,
      `${OS_COLLECTIONS.tenantApps}/${tenantId}_${CRM_APP_ID}`,
    ]);
    if (!key || typeof key.data.hash !== 'string' || !sameHash(key.data.hash, hashSecret(secret))) return { ok: false, reason: 'unknown' };
    const now = this.now();
    if (key.data.revokedAt instanceof Date) return { ok: false, reason: 'revoked' };
    if (!(key.data.expiresAt instanceof Date) || key.data.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    if (!tenant || tenant.data.status === 'suspended' || app?.data.enabled !== true) return { ok: false, reason: 'tenant-inactive' };
    const role = key.data.role as TenantRole;
    await this.touch(key, now);
    return {
      ok: true,
      keyId,
      caller: {
        uid: apiKeyUid(keyId),
        tenantId,
        tenantName: String(tenant.data.name ?? tenantId),
        role,
        platformRole: null,
        via: { kind: 'api_key', keyId },
      },
    };
  }

  private async touch(key: StoredDocument, now: Date): Promise<void> {
    const last = key.data.lastUsedAt;
    if (last instanceof Date && now.getTime() - last.getTime() < LAST_USED_RESOLUTION_MS) return;
    try {
      await this.deps.store.update(key.path, { lastUsedAt: now });
    } catch {
      // Bookkeeping only: a lost last-used write (a revoke racing it, contention) must not fail the caller's request.
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

export function apiKeyUid(keyId: string): string {
  return `apikey:${keyId}`;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

function requireAdmin(caller: Caller): void {
  if (!canManageConfiguration(caller)) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only owners and admins can manage API keys.', [], { messageKey: 'integrations.errors.adminOnly' });
  }
}

function keyNotFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This API key does not exist.', [], { messageKey: 'integrations.errors.keyNotFound' });
}

function auditedKey(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { name: data.name, role: data.role, prefix: data.prefix, expiresAt: iso(data.expiresAt), revokedAt: iso(data.revokedAt) };
}

function iso(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : null;
}

function toKeyView(id: string, data: Readonly<Record<string, unknown>>, now: Date): ApiKeyView {
  const expiresAt = data.expiresAt instanceof Date ? data.expiresAt : new Date(0);
  const revoked = data.revokedAt instanceof Date;
  return {
    id,
    name: String(data.name ?? ''),
    role: data.role as TenantRole,
    prefix: String(data.prefix ?? ''),
    createdBy: String(data.createdBy ?? ''),
    createdAt: iso(data.createdAt) ?? new Date(0).toISOString(),
    expiresAt: expiresAt.toISOString(),
    revokedAt: iso(data.revokedAt),
    revokedBy: typeof data.revokedBy === 'string' ? data.revokedBy : null,
    lastUsedAt: iso(data.lastUsedAt),
    status: revoked ? 'revoked' : expiresAt.getTime() <= now.getTime() ? 'expired' : 'active',
  };
}
