import { LRUCache } from 'lru-cache';

export interface RateLimit {
  /** Tokens added per second (the sustained rate). */
  readonly perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  readonly burst: number;
}

/** 10 requests a second per tenant, bursts of 100 (per instance when deployed; see README). */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 10, burst: 100 };

export type RateDecision = { readonly allowed: true; readonly remaining: number } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per tenant, in process memory. The embedded runtime is one
 * process, so this is exact there. Deployed, each instance keeps its own
 * buckets: a tenant gets at most `perSecond × instances` (instances are
 * capped by CRM_MAX_INSTANCES). A Firestore-backed bucket would cost a
 * transactional write per request on one hot document (~1 write/s
 * sustained), which is exactly what a rate limit must not cost; so the
 * per-instance bucket is the deliberate choice. Bounded LRU: 10,000 tenants
 * share an instance.
 */
export class TokenBucketLimiter {
  private readonly buckets = new LRUCache<string, Bucket>({ max: 10_000 });

  constructor(
    private readonly limit: RateLimit = DEFAULT_RATE_LIMIT,
    private readonly nowMs: () => number = Date.now,
  ) {}

  take(key: string): RateDecision {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    // Seconds until one whole token is back; at least 1 (Retry-After is in whole seconds).
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)) };
  }
}
