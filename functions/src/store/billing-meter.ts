/**
 * Counts operations the way Firestore bills them; shared by both adapters so
 * that "cost per operation" is one tested rule.
 */
import type { MeterReading, StoreMeter } from './document-store.js';

/** Documents per billed read for aggregation queries. */
export const AGGREGATION_ENTRIES_PER_READ = 1000;

export class BillingMeter implements StoreMeter {
  private reads = 0;
  private writes = 0;
  private deletes = 0;
  private indexEntries = 0;

  read(): MeterReading {
    return { reads: this.reads, writes: this.writes, deletes: this.deletes, indexEntries: this.indexEntries };
  }

  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.deletes = 0;
    this.indexEntries = 0;
  }

  /** get/getAll: one read per document requested, found or not. */
  documentsRequested(n: number): void {
    this.reads += n;
  }

  /** Queries and listDocuments: one read per result, at least one. */
  queryReturned(n: number): void {
    this.reads += Math.max(1, n);
  }

  /** Aggregations: one read per batch of up to 1,000 index entries, at least one. */
  aggregationMatched(entries: number): void {
    this.reads += Math.max(1, Math.ceil(entries / AGGREGATION_ENTRIES_PER_READ));
  }

  /** `indexEntries`: the index entries of the documents written (not billed; a cost of write latency and storage). */
  committed(writes: number, deletes: number, indexEntries = 0): void {
    this.writes += writes;
    this.deletes += deletes;
    this.indexEntries += indexEntries;
  }
}
