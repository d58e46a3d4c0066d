/**
 * The document-store port: the only way services reach Firestore.
 *
 * It is deliberately Firestore-shaped (documents by slash path, collection and
 * collection-group queries, count/sum/avg aggregations, serializable
 * transactions, batched writes, a change feed) so that `FirestoreStore` is a
 * thin adapter and `MemoryStore` can reproduce Firestore's semantics,
 * restrictions and billing exactly. Nothing here imports Firebase.
 */

/** Values a document may hold. Timestamps are `Date` on both sides of the port. */
export type StoreValue =
  | null
  | boolean
  | number
  | string
  | Date
  | StoreValue[]
  | { [key: string]: StoreValue };

export type DocumentData = { [key: string]: StoreValue };

/** Write-time transforms, the port's equivalent of `FieldValue`. */
export type FieldTransform =
  | { readonly __transform: 'increment'; readonly by: number }
  | { readonly __transform: 'delete' }
  | { readonly __transform: 'arrayUnion'; readonly values: StoreValue[] }
  | { readonly __transform: 'arrayRemove'; readonly values: StoreValue[] };

export const fieldValue = {
  increment: (by: number): FieldTransform => ({ __transform: 'increment', by }),
  delete: (): FieldTransform => ({ __transform: 'delete' }),
  arrayUnion: (...values: StoreValue[]): FieldTransform => ({ __transform: 'arrayUnion', values }),
  arrayRemove: (...values: StoreValue[]): FieldTransform => ({ __transform: 'arrayRemove', values }),
};

export function isFieldTransform(value: unknown): value is FieldTransform {
  return typeof value === 'object' && value !== null && '__transform' in value;
}

/** Data for `set`/`create`: plain values, transforms allowed at any depth of a map. */
export type WriteData = { [key: string]: StoreValue | FieldTransform | WriteData };
/** Data for `update`: keys are field paths (`a.b.c`), values may be transforms. */
export type UpdateData = { [fieldPath: string]: StoreValue | FieldTransform | WriteData };

export interface StoredDocument {
  /** Last path segment. */
  readonly id: string;
  /** Full slash path, e.g. `crm_tenants/t1/records/r1`. */
  readonly path: string;
  readonly data: DocumentData;
  readonly createTime: Date;
  readonly updateTime: Date;
}

export type FilterOp =
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'array-contains'
  | 'array-contains-any'
  | 'in'
  | 'not-in';

export interface FieldFilter {
  readonly field: string;
  readonly op: FilterOp;
  readonly value: StoreValue;
}

export interface OrFilter {
  readonly or: ReadonlyArray<FieldFilter | AndFilter>;
}

export interface AndFilter {
  readonly and: ReadonlyArray<FieldFilter | OrFilter>;
}

export type QueryFilter = FieldFilter | OrFilter | AndFilter;

export interface OrderBy {
  /** A field path, or `__name__` for the document path. */
  readonly field: string;
  readonly direction?: 'asc' | 'desc';
}

export interface QuerySpec {
  /**
   * A collection path (`crm_tenants/t1/records`), or with `collectionGroup`
   * the collection id (`records`) matched at any depth.
   */
  readonly collection: string;
  readonly collectionGroup?: boolean;
  /** Top-level filters are ANDed. */
  readonly where?: ReadonlyArray<QueryFilter>;
  readonly orderBy?: ReadonlyArray<OrderBy>;
  /** Cursor values, one per `orderBy` entry (a `__name__` entry takes a document path). */
  readonly startAfter?: ReadonlyArray<StoreValue>;
  readonly startAt?: ReadonlyArray<StoreValue>;
  readonly limit?: number;
}

export type AggregateField =
  | { readonly op: 'count' }
  | { readonly op: 'sum'; readonly field: string }
  | { readonly op: 'avg'; readonly field: string };

/** Aliases to aggregations, e.g. `{ total: { op: 'count' }, revenue: { op: 'sum', field: 'data.amount' } }`. */
export type AggregateSpec = Readonly<Record<string, AggregateField>>;
/** `avg` over no numeric values is `null`, as in Firestore. */
export type AggregateResult = Record<string, number | null>;

export interface ReadOps {
  get(path: string): Promise<StoredDocument | null>;
  /** One read billed per path, found or not. */
  getAll(paths: readonly string[]): Promise<Array<StoredDocument | null>>;
  query(spec: QuerySpec): Promise<StoredDocument[]>;
}

export interface WriteOps<R> {
  /** Fails with `already-exists` if the document exists. */
  create(path: string, data: WriteData): R;
  set(path: string, data: WriteData, options?: { merge?: boolean }): R;
  /** Fails with `not-found` if the document does not exist. */
  update(path: string, data: UpdateData): R;
  delete(path: string): R;
}

/** Firestore rule: all reads happen before any write inside one transaction. */
export interface Transaction extends ReadOps, WriteOps<Transaction> {}

export interface WriteBatch extends WriteOps<WriteBatch> {
  commit(): Promise<void>;
}

export type ChangeKind = 'created' | 'updated' | 'deleted';

/** One committed document change, as a Firestore trigger would see it. */
export interface DocumentChange {
  /** Unique per change; redelivery of the same change carries the same id. */
  readonly eventId: string;
  readonly kind: ChangeKind;
  readonly path: string;
  readonly before: DocumentData | null;
  readonly after: DocumentData | null;
  readonly time: Date;
}

export type ChangeListener = (change: DocumentChange) => void | Promise<void>;

/** Reads and writes as Firestore bills them. */
export interface MeterReading {
  readonly reads: number;
  readonly writes: number;
  readonly deletes: number;
  /** Index entries of the documents written, counted as Firestore counts them (not billed; where an adapter knows them). */
  readonly indexEntries?: number;
}

export interface DocumentStore extends ReadOps {
  aggregate(spec: QuerySpec, fields: AggregateSpec): Promise<AggregateResult>;
  create(path: string, data: WriteData): Promise<void>;
  set(path: string, data: WriteData, options?: { merge?: boolean }): Promise<void>;
  update(path: string, data: UpdateData): Promise<void>;
  delete(path: string): Promise<void>;
  /** Ids of the documents directly in a collection (Firestore's `listDocuments`). */
  listDocumentIds(collectionPath: string): Promise<string[]>;
  /** Serializable; `fn` may run more than once on contention. */
  runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  batch(): WriteBatch;
  /**
   * Subscribe to committed changes of documents in collections with this id
   * (any depth). Returns an unsubscribe function. A named `subscription` is
   * durable where the adapter can make it so (MemoryStore on a file): changes
   * its listener had not finished before a crash are delivered again on the
   * next start; adapters without that ability ignore the name.
   */
  onChange(collectionId: string, listener: ChangeListener, options?: { readonly subscription?: string }): () => void;
  /** A new document id, Firestore-style (20 chars, [A-Za-z0-9]). */
  newId(): string;
  readonly meter: StoreMeter;
}

export interface StoreMeter {
  read(): MeterReading;
  reset(): void;
}

export type StoreErrorCode =
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'invalid-argument'
  | 'aborted'
  | 'unavailable';

/** Raised by every adapter for the conditions Firestore reports with these codes. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
