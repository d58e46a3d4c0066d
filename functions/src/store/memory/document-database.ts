/**
 * MemoryStore's storage: SQLite through better-sqlite3, one row per document,
 * and real sorted indexes (one B-tree of entries per physical index, see
 * index-plan.ts). In a file it is the embedded runtime's durable database; with
 * no file it is an in-memory database for tests, the same code either way.
 *
 * Durability (file mode): WAL with `synchronous=NORMAL`. The commits made in
 * one turn of the event loop share one SQLite transaction (each commit a
 * savepoint inside it, so one failing commit rolls back alone): index pages
 * they all touch are written once. `whenDurable()` ends that transaction at
 * the next turn, then fsyncs the WAL off the event loop (libuv's pool); every
 * commit made before that fsync started is durable when it resolves, and
 * commits made while one fsync runs share the next one. MemoryStore
 * acknowledges a write only after its group's fsync. Checkpoints (WAL into the
 * database file, with their own fsyncs) run on a worker thread with its own
 * connection, so they never block the event loop either.
 *
 * Everything else is synchronous: a commit is applied and visible at once,
 * atomic on Node's single thread.
 */
import { closeSync, existsSync, fdatasync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { deserialize, serialize } from 'node:v8';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError, type DocumentData } from '../document-store.js';
import { indexEntries, lacksSortField, parsePhysicalIndexKey, physicalIndexKey, type IndexEntry, type KeyRange, type PhysicalIndexDef } from './index-plan.js';
import { collectionIdOf, parentOf } from './paths.js';

const SCHEMA_VERSION = 2;
/** Sort keys never start with 0xFF (type-rank bytes, or their inverse, come first). */
const KEY_MAX = Buffer.from([0xff]);
const KEY_MIN = Buffer.alloc(0);
const BACKFILL_BATCH = 500;
/** Interned prefix / scope ids kept in memory; past this the memo starts over (ids stay in the table). */
const MEMO_LIMIT = 200_000;

/** Runs in the checkpoint worker (plain CommonJS: it must load without the TypeScript loader). */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
parentPort.on('message', () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  parentPort.postMessage('done');
});
`;
/**
 * WAL size past which the writer itself truncates it after a commit: under a steady stream of writes
 * a passive checkpoint never gets to restart the WAL, which would only grow. The worker has copied
 * most frames by then, so the truncating checkpoint is short.
 */
const WAL_LIMIT_BYTES = 128 * 2 ** 20;

export interface DocumentRow {
  readonly rowid: number;
  readonly path: string;
  readonly data: DocumentData;
  readonly createTime: number;
  readonly updateTime: number;
  readonly version: number;
}

export interface RowChange {
  readonly path: string;
  readonly before: DocumentRow | null;
  readonly after: DocumentData | null;
}

export interface StoredEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly kind: 'created' | 'updated' | 'deleted';
  readonly path: string;
  readonly before: DocumentData | null;
  readonly after: DocumentData | null;
  readonly time: number;
}

export interface NewEvent extends Omit<StoredEvent, 'seq'> {
  readonly collectionId: string;
}

interface RawRow {
  rowid: number;
  path: string;
  data: Buffer;
  ctime: number;
  utime: number;
  version: number;
}

interface PhysicalIndex {
  readonly ix: number;
  readonly def: PhysicalIndexDef;
  /** Documents with the prefix fields but without a sort field (so not in this index). */
  partial: number;
}

function decode(data: Buffer): DocumentData {
  return deserialize(data) as DocumentData;
}

function toRow(raw: RawRow): DocumentRow {
  return { rowid: raw.rowid, path: raw.path, data: decode(raw.data), createTime: raw.ctime, updateTime: raw.utime, version: raw.version };
}

function loadDriver(): typeof BetterSqlite3 {
  // better-sqlite3 is a CommonJS native module; loaded on first use so the deployed functions never touch it.
  return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
}

function entryId(e: IndexEntry): string {
  return `${e.prefixKey.toString('latin1')}\u0000${e.sortKey.toString('latin1')}`;
}

export class DocumentDatabase {
  private readonly db: BetterSqlite3.Database;
  private readonly file: string | null;
  private readonly indexesByCollection = new Map<string, PhysicalIndex[]>();
  private readonly indexesByKey = new Map<string, PhysicalIndex>();
  private readonly prefixIds = new Map<string, number>();
  private readonly scopeIds = new Map<string, number>();
  private readonly knownCollections = new Set<string>();
  private walFd: number | null = null;
  private groupOpen = false;
  private durable: Promise<void> | null = null;
  private checkpointer: Worker | null = null;
  private checkpointing = false;
  private syncing: Promise<void> | null = null;
  private nextSync: Promise<void> | null = null;
  private readonly stmt;
  private lastVersion: number;
  /** The last version known to be on stable storage (file mode). */
  private durableVersion: number;

  constructor(file: string | null) {
    const Driver = loadDriver();
    this.file = file;
    if (file) mkdirSync(dirname(file), { recursive: true });
    this.db = new Driver(file ?? ':memory:');
    try {
      if (file) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
      }
      this.db.pragma('cache_size = -65536');
      this.db.pragma('temp_store = MEMORY');
      this.migrate();
    } catch (error) {
      this.db.close();
      if (error instanceof StoreError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreError('failed-precondition', `${file ?? 'The database'} is not a CRM store database (${reason}); move it away to start empty.`);
    }
    const db = this.db;
    this.stmt = {
      get: db.prepare<[string], RawRow>('SELECT rowid, path, data, ctime, utime, version FROM docs WHERE path = ?'),
      insert: db.prepare<[string, string, string, Buffer, number, number, number]>(
        'INSERT INTO docs (path, parent, cid, data, ctime, utime, version) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare<[Buffer, number, number, number]>('UPDATE docs SET data = ?, utime = ?, version = ? WHERE rowid = ?'),
      remove: db.prepare<[number]>('DELETE FROM docs WHERE rowid = ?'),
      addCollection: db.prepare<[string]>('INSERT OR IGNORE INTO collections (path) VALUES (?)'),
      childCollections: db.prepare<[string, string], { path: string }>('SELECT path FROM collections WHERE path > ? AND path < ?'),
      hasDocs: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM docs WHERE parent = ? LIMIT 1'),
      directIds: db.prepare<[string], { path: string }>('SELECT path FROM docs WHERE parent = ?'),
      addEntry: db.prepare<[number, number, number, Buffer, number]>('INSERT INTO entries (ix, scope, prefix, sort, doc) VALUES (?, ?, ?, ?, ?)'),
      removeEntry: db.prepare<[number, number, number, Buffer]>('DELETE FROM entries WHERE ix = ? AND scope = ? AND prefix = ? AND sort = ?'),
      scanAsc: db.prepare<[number, number, number, Buffer, Buffer, Buffer, number], RawRow & { sort: Buffer }>(
        `SELECT e.sort AS sort, d.rowid AS rowid, d.path AS path, d.data AS data, d.ctime AS ctime, d.utime AS utime, d.version AS version
         FROM entries e JOIN docs d ON d.rowid = e.doc
         WHERE e.ix = ? AND e.scope = ? AND e.prefix = ? AND e.sort >= ? AND e.sort > ? AND e.sort < ?
         ORDER BY e.sort ASC LIMIT ?`,
      ),
      scanDesc: db.prepare<[number, number, number, Buffer, Buffer, Buffer, number], RawRow & { sort: Buffer }>(
        `SELECT e.sort AS sort, d.rowid AS rowid, d.path AS path, d.data AS data, d.ctime AS ctime, d.utime AS utime, d.version AS version
         FROM entries e JOIN docs d ON d.rowid = e.doc
         WHERE e.ix = ? AND e.scope = ? AND e.prefix = ? AND e.sort >= ? AND e.sort < ? AND e.sort < ?
         ORDER BY e.sort DESC LIMIT ?`,
      ),
      countRange: db.prepare<[number, number, number, Buffer, Buffer], { n: number }>(
        'SELECT count(*) AS n FROM entries WHERE ix = ? AND scope = ? AND prefix = ? AND sort >= ? AND sort < ?',
      ),
      docsOfRange: db.prepare<[number, number, number, Buffer, Buffer], { doc: number }>(
        'SELECT doc FROM entries WHERE ix = ? AND scope = ? AND prefix = ? AND sort >= ? AND sort < ?',
      ),
      findPrefix: db.prepare<[Buffer], { id: number }>('SELECT id FROM prefixes WHERE key = ?'),
      addPrefix: db.prepare<[Buffer]>('INSERT INTO prefixes (key) VALUES (?)'),
      findScope: db.prepare<[string], { id: number }>('SELECT id FROM scopes WHERE path = ?'),
      addScope: db.prepare<[string]>('INSERT INTO scopes (path) VALUES (?)'),
      addIndex: db.prepare<[string]>('INSERT INTO indexes (def) VALUES (?)'),
      setPartial: db.prepare<[number, number]>('UPDATE indexes SET partial = ? WHERE ix = ?'),
      backfillBatch: db.prepare<[string, number, number], { rowid: number; path: string; data: Buffer }>(
        'SELECT rowid, path, data FROM docs WHERE cid = ? AND rowid > ? ORDER BY rowid LIMIT ?',
      ),
      addEvent: db.prepare<[string, string, string, string, Buffer | null, Buffer | null, number]>(
        'INSERT INTO events (cid, event_id, kind, path, before, after, time) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      eventsAfter: db.prepare<[string, number, number], { seq: number; event_id: string; kind: string; path: string; before: Buffer | null; after: Buffer | null; time: number }>(
        'SELECT seq, event_id, kind, path, before, after, time FROM events WHERE cid = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      subscription: db.prepare<[string], { cid: string; cursor: number }>('SELECT cid, cursor FROM subscriptions WHERE name = ?'),
      addSubscription: db.prepare<[string, string, number]>('INSERT INTO subscriptions (name, cid, cursor) VALUES (?, ?, ?)'),
      setCursor: db.prepare<[number, string]>('UPDATE subscriptions SET cursor = max(cursor, ?) WHERE name = ?'),
      minCursor: db.prepare<[string], { m: number | null }>('SELECT min(cursor) AS m FROM subscriptions WHERE cid = ?'),
      pruneEvents: db.prepare<[string, number]>('DELETE FROM events WHERE cid = ? AND seq <= ?'),
      lastEvent: db.prepare<[], { m: number | null }>("SELECT seq AS m FROM sqlite_sequence WHERE name = 'events'"),
      subscribedCollections: db.prepare<[], { cid: string }>('SELECT DISTINCT cid FROM subscriptions'),
      docCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM docs'),
      setVersion: db.prepare<[number]>("UPDATE meta SET value = ? WHERE key = 'version'"),
    };
    // Start-up reads one row, not every document: commits keep the last version in `meta`.
    this.lastVersion = (db.prepare("SELECT value FROM meta WHERE key = 'version'").get() as { value: number }).value;
    this.durableVersion = this.lastVersion;
    for (const row of db.prepare('SELECT ix, def, partial FROM indexes').all() as Array<{ ix: number; def: string; partial: number }>) {
      this.register(row.ix, row.def).partial = row.partial;
    }
    for (const row of this.stmt.subscribedCollections.all()) this.durableCollections.add(row.cid);
    if (file) this.startCheckpointer(file);
  }

  /** A worker thread with its own connection checkpoints the WAL; SQLite's automatic checkpoints would block the event loop. */
  private startCheckpointer(file: string): void {
    try {
      const worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
      worker.unref();
      worker.on('message', () => {
        this.checkpointing = false;
      });
      worker.on('error', () => this.stopCheckpointer());
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = worker;
    } catch {
      this.checkpointer = null; // SQLite's automatic checkpoints stay on
    }
  }

  private stopCheckpointer(): void {
    if (!this.checkpointer) return;
    void this.checkpointer.terminate();
    this.checkpointer = null;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }

  private requestCheckpoint(): void {
    if (!this.checkpointer || this.checkpointing) return;
    this.checkpointing = true;
    this.checkpointer.postMessage('checkpoint');
  }

  /** Opens the transaction that the commits of this turn of the event loop share (file mode). */
  private beginGroup(): void {
    if (!this.file || this.groupOpen) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.groupOpen = true;
    setImmediate(() => this.endGroup());
  }

  private endGroup(): void {
    if (!this.groupOpen || !this.db.open) return;
    this.groupOpen = false;
    this.db.exec('COMMIT');
  }

  /** Collection ids with at least one durable subscription: their changes are journaled. */
  readonly durableCollections = new Set<string>();

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === SCHEMA_VERSION) return;
    if (version === 1) {
      // Version 1 found the last commit version by scanning every document at start-up (O(N)); 2 keeps it in a row.
      this.db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO meta (key, value) SELECT 'version', coalesce(max(version), 0) FROM docs;
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
      return;
    }
    if (version !== 0) {
      throw new StoreError('failed-precondition', `The data file has schema version ${version}; this CRM understands ${SCHEMA_VERSION}.`);
    }
    this.db.exec(`
      CREATE TABLE docs (
        rowid INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        parent TEXT NOT NULL,
        cid TEXT NOT NULL,
        data BLOB NOT NULL,
        ctime REAL NOT NULL,
        utime REAL NOT NULL,
        version INTEGER NOT NULL
      );
      CREATE INDEX docs_by_parent ON docs (parent);
      CREATE INDEX docs_by_collection_id ON docs (cid);
      CREATE TABLE collections (path TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE indexes (ix INTEGER PRIMARY KEY, def TEXT NOT NULL UNIQUE, partial INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE scopes (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
      CREATE TABLE prefixes (id INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE);
      CREATE TABLE entries (
        ix INTEGER NOT NULL,
        scope INTEGER NOT NULL,
        prefix INTEGER NOT NULL,
        sort BLOB NOT NULL,
        doc INTEGER NOT NULL,
        PRIMARY KEY (ix, scope, prefix, sort)
      ) WITHOUT ROWID;
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        cid TEXT NOT NULL,
        event_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        before BLOB,
        after BLOB,
        time REAL NOT NULL
      );
      CREATE INDEX events_by_collection_id ON events (cid, seq);
      CREATE TABLE subscriptions (name TEXT PRIMARY KEY, cid TEXT NOT NULL, cursor INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO meta (key, value) VALUES ('version', 0);
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  get isPersistent(): boolean {
    return this.file !== null;
  }

  documentCount(): number {
    return this.stmt.docCount.get()?.n ?? 0;
  }

  get(path: string): DocumentRow | null {
    const raw = this.stmt.get.get(path);
    return raw ? toRow(raw) : null;
  }

  version(path: string): number {
    return this.stmt.get.get(path)?.version ?? 0;
  }

  // ------------------------------------------------------------ indexes

  private register(ix: number, defKey: string): PhysicalIndex {
    const physical = { ix, def: parsePhysicalIndexKey(defKey), partial: 0 };
    this.indexesByKey.set(defKey, physical);
    const list = this.indexesByCollection.get(physical.def.collectionId) ?? [];
    list.push(physical);
    this.indexesByCollection.set(physical.def.collectionId, list);
    return physical;
  }

  /** The id of an existing physical index, or null. */
  indexId(defKey: string): number | null {
    return this.indexesByKey.get(defKey)?.ix ?? null;
  }

  /** An existing physical index with the same collection, scope and prefix fields as `def` (any sort), or null. */
  findIndexWithPrefix(def: PhysicalIndexDef): number | null {
    const exact = this.indexesByKey.get(physicalIndexKey(def));
    if (exact) return exact.ix;
    const same = (a: PhysicalIndexDef): boolean =>
      a.group === def.group &&
      a.prefix.length === def.prefix.length &&
      a.prefix.every((p, i) => p.field === def.prefix[i]?.field && p.kind === def.prefix[i]?.kind);
    // Only an index that holds every document with the prefix can stand in.
    return (this.indexesByCollection.get(def.collectionId) ?? []).find((p) => p.partial === 0 && same(p.def))?.ix ?? null;
  }

  /** The physical index for a plan, built from the documents already stored the first time it is needed. */
  ensureIndex(defKey: string): number {
    const existing = this.indexesByKey.get(defKey);
    if (existing) return existing.ix;
    return this.db.transaction(() => {
      const ix = Number(this.stmt.addIndex.run(defKey).lastInsertRowid);
      const physical = this.register(ix, defKey);
      let after = 0;
      for (;;) {
        const batch = this.stmt.backfillBatch.all(physical.def.collectionId, after, BACKFILL_BATCH);
        if (batch.length === 0) break;
        for (const raw of batch) {
          this.writeEntries(physical, raw.path, raw.rowid, null, decode(raw.data));
          after = raw.rowid;
        }
      }
      return ix;
    })();
  }

  private intern(memo: Map<string, number>, memoKey: string, find: () => { id: number } | undefined, add: () => BetterSqlite3.RunResult, create: boolean): number | null {
    const known = memo.get(memoKey);
    if (known !== undefined) return known;
    let id = find()?.id;
    if (id === undefined) {
      if (!create) return null;
      id = Number(add().lastInsertRowid);
    }
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(memoKey, id);
    return id;
  }

  prefixId(key: Buffer, create = false): number | null {
    return this.intern(this.prefixIds, key.toString('latin1'), () => this.stmt.findPrefix.get(key), () => this.stmt.addPrefix.run(key), create);
  }

  /** Entries of a collection-scoped index are grouped by parent collection; group indexes use scope 0. */
  scopeId(def: PhysicalIndexDef, collectionPath: string, create = false): number | null {
    if (def.group) return 0;
    return this.intern(this.scopeIds, collectionPath, () => this.stmt.findScope.get(collectionPath), () => this.stmt.addScope.run(collectionPath), create);
  }

  private writeEntries(physical: PhysicalIndex, path: string, rowid: number, before: DocumentData | null, after: DocumentData | null): void {
    const partialChange = Number(after !== null && lacksSortField(physical.def, after)) - Number(before !== null && lacksSortField(physical.def, before));
    if (partialChange !== 0) {
      physical.partial += partialChange;
      this.stmt.setPartial.run(physical.partial, physical.ix);
    }
    const oldEntries = before ? indexEntries(physical.def, path, before) : [];
    const newEntries = after ? indexEntries(physical.def, path, after) : [];
    if (oldEntries.length === 0 && newEntries.length === 0) return;
    const scope = this.scopeId(physical.def, parentOf(path), true) as number;
    const keep = new Set(newEntries.map(entryId));
    const had = new Set<string>();
    for (const e of oldEntries) {
      const id = entryId(e);
      had.add(id);
      if (keep.has(id)) continue;
      const prefix = this.prefixId(e.prefixKey);
      if (prefix !== null) this.stmt.removeEntry.run(physical.ix, scope, prefix, e.sortKey);
    }
    for (const e of newEntries) {
      if (had.has(entryId(e))) continue;
      this.stmt.addEntry.run(physical.ix, scope, this.prefixId(e.prefixKey, true) as number, e.sortKey, rowid);
    }
  }

  /**
   * Up to `limit` documents of one range, in index order, strictly after `resumeAfter`
   * (the last sort key returned by the previous call) when given.
   */
  scan(ix: number, scope: number, prefix: number, range: KeyRange, reverse: boolean, limit: number, resumeAfter: Buffer | null): Array<{ sort: Buffer; row: DocumentRow }> {
    const high = range.high ?? KEY_MAX;
    const raws = reverse
      ? this.stmt.scanDesc.all(ix, scope, prefix, range.low, high, resumeAfter ?? KEY_MAX, limit)
      : this.stmt.scanAsc.all(ix, scope, prefix, range.low, resumeAfter ?? KEY_MIN, high, limit);
    return raws.map((raw) => ({ sort: raw.sort, row: toRow(raw) }));
  }

  countRange(ix: number, scope: number, prefix: number, range: KeyRange): number {
    return this.stmt.countRange.get(ix, scope, prefix, range.low, range.high ?? KEY_MAX)?.n ?? 0;
  }

  docsOfRange(ix: number, scope: number, prefix: number, range: KeyRange): number[] {
    return this.stmt.docsOfRange.all(ix, scope, prefix, range.low, range.high ?? KEY_MAX).map((r) => r.doc);
  }

  // ------------------------------------------------------------ collections

  /** Ids of the documents directly in a collection, and of missing documents that only hold subcollections. */
  listDocumentIds(collectionPath: string): string[] {
    const prefix = `${collectionPath}/`;
    const ids = new Set<string>();
    for (const row of this.stmt.directIds.all(collectionPath)) ids.add(row.path.slice(prefix.length));
    // '0' is the character after '/': every collection path under this one sorts between the two.
    for (const row of this.stmt.childCollections.all(prefix, `${collectionPath}0`)) {
      const rest = row.path.slice(prefix.length);
      const id = rest.slice(0, rest.indexOf('/'));
      if (!ids.has(id) && this.stmt.hasDocs.get(row.path)) ids.add(id);
    }
    return [...ids];
  }

  // ------------------------------------------------------------ commits

  /** Applies one commit atomically; returns the version it gave the documents it changed. */
  commit(changes: readonly RowChange[], time: number, events: readonly NewEvent[]): { version: number; eventSeqs: number[] } {
    this.beginGroup();
    return this.db.transaction(() => {
      const version = ++this.lastVersion;
      for (const change of changes) this.applyChange(change, time, version);
      this.stmt.setVersion.run(version);
      const eventSeqs = events.map((e) =>
        Number(
          this.stmt.addEvent.run(e.collectionId, e.eventId, e.kind, e.path, e.before ? serialize(e.before) : null, e.after ? serialize(e.after) : null, e.time)
            .lastInsertRowid,
        ),
      );
      return { version, eventSeqs };
    })();
  }

  private applyChange(change: RowChange, time: number, version: number, createTime = time): void {
    const { path, before, after } = change;
    let rowid: number;
    if (after && before) {
      rowid = before.rowid;
      this.stmt.update.run(serialize(after), time, version, rowid);
    } else if (after) {
      const parent = parentOf(path);
      rowid = Number(this.stmt.insert.run(path, parent, collectionIdOf(path), serialize(after), createTime, time, version).lastInsertRowid);
      if (!this.knownCollections.has(parent)) {
        this.stmt.addCollection.run(parent);
        if (this.knownCollections.size >= MEMO_LIMIT) this.knownCollections.clear();
        this.knownCollections.add(parent);
      }
    } else if (before) {
      rowid = before.rowid;
      this.stmt.remove.run(rowid);
    } else {
      return;
    }
    for (const physical of this.indexesByCollection.get(collectionIdOf(path)) ?? []) {
      this.writeEntries(physical, path, rowid, before?.data ?? null, after);
    }
  }

  /** Bulk load for migrations: documents written as they are, no events. */
  importDocuments(docs: Iterable<{ path: string; data: DocumentData; createTime: number; updateTime: number }>): number {
    let n = 0;
    this.db.transaction(() => {
      for (const d of docs) {
        const existing = this.get(d.path);
        this.applyChange({ path: d.path, before: existing, after: d.data }, d.updateTime, ++this.lastVersion, d.createTime);
        n++;
      }
      this.stmt.setVersion.run(this.lastVersion);
    })();
    return n;
  }

  // ------------------------------------------------------------ durable change feed

  /** The subscription's cursor, creating it at the end of the journal the first time. */
  subscribe(name: string, collectionId: string): number {
    const existing = this.stmt.subscription.get(name);
    if (existing) {
      if (existing.cid !== collectionId) {
        throw new StoreError('invalid-argument', `Subscription "${name}" already follows "${existing.cid}", not "${collectionId}".`);
      }
      return existing.cursor;
    }
    const cursor = this.stmt.lastEvent.get()?.m ?? 0;
    this.stmt.addSubscription.run(name, collectionId, cursor);
    this.durableCollections.add(collectionId);
    return cursor;
  }

  pendingEvents(collectionId: string, afterSeq: number, limit: number): StoredEvent[] {
    return this.stmt.eventsAfter.all(collectionId, afterSeq, limit).map((r) => ({
      seq: r.seq,
      eventId: r.event_id,
      kind: r.kind as StoredEvent['kind'],
      path: r.path,
      before: r.before ? decode(r.before) : null,
      after: r.after ? decode(r.after) : null,
      time: r.time,
    }));
  }

  /** A listener finished `seq`: advance its cursor and drop journal entries every subscriber has seen. */
  acknowledge(name: string, collectionId: string, seq: number): void {
    this.db.transaction(() => {
      this.stmt.setCursor.run(seq, name);
      const min = this.stmt.minCursor.get(collectionId)?.m;
      if (min !== null && min !== undefined) this.stmt.pruneEvents.run(collectionId, min);
    })();
  }

  // ------------------------------------------------------------ durability

  /** Resolves when every commit made so far is on stable storage (null without a file: nothing to wait for). */
  whenDurable(): Promise<void> | null {
    if (!this.file) return null;
    // Let the rest of this turn's commits join the group, then commit it and fsync.
    this.durable ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.durable = null;
      const covered = this.lastVersion;
      this.endGroup();
      this.boundWal();
      this.requestCheckpoint();
      return this.sync().then(() => {
        this.durableVersion = Math.max(this.durableVersion, covered);
      });
    });
    return this.durable;
  }

  /**
   * Resolves when everything visible now is durable; null when it already
   * is (or there is no file). A read returns only after this, so nobody is
   * ever shown a write that a crash could still take back: Firestore never
   * serves a write before it is durable either.
   */
  whenVisibleDurable(): Promise<void> | null {
    return this.file && this.durableVersion < this.lastVersion ? this.whenDurable() : null;
  }

  private boundWal(): void {
    if (this.walFd === null || !this.db.open || fstatSync(this.walFd).size <= WAL_LIMIT_BYTES) return;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Busy (the worker is mid-checkpoint): try again after a later commit.
    }
  }

  private sync(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.syncOnce();
      return this.syncing;
    }
    // A commit made during an fsync is not covered by it: wait for the next one.
    this.nextSync ??= this.syncing.then(
      () => {
        this.nextSync = null;
        return this.sync();
      },
      () => {
        this.nextSync = null;
        return this.sync();
      },
    );
    return this.nextSync;
  }

  private async syncOnce(): Promise<void> {
    try {
      const wal = `${this.file as string}-wal`;
      if (this.walFd === null && existsSync(wal)) this.walFd = openSync(wal, 'r+');
      const fd = this.walFd;
      if (fd !== null) await new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
    } catch (error) {
      throw new StoreError('unavailable', `Could not make the write durable: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.syncing = null;
    }
  }

  close(): void {
    this.endGroup();
    this.stopCheckpointer();
    if (this.walFd !== null) {
      closeSync(this.walFd);
      this.walFd = null;
    }
    if (this.db.open) this.db.close();
  }
}
