import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { CACHE_MAX_ENTRIES } from '../caching/cache-budgets.js';
import { isStoreError, type DocumentStore } from '../../store/document-store.js';
import { workflowPaths } from './workflow-paths.js';

export const DEFAULT_SECRET_REF = 'default';

/**
 * Signing secrets per tenant, by the name a webhook action's `secret_ref`
 * gives (workflow definitions never hold the secret itself). Created on
 * first use; admins read them to verify signatures on their side.
 */
export class WebhookSecrets {
  private readonly cache = new LRUCache<string, string>({ max: CACHE_MAX_ENTRIES.webhookSecrets });

  constructor(private readonly store: DocumentStore) {}

  async get(tenantId: string, ref: string = DEFAULT_SECRET_REF): Promise<string> {
    const key = `${tenantId}/${ref}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const path = workflowPaths.webhookSecret(tenantId, ref);
    const existing = await this.store.get(path);
    let secret = typeof existing?.data.secret === 'string' ? existing.data.secret : null;
    if (!secret) {
      const fresh = `whsec_${randomBytes(32).toString('hex')}`;
      try {
        await this.store.create(path, { secret: fresh, createdAt: new Date() });
        secret = fresh;
      } catch (error) {
        // Another instance created it first: use theirs.
        if (!isStoreError(error, 'already-exists')) throw error;
        const winner = await this.store.get(path);
        secret = String(winner?.data.secret ?? '');
      }
    }
    this.cache.set(key, secret);
    return secret;
  }
}
