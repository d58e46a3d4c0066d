/**
 * Per-instance cache budgets. One instance serves up to 10,000 tenants
 * (DESIGN §5), so every cache is bounded by size and evicts the least
 * recently used entry; together they stay within 64 MB of heap, which
 * `npm run bench` (tenantCaches) measures at 10,000 tenants.
 *
 * Sizes are estimated from the JSON length of what is cached, times a factor
 * for the parsed objects' heap overhead, calibrated by that bench.
 */
export const CACHE_BUDGET_BYTES = {
  tenantConfigs: 40 * 1024 * 1024,
  workflowDefinitions: 16 * 1024 * 1024,
  templateVersions: 4 * 1024 * 1024,
} as const;

/** Entry caps of the small caches (a few hundred bytes per entry). */
export const CACHE_MAX_ENTRIES = {
  tenantNames: 10_000,
  ownerProfiles: 10_000,
  webhookSecrets: 10_000,
  numberBlocks: 20_000,
} as const;

/** Heap bytes per JSON character of a parsed document: measured 2.0 for a tenant config (bench tenantCaches), with margin. */
export const HEAP_BYTES_PER_JSON_CHAR = 2.5;

/** The estimated heap size of a JSON-like value once parsed. */
export function estimateHeapBytes(value: unknown): number {
  // lru-cache wants a positive integer.
  return Math.max(64, Math.ceil((JSON.stringify(value) ?? '').length * HEAP_BYTES_PER_JSON_CHAR));
}
