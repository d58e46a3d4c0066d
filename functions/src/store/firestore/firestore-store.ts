/**
 * FirestoreStore: the DocumentStore port over `@google-cloud/firestore`
 * (production and the official emulator).
 *
 * The SDK is only imported as types at module scope and loaded lazily on the
 * first operation, so importing this module costs nothing at cold start; the
 * `Firestore` instance itself is injected (e.g. `getFirestore()` from
 * firebase-admin).
 *
 * Inputs are validated with the same code as MemoryStore (paths, values,
 * query restrictions) so both adapters refuse the same things with the same
 * StoreError codes; index requirements are left to Firestore itself, whose
 * FAILED_PRECONDITION maps to `failed-precondition`.
 */
import type {
  AggregateSpec as SdkAggregateSpec,
  DocumentReference,
  DocumentSnapshot,
  Filter as SdkFilter,
  Firestore,
  Query,
  Transaction as SdkTransaction,
  WriteBatch as SdkWriteBatch,
} from '@google-cloud/firestore';
import type * as FirestoreSdk from '@google-cloud/firestore';
import {
  StoreError,
  type AggregateResult,
  type AggregateSpec,
  type ChangeListener,
  type DocumentChange,
  type DocumentData,
  type DocumentStore,
  type FieldFilter,
  type QueryFilter,
  type QuerySpec,
  type StoreErrorCode,
  type StoreValue,
  type StoredDocument,
  type Transaction,
  type UpdateData,
  type WriteBatch,
  type WriteData,
} from '../document-store.js';
import { BillingMeter } from '../billing-meter.js';
import { DOCUMENT_ID_FIELD, parseCollectionPath, parseDocumentPath, parseFieldPath } from '../memory/paths.js';
import { prepareQuery } from '../memory/match-query.js';
import { asTransform, isPlainObject, planMerge, planReplace, planUpdate } from '../memory/write-data.js';

type Sdk = typeof FirestoreSdk;

let sdkPromise: Promise<Sdk> | null = null;
function loadSdk(): Promise<Sdk> {
  sdkPromise ??= import('@google-cloud/firestore');
  return sdkPromise;
}

export const MAX_WRITES_PER_COMMIT = 500;
const MAX_AGGREGATIONS = 5;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const GRPC_CODES: Readonly<Record<number, StoreErrorCode>> = {
  3: 'invalid-argument',
  5: 'not-found',
  6: 'already-exists',
  9: 'failed-precondition',
  10: 'aborted',
  14: 'unavailable',
};

/** Maps a Firestore (gRPC) error to a StoreError; other errors pass through unchanged. */
export function mapFirestoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const mapped = typeof code === 'number' ? GRPC_CODES[code] : undefined;
  if (!mapped) return error;
  const wrapped = new StoreError(mapped, error instanceof Error ? error.message : String(error));
  (wrapped as { cause?: unknown }).cause = error;
  return wrapped;
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw mapFirestoreError(error);
  }
}

export interface FirestoreStoreOptions {
  /** Change-listener errors never fail writes; they are reported here. Default: console.error. */
  readonly onListenerError?: (error: unknown, change: DocumentChange) => void;
  /** Transaction attempts before `aborted` (Firestore's default is 5). */
  readonly maxTransactionAttempts?: number;
}

type WriteOp =
  | { readonly kind: 'create' | 'set'; readonly path: string; readonly data: WriteData; readonly merge: boolean }
  | { readonly kind: 'update'; readonly path: string; readonly data: UpdateData }
  | { readonly kind: 'delete'; readonly path: string };

/** Validates eagerly (same rules and errors as MemoryStore) and records the write. */
function makeOp(kind: WriteOp['kind'], path: string, data?: WriteData | UpdateData, merge = false): WriteOp {
  parseDocumentPath(path);
  switch (kind) {
    case 'create':
      planReplace(data as WriteData, path);
      return { kind, path, data: data as WriteData, merge: false };
    case 'set':
      if (merge) planMerge(data as WriteData, path);
      else planReplace(data as WriteData, path);
      return { kind, path, data: data as WriteData, merge };
    case 'update':
      planUpdate(data as UpdateData, path);
      return { kind, path, data: data as UpdateData };
    case 'delete':
      return { kind, path };
  }
}

function countWrites(ops: readonly WriteOp[]): { writes: number; deletes: number } {
  const deletes = ops.filter((o) => o.kind === 'delete').length;
  return { writes: ops.length - deletes, deletes };
}

/** Port value -> SDK value (transforms become FieldValue sentinels). */
function toSdk(value: unknown, sdk: Sdk): unknown {
  const t = asTransform(value);
  if (t) {
    switch (t.__transform) {
      case 'increment':
        return sdk.FieldValue.increment(t.by);
      case 'delete':
        return sdk.FieldValue.delete();
      case 'arrayUnion':
        return sdk.FieldValue.arrayUnion(...t.values.map((v) => toSdk(v, sdk)));
      case 'arrayRemove':
        return sdk.FieldValue.arrayRemove(...t.values.map((v) => toSdk(v, sdk)));
    }
  }
  if (value instanceof Date) return sdk.Timestamp.fromDate(value);
  if (Array.isArray(value)) return value.map((v) => toSdk(v, sdk));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = toSdk(value[key], sdk);
    return out;
  }
  return value;
}

/** SDK value -> port value: Timestamps become Dates at any depth. */
export function fromSdk(value: unknown): StoreValue {
  if (value === null || typeof value !== 'object') return value as StoreValue;
  if (typeof (value as { toDate?: unknown }).toDate === 'function' && 'nanoseconds' in value) {
    return (value as unknown as { toDate(): Date }).toDate();
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(fromSdk);
  if (typeof (value as { path?: unknown }).path === 'string' && 'firestore' in value) {
    // A DocumentReference stored by another client: expose its path.
    return (value as unknown as { path: string }).path;
  }
  const out: { [key: string]: StoreValue } = {};
  for (const key of Object.keys(value)) out[key] = fromSdk((value as Record<string, unknown>)[key]);
  return out;
}

function toStored(snap: DocumentSnapshot): StoredDocument | null {
  if (!snap.exists) return null;
  const createTime = snap.createTime?.toDate() ?? new Date(0);
  return {
    id: snap.id,
    path: snap.ref.path,
    data: fromSdk(snap.data() ?? {}) as DocumentData,
    createTime,
    updateTime: snap.updateTime?.toDate() ?? createTime,
  };
}

/** The write surface SDK transactions and batches share (their overloads do not unify as a union). */
interface SdkWriter {
  create(ref: DocumentReference, data: Record<string, unknown>): unknown;
  set(ref: DocumentReference, data: Record<string, unknown>, options: { merge: boolean }): unknown;
  update(ref: DocumentReference, field: unknown, value: unknown, ...rest: unknown[]): unknown;
  delete(ref: DocumentReference): unknown;
}

function applyOp(sdkWriter: SdkTransaction | SdkWriteBatch, db: Firestore, sdk: Sdk, op: WriteOp): void {
  const writer = sdkWriter as unknown as SdkWriter;
  const ref = db.doc(op.path);
  switch (op.kind) {
    case 'create':
      writer.create(ref, toSdk(op.data, sdk) as Record<string, unknown>);
      return;
    case 'set':
      writer.set(ref, toSdk(op.data, sdk) as Record<string, unknown>, { merge: op.merge });
      return;
    case 'update': {
      // Keys are port field paths (backtick quoting allowed): pass FieldPath objects.
      const pairs: unknown[] = [];
      for (const key of Object.keys(op.data)) {
        pairs.push(new sdk.FieldPath(...parseFieldPath(key)), toSdk(op.data[key], sdk));
      }
      const [first, firstValue, ...rest] = pairs;
      writer.update(ref, first, firstValue, ...rest);
      return;
    }
    case 'delete':
      writer.delete(ref);
  }
}

class FirestoreTransaction implements Transaction {
  readonly ops: WriteOp[] = [];
  finished = false;

  constructor(
    private readonly store: FirestoreStore,
    private readonly tx: SdkTransaction,
    private readonly sdk: Sdk,
    private readonly db: Firestore,
  ) {}

  private beforeRead(): void {
    if (this.finished) throw new StoreError('invalid-argument', 'This transaction has already finished.');
    if (this.ops.length > 0) {
      throw new StoreError('invalid-argument', 'Firestore transactions require all reads to be executed before all writes.');
    }
  }

  private push(op: () => WriteOp): Transaction {
    if (this.finished) throw new StoreError('invalid-argument', 'This transaction has already finished.');
    this.ops.push(op());
    return this;
  }

  async get(path: string): Promise<StoredDocument | null> {
    const [doc] = await this.getAll([path]);
    return doc ?? null;
  }

  async getAll(paths: readonly string[]): Promise<Array<StoredDocument | null>> {
    this.beforeRead();
    if (paths.length === 0) throw new StoreError('invalid-argument', 'getAll() needs at least one path.');
    for (const p of paths) parseDocumentPath(p);
    this.store.meter.documentsRequested(paths.length);
    const refs = paths.map((p) => this.db.doc(p));
    // Not mapped here: the SDK retries the whole transaction only when it sees
    // its own ABORTED error; runTransaction maps whatever finally escapes.
    const snaps = await this.tx.getAll(...refs);
    return snaps.map(toStored);
  }

  async query(spec: QuerySpec): Promise<StoredDocument[]> {
    this.beforeRead();
    const q = this.store.buildQuery(spec, this.sdk);
    const snap = await this.tx.get(q); // unmapped, see getAll
    this.store.meter.queryReturned(snap.size);
    return snap.docs.map((d) => toStored(d) as StoredDocument);
  }

  create(path: string, data: WriteData): Transaction {
    return this.push(() => makeOp('create', path, data));
  }
  set(path: string, data: WriteData, options?: { merge?: boolean }): Transaction {
    return this.push(() => makeOp('set', path, data, options?.merge === true));
  }
  update(path: string, data: UpdateData): Transaction {
    return this.push(() => makeOp('update', path, data));
  }
  delete(path: string): Transaction {
    return this.push(() => makeOp('delete', path));
  }

  /** Hands the buffered writes to the SDK transaction (it commits them when `fn` resolves). */
  finish(): void {
    this.finished = true;
    if (this.ops.length > MAX_WRITES_PER_COMMIT) {
      throw new StoreError('invalid-argument', `A commit may contain at most ${MAX_WRITES_PER_COMMIT} writes (got ${this.ops.length}).`);
    }
    for (const op of this.ops) applyOp(this.tx, this.db, this.sdk, op);
  }
}

class FirestoreWriteBatch implements WriteBatch {
  private readonly ops: WriteOp[] = [];
  private committed = false;

  constructor(private readonly store: FirestoreStore) {}

  private push(op: () => WriteOp): WriteBatch {
    if (this.committed) throw new StoreError('failed-precondition', 'Cannot modify a WriteBatch that has been committed.');
    this.ops.push(op());
    return this;
  }

  create(path: string, data: WriteData): WriteBatch {
    return this.push(() => makeOp('create', path, data));
  }
  set(path: string, data: WriteData, options?: { merge?: boolean }): WriteBatch {
    return this.push(() => makeOp('set', path, data, options?.merge === true));
  }
  update(path: string, data: UpdateData): WriteBatch {
    return this.push(() => makeOp('update', path, data));
  }
  delete(path: string): WriteBatch {
    return this.push(() => makeOp('delete', path));
  }

  async commit(): Promise<void> {
    if (this.committed) throw new StoreError('failed-precondition', 'This WriteBatch has already been committed.');
    this.committed = true;
    await this.store.commit(this.ops);
  }
}

export class FirestoreStore implements DocumentStore {
  readonly meter = new BillingMeter();
  private readonly onListenerError: (error: unknown, change: DocumentChange) => void;
  private readonly maxAttempts: number;

  constructor(
    private readonly db: Firestore,
    options: FirestoreStoreOptions = {},
  ) {
    this.onListenerError =
      options.onListenerError ??
      ((error, change) => console.error(`FirestoreStore change listener failed for ${change.kind} ${change.path}:`, error));
    this.maxAttempts = options.maxTransactionAttempts ?? 5;
  }

  async get(path: string): Promise<StoredDocument | null> {
    parseDocumentPath(path);
    this.meter.documentsRequested(1);
    return toStored(await mapped(() => this.db.doc(path).get()));
  }

  async getAll(paths: readonly string[]): Promise<Array<StoredDocument | null>> {
    if (!Array.isArray(paths) || paths.length === 0) throw new StoreError('invalid-argument', 'getAll() needs at least one path.');
    for (const p of paths) parseDocumentPath(p);
    this.meter.documentsRequested(paths.length);
    const snaps = await mapped(() => this.db.getAll(...paths.map((p) => this.db.doc(p))));
    return snaps.map(toStored);
  }

  async query(spec: QuerySpec): Promise<StoredDocument[]> {
    const sdk = await loadSdk();
    const q = this.buildQuery(spec, sdk);
    const snap = await mapped(() => q.get());
    this.meter.queryReturned(snap.size);
    return snap.docs.map((d) => toStored(d) as StoredDocument);
  }

  async aggregate(spec: QuerySpec, fields: AggregateSpec): Promise<AggregateResult> {
    const sdk = await loadSdk();
    const aliases = Object.keys(fields ?? {});
    if (aliases.length === 0) throw new StoreError('invalid-argument', 'aggregate() needs at least one aggregation.');
    if (aliases.length > MAX_AGGREGATIONS) {
      throw new StoreError('invalid-argument', `Firestore allows at most ${MAX_AGGREGATIONS} aggregations per query.`);
    }
    const q = this.buildQuery(spec, sdk);
    const request: SdkAggregateSpec = {};
    let countAlias: string | null = null;
    for (const alias of aliases) {
      const f = fields[alias];
      if (!/^[A-Za-z_][A-Za-z_0-9]*$/.test(alias) || /^__.*__$/.test(alias) || !f) {
        throw new StoreError('invalid-argument', `Invalid aggregation alias "${alias}".`);
      }
      if (f.op === 'count') {
        request[alias] = sdk.AggregateField.count();
        countAlias ??= alias;
      } else if (f.op === 'sum' || f.op === 'avg') {
        const path = new sdk.FieldPath(...parseFieldPath(f.field));
        request[alias] = f.op === 'sum' ? sdk.AggregateField.sum(path) : sdk.AggregateField.average(path);
      } else {
        throw new StoreError('invalid-argument', `Unknown aggregation for "${alias}".`);
      }
    }
    // Billing depends on the number of matched entries: ask for a count too when there is room.
    if (countAlias === null && aliases.length < MAX_AGGREGATIONS) {
      countAlias = 'meter_count_';
      while (countAlias in request) countAlias += '_';
      request[countAlias] = sdk.AggregateField.count();
    }
    const snap = await mapped(() => q.aggregate(request).get());
    const data = snap.data() as Record<string, number | null>;
    this.meter.aggregationMatched(countAlias !== null ? (data[countAlias] ?? 0) : 0);
    const out: AggregateResult = {};
    for (const alias of aliases) out[alias] = data[alias] ?? (fields[alias]?.op === 'avg' ? null : 0);
    return out;
  }

  async listDocumentIds(collectionPath: string): Promise<string[]> {
    parseCollectionPath(collectionPath);
    const refs = await mapped(() => this.db.collection(collectionPath).listDocuments());
    this.meter.queryReturned(refs.length);
    return refs.map((r: DocumentReference) => r.id);
  }

  async create(path: string, data: WriteData): Promise<void> {
    await this.commit([makeOp('create', path, data)]);
  }
  async set(path: string, data: WriteData, options?: { merge?: boolean }): Promise<void> {
    await this.commit([makeOp('set', path, data, options?.merge === true)]);
  }
  async update(path: string, data: UpdateData): Promise<void> {
    await this.commit([makeOp('update', path, data)]);
  }
  async delete(path: string): Promise<void> {
    await this.commit([makeOp('delete', path)]);
  }

  batch(): WriteBatch {
    return new FirestoreWriteBatch(this);
  }

  /** @internal */
  async commit(ops: readonly WriteOp[]): Promise<void> {
    if (ops.length > MAX_WRITES_PER_COMMIT) {
      throw new StoreError('invalid-argument', `A commit may contain at most ${MAX_WRITES_PER_COMMIT} writes (got ${ops.length}).`);
    }
    if (ops.length === 0) return;
    const sdk = await loadSdk();
    const batch = this.db.batch();
    for (const op of ops) applyOp(batch, this.db, sdk, op);
    await mapped(() => batch.commit());
    const { writes, deletes } = countWrites(ops);
    this.meter.committed(writes, deletes);
  }

  /**
   * SDK errors raised inside `fn` (a read aborted by lock contention) reach
   * the SDK unchanged, so its retry loop recognises ABORTED and runs `fn`
   * again; they become StoreErrors only once they escape the SDK.
   */
  async runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const sdk = await loadSdk();
    let committedOps: readonly WriteOp[] = [];
    const result = await mapped(() =>
      this.db.runTransaction(
        async (sdkTx) => {
          const tx = new FirestoreTransaction(this, sdkTx, sdk, this.db);
          try {
            const value = await fn(tx);
            tx.finish();
            committedOps = tx.ops;
            return value;
          } finally {
            tx.finished = true;
          }
        },
        { maxAttempts: this.maxAttempts },
      ),
    );
    const { writes, deletes } = countWrites(committedOps);
    this.meter.committed(writes, deletes);
    return result;
  }

  /**
   * Change feed over a collection-group snapshot listener. A development and
   * test aid (the embedded runtime, the contract suite): production reacts to
   * changes with Firestore triggers, which are at-least-once and unordered.
   * Only changes after the listener attached are delivered.
   */
  onChange(collectionId: string, listener: ChangeListener): () => void {
    let unsubscribe: (() => void) | null = null;
    let stopped = false;
    const known = new Map<string, DocumentData>();
    let first = true;
    let chain: Promise<void> = Promise.resolve();
    const deliver = (change: DocumentChange): void => {
      chain = chain.then(async () => {
        if (stopped) return;
        try {
          await listener(change);
        } catch (error) {
          try {
            this.onListenerError(error, change);
          } catch {
            // A throwing reporter must not break delivery.
          }
        }
      });
    };
    void loadSdk().then(() => {
      if (stopped) return;
      unsubscribe = this.db.collectionGroup(collectionId).onSnapshot(
        (snap) => {
          for (const c of snap.docChanges()) {
            const path = c.doc.ref.path;
            const after = fromSdk(c.doc.data()) as DocumentData;
            const before = known.get(path) ?? null;
            if (c.type === 'removed') known.delete(path);
            else known.set(path, after);
            if (first) continue;
            const time = (c.type === 'removed' ? snap.readTime : (c.doc.updateTime ?? snap.readTime)).toDate();
            const kind = c.type === 'added' ? 'created' : c.type === 'modified' ? 'updated' : 'deleted';
            const stamp = (c.type === 'removed' ? snap.readTime : (c.doc.updateTime ?? snap.readTime));
            deliver({
              eventId: `${path}@${kind}@${stamp.seconds}.${String(stamp.nanoseconds).padStart(9, '0')}`,
              kind,
              path,
              before: kind === 'created' ? null : before,
              after: kind === 'deleted' ? null : after,
              time,
            });
          }
          first = false;
        },
        (error) => console.error(`FirestoreStore change feed for ${collectionId} failed:`, error),
      );
    });
    return () => {
      stopped = true;
      unsubscribe?.();
    };
  }

  newId(): string {
    // Same alphabet and length as Firestore's auto ids; crypto-random.
    const bytes = new Uint8Array(40);
    let id = '';
    while (id.length < 20) {
      crypto.getRandomValues(bytes);
      for (const b of bytes) if (b < 248 && id.length < 20) id += ID_ALPHABET[b % 62];
    }
    return id;
  }

  /** Maps a QuerySpec to an SDK query (validated with the shared rules first). @internal */
  buildQuery(spec: QuerySpec, sdk: Sdk): Query {
    const prepared = prepareQuery(spec);
    let q: Query = spec.collectionGroup ? this.db.collectionGroup(spec.collection) : this.db.collection(spec.collection);
    const docRef = (value: unknown): unknown =>
      typeof value === 'string' && value.includes('/') ? this.db.doc(value) : value;
    const fieldRef = (field: string): InstanceType<Sdk['FieldPath']> =>
      field === DOCUMENT_ID_FIELD ? sdk.FieldPath.documentId() : new sdk.FieldPath(...parseFieldPath(field));
    const build = (f: QueryFilter): SdkFilter => {
      if ('or' in f) return sdk.Filter.or(...f.or.map(build));
      if ('and' in f) return sdk.Filter.and(...f.and.map(build));
      const ff = f as FieldFilter;
      let value: unknown;
      if (ff.field === DOCUMENT_ID_FIELD) {
        value = Array.isArray(ff.value) ? ff.value.map(docRef) : docRef(ff.value);
      } else {
        value = toSdk(ff.value, sdk);
      }
      return sdk.Filter.where(fieldRef(ff.field), ff.op, value);
    };
    for (const f of spec.where ?? []) q = q.where(build(f));
    for (const o of spec.orderBy ?? []) q = q.orderBy(fieldRef(o.field), o.direction ?? 'asc');
    const cursor = spec.startAt ?? spec.startAfter;
    if (cursor) {
      const values = cursor.map((v, i) => (spec.orderBy?.[i]?.field === DOCUMENT_ID_FIELD ? docRef(v) : toSdk(v, sdk)));
      q = spec.startAt ? q.startAt(...values) : q.startAfter(...values);
    }
    if (prepared.limit !== null) q = q.limit(prepared.limit);
    return q;
  }
}
