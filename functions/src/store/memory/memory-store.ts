/**
 * MemoryStore: the embedded DocumentStore with Firestore's semantics, on a
 * real database (document-database.ts: SQLite, in a file or in memory).
 *
 * Pure parts live beside it (compare-values, match-query, index-planner,
 * index-plan, index-key, write-data); this class owns transactions, the
 * change feed, metering and query execution over the database's indexes.
 *
 * Queries: the planner first refuses what Firestore would refuse (missing
 * composite index); then each conjunction of the query is read from a sorted
 * physical index in pages, checked against the whole filter, and the
 * conjunctions are merged in Firestore's order: O(log N + page), not a scan.
 *
 * Writes are acknowledged only once durable: a commit is one SQLite
 * transaction, and its promise resolves after the fsync of its group.
 *
 * Transactions are optimistic: every document and query result read is
 * recorded with its version, writes are buffered, and the commit (a single
 * synchronous step, so it is atomic on Node's one thread) first re-checks the
 * reads. On conflict `fn` is retried. From the second attempt a transaction
 * holds a FIFO "priority" lock and other transactions' commits wait for it,
 * so under heavy contention every transaction makes progress instead of
 * starving (Firestore's server gets the same effect with pessimistic locks).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  StoreError,
  isStoreError,
  type AggregateResult,
  type AggregateSpec,
  type ChangeListener,
  type DocumentChange,
  type DocumentData,
  type DocumentStore,
  type QuerySpec,
  type StoredDocument,
  type Transaction,
  type UpdateData,
  type WriteBatch,
  type WriteData,
} from '../document-store.js';
import { BillingMeter } from '../billing-meter.js';
import { compareStrings, valuesEqual } from './compare-values.js';
import { checkDocumentLimits, IndexEntryCounter } from './document-limits.js';
import { DocumentDatabase, type DocumentRow, type NewEvent, type RowChange } from './document-database.js';
import { planTerm } from './index-plan.js';
import { IndexPlanner, type IndexConfig } from './index-planner.js';
import { compareByOrder, matchesQuery, prepareQuery, type PreparedQuery } from './match-query.js';
import { collectionIdOf, parseCollectionPath, parseDocumentPath, parseFieldPath } from './paths.js';
import { applyOps, copyDataOut, getField, planMerge, planReplace, planUpdate } from './write-data.js';

export const MAX_WRITES_PER_COMMIT = 500;
export const MAX_AGGREGATIONS = 5;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Documents read from an index per step of a query; grows while the filter rejects what it reads. */
const FIRST_PAGE = 32;
const MAX_PAGE = 1000;
/** Journal entries loaded per step when a durable subscription catches up. */
const REPLAY_BATCH = 1000;

export interface MemoryStoreOptions {
  /** Parsed `firestore.indexes.json`; queries needing an index not listed fail like production. Default: no indexes. */
  readonly indexes?: IndexConfig;
  /** Set false only for throwaway experiments; production always enforces indexes. Default true. */
  readonly enforceIndexes?: boolean;
  /** The SQLite database file (created when missing). Default: an in-memory database. */
  readonly filePath?: string;
  /** Change listeners never fail writes; their errors are reported here. Default: console.error. */
  readonly onListenerError?: (error: unknown, change: DocumentChange) => void;
  /** Attempts per transaction before failing with `aborted`. Default 5. */
  readonly maxTransactionAttempts?: number;
  /** Clock for commit times (tests). */
  readonly now?: () => Date;
  /**
   * How changes reach listeners. Default `ordered`: each listener gets every change once, in
   * commit order, one at a time. `production` delivers as Firestore triggers do: at least once,
   * out of order, concurrently, and again after the listener throws, driven by `seed` so a
   * failing run replays. Use it to prove handlers idempotent and derived values order-proof.
   */
  readonly changeFeed?: { readonly mode: 'ordered' } | ProductionFeedOptions;
}

export interface ProductionFeedOptions {
  readonly mode: 'production';
  readonly seed: number;
  /** Deliveries in flight at once per listener. Default 4. */
  readonly concurrency?: number;
  /** Probability that a delivered change is delivered once more. Default 0.3. */
  readonly duplicateRate?: number;
  /** Deliveries of one change that throw before it is given up (and reported). Default 10. */
  readonly maxAttempts?: number;
}

/** Options of `onChange` that only MemoryStore understands. */
export interface ChangeSubscriptionOptions {
  /**
   * A durable subscription: changes are journaled with the commit, and after a
   * restart a listener subscribing under the same name first receives every
   * change it had not finished (at-least-once; handlers must be idempotent).
   */
  readonly subscription?: string;
}

interface PendingWrite {
  readonly path: string;
  readonly isDelete: boolean;
  /** New data given the document's data at this point of the commit; throws to fail the commit. */
  readonly apply: (existing: DocumentData | null) => DocumentData | null;
}

interface QueuedChange {
  readonly change: DocumentChange;
  /** Journal sequence number, for durable subscriptions. */
  readonly seq: number | null;
  /** Deliveries so far (production feed). */
  attempts: number;
  /** Already delivered once more as a duplicate (production feed). */
  duplicated: boolean;
}

interface ListenerEntry {
  inFlight: number;
  readonly collectionId: string;
  readonly listener: ChangeListener;
  readonly subscription: string | null;
  readonly queue: QueuedChange[];
  running: boolean;
  active: boolean;
}

function toStored(row: DocumentRow): StoredDocument {
  return {
    id: row.path.slice(row.path.lastIndexOf('/') + 1),
    path: row.path,
    data: copyDataOut(row.data),
    createTime: new Date(row.createTime),
    updateTime: new Date(row.updateTime),
  };
}

/** Rows of one index range, in the query's order, read page by page and filtered. */
class RangeCursor {
  private buffer: DocumentRow[] = [];
  private position = 0;
  private resumeAfter: Buffer | null = null;
  private exhausted = false;
  private pageSize: number;

  constructor(
    private readonly read: (pageSize: number, resumeAfter: Buffer | null) => Array<{ sort: Buffer; row: DocumentRow }>,
    private readonly accept: (row: DocumentRow) => boolean,
    limit: number | null,
  ) {
    this.pageSize = limit === null ? MAX_PAGE : Math.min(MAX_PAGE, Math.max(FIRST_PAGE, limit + 1));
  }

  peek(): DocumentRow | null {
    while (this.position >= this.buffer.length) {
      if (this.exhausted) return null;
      const page = this.read(this.pageSize, this.resumeAfter);
      if (page.length < this.pageSize) this.exhausted = true;
      if (page.length > 0) this.resumeAfter = (page[page.length - 1] as { sort: Buffer }).sort;
      this.buffer = page.map((p) => p.row).filter(this.accept);
      this.position = 0;
      this.pageSize = Math.min(MAX_PAGE, this.pageSize * 2);
    }
    return this.buffer[this.position] as DocumentRow;
  }

  advance(): void {
    this.position++;
  }
}

function buildCreate(path: string, data: WriteData): PendingWrite {
  parseDocumentPath(path);
  const plan = planReplace(data, path);
  return {
    path,
    isDelete: false,
    apply: (existing) => {
      if (existing) throw new StoreError('already-exists', `Document already exists: ${path}`);
      return applyOps(plan.base, plan.transforms);
    },
  };
}

function buildSet(path: string, data: WriteData, options?: { merge?: boolean }): PendingWrite {
  parseDocumentPath(path);
  if (options?.merge) {
    const ops = planMerge(data, path);
    return { path, isDelete: false, apply: (existing) => applyOps(existing, ops) };
  }
  const plan = planReplace(data, path);
  return { path, isDelete: false, apply: () => applyOps(plan.base, plan.transforms) };
}

function buildUpdate(path: string, data: UpdateData): PendingWrite {
  parseDocumentPath(path);
  const ops = planUpdate(data, path);
  return {
    path,
    isDelete: false,
    apply: (existing) => {
      if (!existing) throw new StoreError('not-found', `No document to update: ${path}`);
      return applyOps(existing, ops);
    },
  };
}

function buildDelete(path: string): PendingWrite {
  parseDocumentPath(path);
  return { path, isDelete: true, apply: () => null };
}

class MemoryTransaction implements Transaction {
  readonly readVersions = new Map<string, number>();
  readonly queryReads: Array<{ q: PreparedQuery; fingerprint: string }> = [];
  readonly writes: PendingWrite[] = [];
  finished = false;

  constructor(private readonly store: MemoryStore) {}

  private beforeRead(): void {
    if (this.finished) throw new StoreError('invalid-argument', 'This transaction has already finished.');
    if (this.writes.length > 0) {
      throw new StoreError('invalid-argument', 'Firestore transactions require all reads to be executed before all writes.');
    }
    // Like the Admin SDK, whose reads lock documents: contention can surface on a read, not only at
    // commit. The error must reach runTransaction (which retries), so code inside a transaction
    // that catches and rewraps store errors is caught out here as it would be in production.
    if (this.store.hasChangedSinceRead(this)) {
      this.contended = true;
      throw new StoreError('aborted', 'Transaction contention: a document this transaction read has been written by another one since.');
    }
  }

  /** Set when a read was aborted for contention: the attempt is retried whatever fn did with the error. */
  contended = false;

  private beforeWrite(): void {
    if (this.finished) throw new StoreError('invalid-argument', 'This transaction has already finished.');
  }

  async get(path: string): Promise<StoredDocument | null> {
    this.beforeRead();
    const [doc] = this.store.txRead(this, [path]);
    return doc ?? null;
  }

  async getAll(paths: readonly string[]): Promise<Array<StoredDocument | null>> {
    this.beforeRead();
    return this.store.txRead(this, paths);
  }

  async query(spec: QuerySpec): Promise<StoredDocument[]> {
    this.beforeRead();
    return this.store.txQuery(this, spec);
  }

  create(path: string, data: WriteData): Transaction {
    this.beforeWrite();
    this.writes.push(buildCreate(path, data));
    return this;
  }

  set(path: string, data: WriteData, options?: { merge?: boolean }): Transaction {
    this.beforeWrite();
    this.writes.push(buildSet(path, data, options));
    return this;
  }

  update(path: string, data: UpdateData): Transaction {
    this.beforeWrite();
    this.writes.push(buildUpdate(path, data));
    return this;
  }

  delete(path: string): Transaction {
    this.beforeWrite();
    this.writes.push(buildDelete(path));
    return this;
  }
}

class MemoryWriteBatch implements WriteBatch {
  private readonly writes: PendingWrite[] = [];
  private committed = false;

  constructor(private readonly store: MemoryStore) {}

  private add(write: () => PendingWrite): WriteBatch {
    if (this.committed) throw new StoreError('failed-precondition', 'Cannot modify a WriteBatch that has been committed.');
    this.writes.push(write());
    return this;
  }

  create(path: string, data: WriteData): WriteBatch {
    return this.add(() => buildCreate(path, data));
  }
  set(path: string, data: WriteData, options?: { merge?: boolean }): WriteBatch {
    return this.add(() => buildSet(path, data, options));
  }
  update(path: string, data: UpdateData): WriteBatch {
    return this.add(() => buildUpdate(path, data));
  }
  delete(path: string): WriteBatch {
    return this.add(() => buildDelete(path));
  }

  async commit(): Promise<void> {
    if (this.committed) throw new StoreError('failed-precondition', 'This WriteBatch has already been committed.');
    this.committed = true;
    await this.store.commitWrites(this.writes);
  }
}

export class MemoryStore implements DocumentStore {
  readonly meter = new BillingMeter();

  private readonly db: DocumentDatabase;
  private lastCommitMs = 0;

  private readonly planner: IndexPlanner;
  private readonly entryCounter: IndexEntryCounter;
  private readonly enforceIndexes: boolean;
  private readonly maxAttempts: number;
  private readonly clock: () => Date;

  // Transactions: FIFO priority lock for retried attempts.
  private priorityQueue: Promise<void> = Promise.resolve();
  private priorityHolder: object | null = null;
  private priorityReleased: Array<() => void> = [];
  private readonly priorityRelease = new Map<object, () => void>();

  // Change feed.
  private readonly listeners = new Set<ListenerEntry>();
  private pendingDeliveries = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly onListenerError: (error: unknown, change: DocumentChange) => void;

  private closed = false;
  private readonly productionFeed: Required<ProductionFeedOptions> | null;
  private readonly feedRandom: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    const feed = options.changeFeed;
    this.productionFeed =
      feed?.mode === 'production' ? { concurrency: 4, duplicateRate: 0.3, maxAttempts: 10, ...feed } : null;
    this.feedRandom = seededRandom(feed?.mode === 'production' ? feed.seed : 0);
    this.planner = new IndexPlanner(options.indexes ?? { indexes: [] });
    this.entryCounter = new IndexEntryCounter(options.indexes ?? { indexes: [] });
    this.enforceIndexes = options.enforceIndexes ?? true;
    this.maxAttempts = options.maxTransactionAttempts ?? 5;
    this.clock = options.now ?? (() => new Date());
    this.onListenerError =
      options.onListenerError ??
      ((error, change) => console.error(`MemoryStore change listener failed for ${change.kind} ${change.path}:`, error));
    this.db = new DocumentDatabase(options.filePath ?? null);
  }

  /** Number of documents stored (all collections). */
  documentCount(): number {
    return this.db.documentCount();
  }

  /**
   * Loads documents as they are (a migration from another format): no events,
   * no metering, one atomic commit. Existing documents with the same path are replaced.
   */
  async importDocuments(docs: Iterable<{ path: string; data: DocumentData; createTime: Date; updateTime: Date }>): Promise<number> {
    const n = this.db.importDocuments(
      (function* () {
        for (const d of docs) {
          parseDocumentPath(d.path);
          yield { path: d.path, data: d.data, createTime: d.createTime.getTime(), updateTime: d.updateTime.getTime() };
        }
      })(),
    );
    await this.db.whenDurable();
    return n;
  }

  // ---------------------------------------------------------------- reads

  async get(path: string): Promise<StoredDocument | null> {
    parseDocumentPath(path);
    this.meter.documentsRequested(1);
    const row = this.db.get(path);
    return this.durable(row ? toStored(row) : null);
  }

  async getAll(paths: readonly string[]): Promise<Array<StoredDocument | null>> {
    if (!Array.isArray(paths) || paths.length === 0) throw new StoreError('invalid-argument', 'getAll() needs at least one path.');
    for (const p of paths) parseDocumentPath(p);
    this.meter.documentsRequested(paths.length);
    return this.durable(
      paths.map((p) => {
        const row = this.db.get(p);
        return row ? toStored(row) : null;
      }),
    );
  }

  async query(spec: QuerySpec): Promise<StoredDocument[]> {
    const q = this.prepare(spec);
    const results = this.run(q);
    this.meter.queryReturned(results.length);
    return this.durable(results.map(toStored));
  }

  async aggregate(spec: QuerySpec, fields: AggregateSpec): Promise<AggregateResult> {
    const aliases = Object.keys(fields ?? {});
    if (aliases.length === 0) throw new StoreError('invalid-argument', 'aggregate() needs at least one aggregation.');
    if (aliases.length > MAX_AGGREGATIONS) {
      throw new StoreError('invalid-argument', `Firestore allows at most ${MAX_AGGREGATIONS} aggregations per query.`);
    }
    const plans = aliases.map((alias) => {
      const f = fields[alias];
      if (!/^[A-Za-z_][A-Za-z_0-9]*$/.test(alias) || /^__.*__$/.test(alias)) {
        throw new StoreError('invalid-argument', `Invalid aggregation alias "${alias}".`);
      }
      if (!f || (f.op !== 'count' && f.op !== 'sum' && f.op !== 'avg')) {
        throw new StoreError('invalid-argument', `Unknown aggregation for "${alias}".`);
      }
      return { alias, op: f.op, segments: f.op === 'count' ? null : parseFieldPath(f.field) };
    });
    const q = this.prepare(spec);
    if (this.enforceIndexes) {
      for (const alias of aliases) {
        const f = fields[alias] as AggregateSpec[string];
        if (f.op !== 'count') this.planner.checkAggregation(q, f.op, f.field);
      }
    }
    const countOnly = plans.every((p) => p.segments === null);
    let counted: number | null;
    let results: DocumentRow[];
    this.aggregating = true;
    try {
      counted = countOnly ? this.countFromIndex(q) : null;
      results = counted === null ? this.run(q) : [];
    } finally {
      this.aggregating = false;
    }
    const matched = counted ?? results.length;
    this.meter.aggregationMatched(matched);
    const out: AggregateResult = {};
    for (const plan of plans) {
      if (plan.segments === null) {
        out[plan.alias] = matched;
        continue;
      }
      let sum = 0;
      let n = 0;
      for (const r of results) {
        const v = getField(r.data, plan.segments);
        // Firestore's sum/avg skip non-numeric values.
        if (typeof v === 'number') {
          sum += v;
          n++;
        }
      }
      out[plan.alias] = plan.op === 'sum' ? sum : n === 0 ? null : sum / n;
    }
    return this.durable(out);
  }

  async listDocumentIds(collectionPath: string): Promise<string[]> {
    parseCollectionPath(collectionPath);
    const list = this.db.listDocumentIds(collectionPath).sort(compareStrings);
    this.meter.queryReturned(list.length);
    return this.durable(list);
  }

  /**
   * Hands a read's result out once everything it could have seen is durable
   * (at most one group fsync later, and only while writes are in flight): a
   * reader is never shown a write that a crash could still take back.
   */
  private async durable<T>(result: T): Promise<T> {
    await this.db.whenVisibleDurable();
    return result;
  }

  // ---------------------------------------------------------------- writes

  async create(path: string, data: WriteData): Promise<void> {
    await this.commitWrites([buildCreate(path, data)]);
  }

  async set(path: string, data: WriteData, options?: { merge?: boolean }): Promise<void> {
    await this.commitWrites([buildSet(path, data, options)]);
  }

  async update(path: string, data: UpdateData): Promise<void> {
    await this.commitWrites([buildUpdate(path, data)]);
  }

  async delete(path: string): Promise<void> {
    await this.commitWrites([buildDelete(path)]);
  }

  batch(): WriteBatch {
    return new MemoryWriteBatch(this);
  }

  async runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const token = {};
    let holding = false;
    try {
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        if (attempt === 2) {
          await this.acquirePriority(token);
          holding = true;
        }
        const tx = new MemoryTransaction(this);
        let result: T;
        try {
          result = await fn(tx);
        } catch (error) {
          if (tx.contended && isStoreError(error, 'aborted')) continue; // aborted on a read: retry
          throw error;
        } finally {
          tx.finished = true;
        }
        if (tx.contended) continue; // fn swallowed the abort; production would not commit either
        await this.waitForPriority(token);
        const committed = this.tryCommitTransaction(tx);
        if (committed !== false) {
          // A read-only transaction commits nothing, but what it read must be durable too.
          if (committed) await committed;
          else await this.db.whenVisibleDurable();
          return result;
        }
      }
      throw new StoreError('aborted', `Transaction aborted after ${this.maxAttempts} attempts because of contention.`);
    } finally {
      if (holding) this.releasePriority(token);
    }
  }

  // ---------------------------------------------------------------- change feed

  onChange(collectionId: string, listener: ChangeListener, options: ChangeSubscriptionOptions = {}): () => void {
    const subscription = options.subscription ?? null;
    const entry: ListenerEntry = { collectionId, listener, subscription, queue: [], running: false, active: true, inFlight: 0 };
    this.listeners.add(entry);
    if (subscription !== null) {
      // Replay what this subscription had not finished before the last stop (or crash).
      let cursor = this.db.subscribe(subscription, collectionId);
      for (;;) {
        const batch = this.db.pendingEvents(collectionId, cursor, REPLAY_BATCH);
        for (const e of batch) {
          const change: DocumentChange = { eventId: e.eventId, kind: e.kind, path: e.path, before: e.before, after: e.after, time: new Date(e.time) };
          this.enqueue(entry, change, e.seq);
          cursor = e.seq;
        }
        if (batch.length < REPLAY_BATCH) break;
      }
    }
    return () => {
      entry.active = false;
      this.pendingDeliveries -= entry.queue.length;
      entry.queue.length = 0;
      this.listeners.delete(entry);
      this.checkIdle();
    };
  }

  /** Resolves once every change committed so far has been delivered to its listeners. */
  whenIdle(): Promise<void> {
    if (this.pendingDeliveries === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  newId(): string {
    let id = '';
    while (id.length < 20) {
      for (const byte of randomBytes(32)) {
        // Rejection sampling keeps every character equally likely.
        if (byte < 248 && id.length < 20) id += ID_ALPHABET[byte % 62];
      }
    }
    return id;
  }

  // ---------------------------------------------------------------- durability

  /** Resolves when every write acknowledged so far is on stable storage (every write is, before it resolves). */
  async flush(): Promise<void> {
    await this.db.whenDurable();
  }

  /** Refuses further writes, makes everything durable and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.whenDurable();
    this.db.close();
  }

  // ---------------------------------------------------------------- internals (used by tx/batch)

  /** True when a document the transaction has read was written since. @internal */
  hasChangedSinceRead(tx: MemoryTransaction): boolean {
    for (const [path, version] of tx.readVersions) if (this.db.version(path) !== version) return true;
    return false;
  }

  /** @internal */
  txRead(tx: MemoryTransaction, paths: readonly string[]): Array<StoredDocument | null> {
    if (paths.length === 0) throw new StoreError('invalid-argument', 'getAll() needs at least one path.');
    for (const p of paths) parseDocumentPath(p);
    this.meter.documentsRequested(paths.length);
    return paths.map((p) => {
      const row = this.db.get(p);
      tx.readVersions.set(p, row?.version ?? 0);
      return row ? toStored(row) : null;
    });
  }

  /** @internal */
  txQuery(tx: MemoryTransaction, spec: QuerySpec): StoredDocument[] {
    const q = this.prepare(spec);
    const results = this.run(q);
    this.meter.queryReturned(results.length);
    tx.queryReads.push({ q, fingerprint: fingerprint(results) });
    return results.map(toStored);
  }

  /**
   * Applies writes atomically (all or nothing) and publishes them; the promise
   * resolves once the commit is durable. @internal
   */
  commitWrites(writes: readonly PendingWrite[]): Promise<void> | null {
    if (this.closed) throw new StoreError('unavailable', 'MemoryStore is closed.');
    if (writes.length > MAX_WRITES_PER_COMMIT) {
      throw new StoreError('invalid-argument', `A commit may contain at most ${MAX_WRITES_PER_COMMIT} writes (got ${writes.length}).`);
    }
    if (writes.length === 0) return null;
    // Stage every write first; any failure leaves the store untouched.
    const staged = new Map<string, DocumentData | null>();
    const before = new Map<string, DocumentRow | null>();
    for (const w of writes) {
      if (!before.has(w.path)) before.set(w.path, this.db.get(w.path));
      const current = staged.has(w.path) ? (staged.get(w.path) ?? null) : (before.get(w.path)?.data ?? null);
      staged.set(w.path, w.apply(current));
    }

    const nowMs = Math.max(this.clock().getTime(), this.lastCommitMs);
    this.lastCommitMs = nowMs;
    const time = new Date(nowMs);
    const rows: RowChange[] = [];
    const changes: DocumentChange[] = [];
    const journal: NewEvent[] = [];
    const journaled: boolean[] = [];
    for (const [path, after] of staged) {
      const prior = before.get(path) ?? null;
      if (!prior && !after) continue;
      if (prior && after && valuesEqual(prior.data, after)) continue; // no-op write: no new version, no event
      rows.push({ path, before: prior, after });
      const change: DocumentChange = {
        eventId: randomUUID(),
        kind: !prior ? 'created' : after ? 'updated' : 'deleted',
        path,
        before: prior ? prior.data : null,
        after,
        time,
      };
      changes.push(change);
      const collectionId = collectionIdOf(path);
      const durable = this.db.durableCollections.has(collectionId);
      journaled.push(durable);
      if (durable) journal.push({ ...change, time: nowMs, collectionId });
    }
    // Refuse what Firestore refuses, before anything is written.
    let indexEntries = 0;
    for (const row of rows) {
      if (!row.after) continue;
      const checked = checkDocumentLimits(row.path, collectionIdOf(row.path), row.after, this.entryCounter);
      if (checked.violation) throw new StoreError('invalid-argument', checked.violation.message);
      indexEntries += checked.indexEntries;
    }
    const deletes = writes.filter((w) => w.isDelete).length;
    const { eventSeqs } = rows.length > 0 ? this.db.commit(rows, nowMs, journal) : { eventSeqs: [] };
    this.meter.committed(writes.length - deletes, deletes, indexEntries);
    let next = 0;
    const seqs = changes.map((_, i) => (journaled[i] ? (eventSeqs[next++] as number) : null));
    const publishAll = (): void => changes.forEach((change, i) => this.publish(change, seqs[i] ?? null));
    const durable = rows.length > 0 ? this.db.whenDurable() : null;
    // Listeners see a change once it is durable, like a trigger sees only committed writes.
    if (!durable) {
      publishAll();
      return null;
    }
    this.pendingDeliveries++; // whenIdle() also waits for changes not yet published
    return durable.then(
      () => {
        this.pendingDeliveries--;
        publishAll();
        this.checkIdle();
      },
      (error: unknown) => {
        this.pendingDeliveries--;
        this.checkIdle();
        throw error;
      },
    );
  }

  private tryCommitTransaction(tx: MemoryTransaction): Promise<void> | null | false {
    if (this.hasChangedSinceRead(tx)) return false;
    for (const read of tx.queryReads) {
      if (fingerprint(this.run(read.q)) !== read.fingerprint) return false;
    }
    return this.commitWrites(tx.writes);
  }

  private prepare(spec: QuerySpec): PreparedQuery {
    const q = prepareQuery(spec);
    if (this.enforceIndexes) this.planner.check(q);
    return q;
  }

  /** The query's results, read from sorted indexes (see the header). */
  private run(q: PreparedQuery): DocumentRow[] {
    const accept = (row: DocumentRow): boolean => matchesQuery(q, row);
    const cursors: RangeCursor[] = [];
    for (const term of q.dnf) {
      const { ix, plan, unordered } = this.indexFor(q, term);
      const scope = this.db.scopeId(plan.def, q.collection);
      if (scope === null) continue; // no document was ever stored in this collection
      for (const planned of plan.ranges) {
        const prefix = this.db.prefixId(planned.prefixKey);
        if (prefix === null) continue; // no document ever had these values
        // Another sort order's index holds the same documents under the prefix: read all of them.
        const range = unordered ? { prefixKey: planned.prefixKey, low: Buffer.alloc(0), high: null } : planned;
        cursors.push(new RangeCursor((n, after) => this.db.scan(ix, scope, prefix, range, !unordered && plan.reverse, n, after), accept, q.limit));
      }
    }
    if (cursors.length > 0 && q.limit === null && q.cursor === null && this.indexFor(q, q.dnf[0] ?? []).unordered) {
      return this.collectUnordered(cursors);
    }
    const out: DocumentRow[] = [];
    const seen = new Set<string>();
    const limit = q.limit ?? Number.POSITIVE_INFINITY;
    while (out.length < limit) {
      // k-way merge in the query's order; a document matched by several ranges comes once.
      let best: RangeCursor | null = null;
      let bestRow: DocumentRow | null = null;
      for (const c of cursors) {
        const row = c.peek();
        if (row && (!bestRow || compareByOrder(q, row, bestRow) < 0)) {
          best = c;
          bestRow = row;
        }
      }
      if (!best || !bestRow) break;
      best.advance();
      if (seen.has(bestRow.path)) continue;
      seen.add(bestRow.path);
      out.push(bestRow);
    }
    return out;
  }

  /**
   * The index for one conjunction. A query whose result order does not matter (an aggregation:
   * no limit, no cursor) is served by any existing index with the same equality prefix, whatever
   * its sort, rather than by a new index kept up to date on every write.
   */
  private indexFor(q: PreparedQuery, term: PreparedQuery['dnf'][number]): { ix: number; plan: ReturnType<typeof planTerm>; unordered: boolean } {
    const plan = planTerm(q, term);
    if (q.limit === null && q.cursor === null && q.explicitOrderCount === 0 && this.aggregating) {
      const shared = this.db.findIndexWithPrefix(plan.def);
      if (shared !== null) return { ix: shared, plan, unordered: shared !== this.db.indexId(plan.defKey) };
    }
    return { ix: this.db.ensureIndex(plan.defKey), plan, unordered: false };
  }

  /** Set while an aggregation runs: its results are summed, not listed, so their order is free. */
  private aggregating = false;

  private collectUnordered(cursors: readonly RangeCursor[]): DocumentRow[] {
    const out: DocumentRow[] = [];
    const seen = new Set<string>();
    for (const c of cursors) {
      for (let row = c.peek(); row; c.advance(), row = c.peek()) {
        if (seen.has(row.path)) continue;
        seen.add(row.path);
        out.push(row);
      }
    }
    return out;
  }

  /**
   * A count answered from index entries alone, when each conjunction is exactly
   * one index range (no filter left to check per document); null otherwise.
   */
  private countFromIndex(q: PreparedQuery): number | null {
    if (q.dnf.length !== 1 || q.cursor !== null || q.limit !== null) return null;
    const term = q.dnf[0] as NonNullable<(typeof q.dnf)[0]>;
    // Only equality and array-contains(-any) filters: the prefix is the whole filter.
    if (!term.every((f) => f.field !== '__name__' && (f.op === '==' || f.op === 'in' || f.op === 'array-contains' || f.op === 'array-contains-any'))) return null;
    if (q.orderBy.length !== 1) return null;
    const { ix, plan } = this.indexFor(q, term);
    if (plan.def.prefix.length !== term.length) return null;
    const scope = this.db.scopeId(plan.def, q.collection);
    if (scope === null) return 0;
    const ids = plan.ranges.map((range) => ({ range, prefix: this.db.prefixId(range.prefixKey) })).filter((r) => r.prefix !== null);
    if (ids.length === 1) {
      const only = ids[0] as { range: (typeof plan.ranges)[0]; prefix: number };
      return this.db.countRange(ix, scope, only.prefix, only.range);
    }
    const docs = new Set<number>();
    for (const { range, prefix } of ids) for (const doc of this.db.docsOfRange(ix, scope, prefix as number, range)) docs.add(doc);
    return docs.size;
  }

  private acquirePriority(token: object): Promise<void> {
    const previous = this.priorityQueue;
    let release!: () => void;
    this.priorityQueue = new Promise((resolve) => (release = resolve));
    this.priorityRelease.set(token, release);
    return previous.then(() => {
      this.priorityHolder = token;
    });
  }

  private releasePriority(token: object): void {
    if (this.priorityHolder === token) {
      this.priorityHolder = null;
      const waiters = this.priorityReleased;
      this.priorityReleased = [];
      for (const w of waiters) w();
    }
    this.priorityRelease.get(token)?.();
    this.priorityRelease.delete(token);
  }

  /** Commits of other transactions wait while a retried transaction holds the priority lock. */
  private async waitForPriority(token: object): Promise<void> {
    while (this.priorityHolder !== null && this.priorityHolder !== token) {
      await new Promise<void>((resolve) => this.priorityReleased.push(resolve));
    }
  }

  private publish(change: DocumentChange, seq: number | null): void {
    const collectionId = collectionIdOf(change.path);
    for (const entry of this.listeners) {
      if (entry.collectionId !== collectionId) continue;
      // A durable subscription only takes journaled changes, so a replay never misses one it was handed live.
      this.enqueue(entry, change, entry.subscription !== null ? seq : null);
    }
  }

  private enqueue(entry: ListenerEntry, change: DocumentChange, seq: number | null): void {
    // Each listener gets its own copy: a listener mutating its event cannot affect others.
    entry.queue.push({
      change: {
        ...change,
        before: change.before ? copyDataOut(change.before) : null,
        after: change.after ? copyDataOut(change.after) : null,
        time: new Date(change.time.getTime()),
      },
      seq,
      attempts: 0,
      duplicated: false,
    });
    this.pendingDeliveries++;
    this.pump(entry);
  }

  private pump(entry: ListenerEntry): void {
    if (this.productionFeed) return this.pumpProduction(entry, this.productionFeed);
    if (entry.running) return;
    entry.running = true;
    // setImmediate: delivery starts after the writer's await chain has resumed.
    setImmediate(() => void this.drain(entry));
  }

  private async drain(entry: ListenerEntry): Promise<void> {
    while (entry.active && entry.queue.length > 0) {
      const { change, seq } = entry.queue.shift() as QueuedChange;
      try {
        await entry.listener(change);
      } catch (error) {
        try {
          this.onListenerError(error, change);
        } catch {
          // An error reporter that throws must not break delivery.
        }
      }
      if (entry.subscription !== null && seq !== null && !this.closed) this.db.acknowledge(entry.subscription, entry.collectionId, seq);
      this.pendingDeliveries--;
      this.checkIdle();
    }
    entry.running = false;
  }

  /** Production-shaped delivery: random order, several in flight, duplicates, redelivery after a throw. */
  private pumpProduction(entry: ListenerEntry, feed: Required<ProductionFeedOptions>): void {
    while (entry.active && entry.inFlight < feed.concurrency && entry.queue.length > 0) {
      const [item] = entry.queue.splice(Math.floor(this.feedRandom() * entry.queue.length), 1) as [QueuedChange];
      entry.inFlight++;
      setImmediate(() => void this.deliverOnce(entry, feed, item));
    }
  }

  private async deliverOnce(entry: ListenerEntry, feed: Required<ProductionFeedOptions>, item: QueuedChange): Promise<void> {
    item.attempts++;
    let failed = false;
    try {
      // Every delivery gets its own copy, as every trigger invocation gets its own event.
      await entry.listener({ ...item.change, before: item.change.before && copyDataOut(item.change.before), after: item.change.after && copyDataOut(item.change.after) });
    } catch (error) {
      failed = true;
      if (item.attempts >= feed.maxAttempts) {
        try {
          this.onListenerError(error, item.change);
        } catch {
          // An error reporter that throws must not break delivery.
        }
      }
    }
    entry.inFlight--;
    const again = entry.active && ((failed && item.attempts < feed.maxAttempts) || (!failed && !item.duplicated && this.feedRandom() < feed.duplicateRate));
    if (again) {
      if (!failed) item.duplicated = true;
      entry.queue.push(item);
    } else {
      this.pendingDeliveries--;
    }
    this.pumpProduction(entry, feed);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.pendingDeliveries > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** A small deterministic generator (mulberry32): the production feed replays from its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fingerprint(results: readonly DocumentRow[]): string {
  return results.map((r) => `${r.path}@${r.version}`).join('\n');
}
