/**
 * MemoryStore: the embedded DocumentStore with Firestore's semantics.
 *
 * Pure parts live beside it (compare-values, match-query, index-planner,
 * write-data, persistence); this class owns state, transactions, the change
 * feed, metering and persistence scheduling.
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
import { compareStrings, comparePaths, valuesEqual } from './compare-values.js';
import { IndexPlanner, type IndexConfig } from './index-planner.js';
import { prepareQuery, runPreparedQuery, type PreparedQuery } from './match-query.js';
import { collectionIdOf, idOf, parentOf, parseCollectionPath, parseDocumentPath, parseFieldPath } from './paths.js';
import { loadDocumentsSync, serializeDocuments, writeFileAtomic } from './persistence.js';
import { applyOps, copyDataOut, getField, planMerge, planReplace, planUpdate } from './write-data.js';

export const MAX_WRITES_PER_COMMIT = 500;
export const MAX_AGGREGATIONS = 5;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface MemoryStoreOptions {
  /** Parsed `firestore.indexes.json`; queries needing an index not listed fail like production. Default: no indexes. */
  readonly indexes?: IndexConfig;
  /** Set false only for throwaway experiments; production always enforces indexes. Default true. */
  readonly enforceIndexes?: boolean;
  /** Persist the whole store to this JSON file (atomic replace) and load it on construction. */
  readonly filePath?: string;
  /** Coalescing window for persistence after commits. Default 50 ms. */
  readonly persistDebounceMs?: number;
  /** Change listeners never fail writes; their errors are reported here. Default: console.error. */
  readonly onListenerError?: (error: unknown, change: DocumentChange) => void;
  /** Background persistence errors are reported here (flush() also rejects). Default: console.error. */
  readonly onPersistError?: (error: unknown) => void;
  /** Attempts per transaction before failing with `aborted`. Default 5. */
  readonly maxTransactionAttempts?: number;
  /** Clock for commit times (tests). */
  readonly now?: () => Date;
}

interface DocRecord {
  readonly path: string;
  readonly data: DocumentData;
  readonly createTime: Date;
  readonly updateTime: Date;
}

interface PendingWrite {
  readonly path: string;
  readonly isDelete: boolean;
  /** New data given the document's data at this point of the commit; throws to fail the commit. */
  readonly apply: (existing: DocumentData | null) => DocumentData | null;
}

interface ListenerEntry {
  readonly collectionId: string;
  readonly listener: ChangeListener;
  readonly queue: DocumentChange[];
  running: boolean;
  active: boolean;
}

function toStored(record: DocRecord): StoredDocument {
  return {
    id: idOf(record.path),
    path: record.path,
    data: copyDataOut(record.data),
    createTime: new Date(record.createTime.getTime()),
    updateTime: new Date(record.updateTime.getTime()),
  };
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
  }

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
    this.store.commitWrites(this.writes);
  }
}

export class MemoryStore implements DocumentStore {
  readonly meter = new BillingMeter();

  private readonly docs = new Map<string, DocRecord>();
  /** Collection path -> documents directly in it. */
  private readonly byCollection = new Map<string, Map<string, DocRecord>>();
  /** Collection id -> collection paths with that id (collection-group scans). */
  private readonly collectionsById = new Map<string, Set<string>>();
  /** Path -> sequence number of the last commit that changed it (deletes included). */
  private readonly versions = new Map<string, number>();
  private sequence = 0;
  private lastCommitMs = 0;

  private readonly planner: IndexPlanner;
  private readonly enforceIndexes: boolean;
  private readonly maxAttempts: number;
  private readonly clock: () => Date;

  // Transactions: FIFO priority lock for retried attempts.
  private priorityQueue: Promise<void> = Promise.resolve();
  private priorityHolder: object | null = null;
  private priorityReleased: Array<() => void> = [];

  // Change feed.
  private readonly listeners = new Set<ListenerEntry>();
  private pendingDeliveries = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly onListenerError: (error: unknown, change: DocumentChange) => void;

  // Persistence.
  private readonly filePath: string | null;
  private readonly debounceMs: number;
  private readonly onPersistError: (error: unknown) => void;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private lastPersistError: unknown = null;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.planner = new IndexPlanner(options.indexes ?? { indexes: [] });
    this.enforceIndexes = options.enforceIndexes ?? true;
    this.maxAttempts = options.maxTransactionAttempts ?? 5;
    this.clock = options.now ?? (() => new Date());
    this.onListenerError =
      options.onListenerError ??
      ((error, change) => console.error(`MemoryStore change listener failed for ${change.kind} ${change.path}:`, error));
    this.onPersistError = options.onPersistError ?? ((error) => console.error('MemoryStore persistence failed:', error));
    this.filePath = options.filePath ?? null;
    this.debounceMs = options.persistDebounceMs ?? 50;
    if (this.filePath) {
      for (const d of loadDocumentsSync(this.filePath) ?? []) {
        parseDocumentPath(d.path);
        this.putRecord({ path: d.path, data: d.data, createTime: d.createTime, updateTime: d.updateTime });
        this.lastCommitMs = Math.max(this.lastCommitMs, d.updateTime.getTime());
      }
    }
  }

  // ---------------------------------------------------------------- reads

  async get(path: string): Promise<StoredDocument | null> {
    parseDocumentPath(path);
    this.meter.documentsRequested(1);
    const record = this.docs.get(path);
    return record ? toStored(record) : null;
  }

  async getAll(paths: readonly string[]): Promise<Array<StoredDocument | null>> {
    if (!Array.isArray(paths) || paths.length === 0) throw new StoreError('invalid-argument', 'getAll() needs at least one path.');
    for (const p of paths) parseDocumentPath(p);
    this.meter.documentsRequested(paths.length);
    return paths.map((p) => {
      const record = this.docs.get(p);
      return record ? toStored(record) : null;
    });
  }

  async query(spec: QuerySpec): Promise<StoredDocument[]> {
    const q = this.prepare(spec);
    const results = this.run(q);
    this.meter.queryReturned(results.length);
    return results.map(toStored);
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
    const results = this.run(q);
    this.meter.aggregationMatched(results.length);
    const out: AggregateResult = {};
    for (const plan of plans) {
      if (plan.segments === null) {
        out[plan.alias] = results.length;
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
    return out;
  }

  async listDocumentIds(collectionPath: string): Promise<string[]> {
    parseCollectionPath(collectionPath);
    const prefix = `${collectionPath}/`;
    const ids = new Set<string>();
    // Like listDocuments, include "missing" documents that only have subcollections.
    for (const path of this.docs.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      ids.add(slash === -1 ? rest : rest.slice(0, slash));
    }
    const list = [...ids].sort(compareStrings);
    this.meter.queryReturned(list.length);
    return list;
  }

  // ---------------------------------------------------------------- writes

  async create(path: string, data: WriteData): Promise<void> {
    this.commitWrites([buildCreate(path, data)]);
  }

  async set(path: string, data: WriteData, options?: { merge?: boolean }): Promise<void> {
    this.commitWrites([buildSet(path, data, options)]);
  }

  async update(path: string, data: UpdateData): Promise<void> {
    this.commitWrites([buildUpdate(path, data)]);
  }

  async delete(path: string): Promise<void> {
    this.commitWrites([buildDelete(path)]);
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
        } finally {
          tx.finished = true;
        }
        await this.waitForPriority(token);
        if (this.tryCommitTransaction(tx)) return result;
      }
      throw new StoreError('aborted', `Transaction aborted after ${this.maxAttempts} attempts because of contention.`);
    } finally {
      if (holding) this.releasePriority(token);
    }
  }

  // ---------------------------------------------------------------- change feed

  onChange(collectionId: string, listener: ChangeListener): () => void {
    const entry: ListenerEntry = { collectionId, listener, queue: [], running: false, active: true };
    this.listeners.add(entry);
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

  // ---------------------------------------------------------------- persistence

  /** Writes any pending state to disk now and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // A failure from an earlier background write is retried here, not rethrown.
    this.lastPersistError = null;
    for (;;) {
      if (this.writing) {
        await this.writing;
        if (this.lastPersistError) {
          const error = this.lastPersistError;
          this.lastPersistError = null;
          throw error;
        }
      } else if (this.dirty) {
        this.startWrite();
      } else {
        return;
      }
    }
  }

  /** Flushes and refuses further writes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  // ---------------------------------------------------------------- internals (used by tx/batch)

  /** @internal */
  txRead(tx: MemoryTransaction, paths: readonly string[]): Array<StoredDocument | null> {
    if (paths.length === 0) throw new StoreError('invalid-argument', 'getAll() needs at least one path.');
    for (const p of paths) parseDocumentPath(p);
    this.meter.documentsRequested(paths.length);
    return paths.map((p) => {
      tx.readVersions.set(p, this.versions.get(p) ?? 0);
      const record = this.docs.get(p);
      return record ? toStored(record) : null;
    });
  }

  /** @internal */
  txQuery(tx: MemoryTransaction, spec: QuerySpec): StoredDocument[] {
    const q = this.prepare(spec);
    const results = this.run(q);
    this.meter.queryReturned(results.length);
    tx.queryReads.push({ q, fingerprint: this.fingerprint(results) });
    return results.map(toStored);
  }

  /** Applies writes atomically (all or nothing) and publishes them. @internal */
  commitWrites(writes: readonly PendingWrite[]): void {
    if (this.closed) throw new StoreError('unavailable', 'MemoryStore is closed.');
    if (writes.length > MAX_WRITES_PER_COMMIT) {
      throw new StoreError('invalid-argument', `A commit may contain at most ${MAX_WRITES_PER_COMMIT} writes (got ${writes.length}).`);
    }
    if (writes.length === 0) return;
    // Stage every write first; any failure leaves the store untouched.
    const staged = new Map<string, DocumentData | null>();
    const before = new Map<string, DocRecord | undefined>();
    for (const w of writes) {
      if (!before.has(w.path)) before.set(w.path, this.docs.get(w.path));
      const current = staged.has(w.path) ? (staged.get(w.path) ?? null) : (this.docs.get(w.path)?.data ?? null);
      staged.set(w.path, w.apply(current));
    }

    const nowMs = Math.max(this.clock().getTime(), this.lastCommitMs);
    this.lastCommitMs = nowMs;
    const time = new Date(nowMs);
    const seq = ++this.sequence;
    const changes: DocumentChange[] = [];
    for (const [path, after] of staged) {
      const prior = before.get(path);
      if (!prior && !after) continue;
      if (prior && after && valuesEqual(prior.data, after)) continue; // no-op write: no new version, no event
      if (after) {
        this.putRecord({ path, data: after, createTime: prior ? prior.createTime : time, updateTime: time });
      } else {
        this.removeRecord(path);
      }
      this.versions.set(path, seq);
      changes.push({
        eventId: randomUUID(),
        kind: !prior ? 'created' : after ? 'updated' : 'deleted',
        path,
        before: prior ? prior.data : null,
        after,
        time,
      });
    }
    const deletes = writes.filter((w) => w.isDelete).length;
    this.meter.committed(writes.length - deletes, deletes);
    if (changes.length > 0) {
      this.publish(changes);
      this.schedulePersist();
    }
  }

  private tryCommitTransaction(tx: MemoryTransaction): boolean {
    for (const [path, version] of tx.readVersions) {
      if ((this.versions.get(path) ?? 0) !== version) return false;
    }
    for (const read of tx.queryReads) {
      if (this.fingerprint(this.run(read.q)) !== read.fingerprint) return false;
    }
    this.commitWrites(tx.writes);
    return true;
  }

  private fingerprint(results: readonly DocRecord[]): string {
    return results.map((r) => `${r.path}@${this.versions.get(r.path) ?? 0}`).join('\n');
  }

  private prepare(spec: QuerySpec): PreparedQuery {
    const q = prepareQuery(spec);
    if (this.enforceIndexes) this.planner.check(q);
    return q;
  }

  private run(q: PreparedQuery): DocRecord[] {
    let candidates: Iterable<DocRecord>;
    if (q.collectionGroup) {
      const all: DocRecord[] = [];
      for (const collectionPath of this.collectionsById.get(q.collectionId) ?? []) {
        for (const record of this.byCollection.get(collectionPath)?.values() ?? []) all.push(record);
      }
      candidates = all;
    } else {
      candidates = this.byCollection.get(q.collection)?.values() ?? [];
    }
    return runPreparedQuery(q, candidates) as DocRecord[];
  }

  private putRecord(record: DocRecord): void {
    this.docs.set(record.path, record);
    const parent = parentOf(record.path);
    let inCollection = this.byCollection.get(parent);
    if (!inCollection) {
      inCollection = new Map();
      this.byCollection.set(parent, inCollection);
      const id = idOf(parent);
      let paths = this.collectionsById.get(id);
      if (!paths) {
        paths = new Set();
        this.collectionsById.set(id, paths);
      }
      paths.add(parent);
    }
    inCollection.set(record.path, record);
  }

  private removeRecord(path: string): void {
    this.docs.delete(path);
    const parent = parentOf(path);
    const inCollection = this.byCollection.get(parent);
    if (!inCollection) return;
    inCollection.delete(path);
    if (inCollection.size === 0) {
      this.byCollection.delete(parent);
      this.collectionsById.get(idOf(parent))?.delete(parent);
    }
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

  private readonly priorityRelease = new Map<object, () => void>();

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

  private publish(changes: readonly DocumentChange[]): void {
    for (const change of changes) {
      const collectionId = collectionIdOf(change.path);
      for (const entry of this.listeners) {
        if (entry.collectionId !== collectionId) continue;
        // Each listener gets its own copy: a listener mutating its event cannot affect others.
        entry.queue.push({
          ...change,
          before: change.before ? copyDataOut(change.before) : null,
          after: change.after ? copyDataOut(change.after) : null,
          time: new Date(change.time.getTime()),
        });
        this.pendingDeliveries++;
        this.pump(entry);
      }
    }
  }

  private pump(entry: ListenerEntry): void {
    if (entry.running) return;
    entry.running = true;
    // setImmediate: delivery starts after the writer's await chain has resumed.
    setImmediate(() => void this.drain(entry));
  }

  private async drain(entry: ListenerEntry): Promise<void> {
    while (entry.active && entry.queue.length > 0) {
      const change = entry.queue.shift() as DocumentChange;
      try {
        await entry.listener(change);
      } catch (error) {
        try {
          this.onListenerError(error, change);
        } catch {
          // An error reporter that throws must not break delivery.
        }
      }
      this.pendingDeliveries--;
      this.checkIdle();
    }
    entry.running = false;
  }

  private checkIdle(): void {
    if (this.pendingDeliveries > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private schedulePersist(): void {
    if (!this.filePath) return;
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startWrite();
    }, this.debounceMs);
  }

  private startWrite(): void {
    if (!this.filePath || this.writing) return;
    const filePath = this.filePath;
    this.dirty = false;
    // Serialise synchronously: the snapshot is exactly the committed state now.
    const contents = serializeDocuments([...this.docs.values()].sort((a, b) => comparePaths(a.path, b.path)));
    this.writing = writeFileAtomic(filePath, contents)
      .catch((error: unknown) => {
        this.dirty = true; // retry on the next flush/commit
        this.lastPersistError = error;
        this.onPersistError(error);
      })
      .finally(() => {
        this.writing = null;
        if (this.dirty && !this.timer && !this.lastPersistError) this.schedulePersist();
      });
  }
}
