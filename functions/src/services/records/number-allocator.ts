import { LRUCache } from 'lru-cache';
import type { DocumentStore } from '../../store/document-store.js';
import { CACHE_MAX_ENTRIES } from '../caching/cache-budgets.js';
import { crmPaths } from '../paths.js';

interface Block {
  next: number;
  end: number;
  size: number;
  leasedAt: number;
}

/**
 * Record numbers without a hot document (DESIGN §5).
 *
 * Each instance leases a block of numbers from the module's counter document
 * in one transaction and hands them out from memory. Blocks grow while an
 * instance is creating quickly (bulk creation, imports) and shrink again when
 * it is not, so the counter sees a handful of writes per thousand records and
 * a quiet instance wastes few numbers. Numbers are unique (each block is
 * leased exactly once) and gap-tolerant: an instance that stops mid-block
 * leaves the rest unused, and numbers from different instances interleave.
 */
export class NumberAllocator {
  // Bounded: evicting a block only leaves its unused numbers as a gap (numbers are gap-tolerant).
  private readonly blocks = new LRUCache<string, Block>({ max: CACHE_MAX_ENTRIES.numberBlocks });
  private readonly leases = new Map<string, Promise<void>>();

  constructor(
    private readonly store: DocumentStore,
    private readonly options: { minBlock?: number; maxBlock?: number; now?: () => number } = {},
  ) {}

  async allocate(tenantId: string, module: string): Promise<number> {
    const key = `${tenantId}/${module}`;
    for (;;) {
      const block = this.blocks.get(key);
      if (block && block.next < block.end) return block.next++;
      let lease = this.leases.get(key);
      if (!lease) {
        lease = this.lease(tenantId, module, key).finally(() => this.leases.delete(key));
        this.leases.set(key, lease);
      }
      await lease;
    }
  }

  /**
   * `count` numbers for one bulk write (an import chunk): what the current
   * block has left, then one lease of at least the rest, so a chunk costs at
   * most one counter write however small the blocks still are.
   */
  async allocateMany(tenantId: string, module: string, count: number): Promise<number[]> {
    const key = `${tenantId}/${module}`;
    const numbers: number[] = [];
    while (numbers.length < count) {
      const block = this.blocks.get(key);
      if (block && block.next < block.end) {
        numbers.push(block.next++);
        continue;
      }
      let lease = this.leases.get(key);
      if (!lease) {
        lease = this.lease(tenantId, module, key, count - numbers.length).finally(() => this.leases.delete(key));
        this.leases.set(key, lease);
      }
      await lease;
    }
    return numbers;
  }

  private async lease(tenantId: string, module: string, key: string, atLeast = 0): Promise<void> {
    const minBlock = this.options.minBlock ?? 10;
    const maxBlock = this.options.maxBlock ?? 1000;
    const now = (this.options.now ?? Date.now)();
    const previous = this.blocks.get(key);
    const grown = !previous
      ? minBlock
      : now - previous.leasedAt < 60_000
        ? Math.min(previous.size * 2, maxBlock)
        : Math.max(Math.floor(previous.size / 2), minBlock);
    const size = Math.max(grown, atLeast);
    const path = crmPaths.counter(tenantId, module);
    const start = await this.store.runTransaction(async (tx) => {
      const counter = await tx.get(path);
      const next = typeof counter?.data.next === 'number' ? counter.data.next : 1;
      tx.set(path, { next: next + size, updatedAt: new Date(now) });
      return next;
    });
    this.blocks.set(key, { next: start, end: start + size, size, leasedAt: now });
  }
}

export function formatRecordNumber(prefix: string, seq: number): string {
  return `${prefix}-${String(seq).padStart(6, '0')}`;
}
