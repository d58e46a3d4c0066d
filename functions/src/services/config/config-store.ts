import { LRUCache } from 'lru-cache';
import type { DocumentStore, WriteData } from '../../store/document-store.js';
import { CACHE_BUDGET_BYTES, estimateHeapBytes } from '../caching/cache-budgets.js';
import { CrmError, CRM_ERROR_CODES } from '../errors.js';
import { crmPaths } from '../paths.js';
import { TenantConfigSchema, type TenantConfig } from './tenant-config.js';

interface CachedConfig {
  readonly config: TenantConfig | null;
  readonly expiresAt: number;
  readonly bytes: number;
}

/**
 * Reads tenant configurations through a per-instance cache. A write on this
 * instance invalidates at once; other instances see it within `ttlMs`, which
 * is the price of serving bootstrap and record writes without a config read.
 * The cache is bounded by estimated heap size (least recently used out
 * first): 10,000 tenants on one instance must not grow it without limit.
 */
export class ConfigStore {
  private readonly cache: LRUCache<string, CachedConfig>;

  constructor(
    private readonly store: DocumentStore,
    private readonly options: { ttlMs?: number; now?: () => number; maxBytes?: number } = {},
  ) {
    this.cache = new LRUCache<string, CachedConfig>({
      maxSize: options.maxBytes ?? CACHE_BUDGET_BYTES.tenantConfigs,
      sizeCalculation: (entry) => entry.bytes,
    });
  }

  /** What the cache holds now (bench and tests). */
  stats(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cache.calculatedSize };
  }

  async load(tenantId: string): Promise<TenantConfig | null> {
    const now = this.now();
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAt > now) return cached.config;
    const doc = await this.store.get(crmPaths.tenant(tenantId));
    const config = doc ? parseTenantConfig(doc.data) : null;
    this.cache.set(tenantId, { config, expiresAt: now + (this.options.ttlMs ?? 60_000), bytes: estimateHeapBytes(doc?.data ?? null) });
    return config;
  }

  async require(tenantId: string): Promise<TenantConfig> {
    const config = await this.load(tenantId);
    if (!config || config.template === null) {
      throw new CrmError(CRM_ERROR_CODES.templateNotSelected, 'The CRM has not been set up yet: choose a template first.');
    }
    return config;
  }

  /** Call after a committed write so this instance never serves its own stale config. */
  remember(config: TenantConfig): void {
    this.cache.set(config.tenantId, { config, expiresAt: this.now() + (this.options.ttlMs ?? 60_000), bytes: estimateHeapBytes(config) });
  }

  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /**
   * Drops this instance's cached configuration when the tenant's permissions
   * changed since it was cached (on any instance), so a permission change
   * applies on the next call of every user instead of after the TTL. One read
   * of a tiny document per call; nothing when nothing is cached (the next
   * load reads the configuration itself). Called once per tenant-scoped call
   * by the API layer (and the REST API), before any service loads the config.
   */
  async refreshAccess(tenantId: string): Promise<void> {
    const cached = this.cache.get(tenantId);
    if (!cached || cached.expiresAt <= this.now() || !cached.config) return;
    const doc = await this.store.get(accessVersionPath(tenantId));
    const revision = typeof doc?.data.revision === 'number' ? doc.data.revision : 0;
    if (revision > (cached.config.accessRevision ?? 0)) this.cache.delete(tenantId);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** The document that says when a tenant's permissions last changed: `{ revision }`, the config revision of that change. */
export function accessVersionPath(tenantId: string): string {
  return `${crmPaths.tenant(tenantId)}/meta/access`;
}

/**
 * Call inside the transaction that writes `next`: when the permission matrix
 * or the field levels changed, stamps `accessRevision` and writes the version
 * doc other instances check (refreshAccess). Returns the config to write.
 */
export function stampAccessChange(tx: { set(path: string, data: WriteData): unknown }, previous: TenantConfig | null, next: TenantConfig): TenantConfig {
  const same =
    previous !== null &&
    JSON.stringify(previous.permissions) === JSON.stringify(next.permissions) &&
    JSON.stringify(previous.fieldPermissions ?? {}) === JSON.stringify(next.fieldPermissions ?? {});
  if (same) return next;
  tx.set(accessVersionPath(next.tenantId), { revision: next.revision });
  return { ...next, accessRevision: next.revision };
}

export function parseTenantConfig(data: unknown): TenantConfig {
  const parsed = TenantConfigSchema.safeParse(data);
  if (!parsed.success) {
    // Stored config is ours; failing to parse it is a server fault, not the caller's.
    throw new Error(`Stored tenant configuration is invalid: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Zod output is plain JSON-compatible data plus Dates, which the store accepts as is. */
export function configToWriteData(config: TenantConfig): WriteData {
  return JSON.parse(JSON.stringify(config), (key, value: unknown) =>
    (key === 'selectedAt' || key === 'updatedAt') && typeof value === 'string' ? new Date(value) : value,
  ) as WriteData;
}
