/**
 * Firestore billing of rendering each template's default dashboard at 1,000,
 * 10,000 and 100,000 records in the tenant. Run alone with
 * `npx tsx scripts/bench-dashboards.ts`, or through `npm run bench`.
 *
 * Records are written straight into the store in the shape RecordsService
 * writes (the record model, recordIndexFields), because creating 100,000
 * through the service would take minutes; the dashboard is rendered by the
 * real DashboardsService and billed by the Firestore rules of BillingMeter.
 *
 * MemoryStore answers a query by scanning its collection, which at 100,000
 * token-rich records takes seconds per query. So the records live in
 * `IndexedRecordsStore`, a bench-only store that answers the dashboard's
 * query shapes (one `tokens`/`buckets` array-contains(-any), a
 * createdAt/updatedAt range, an index slot bound, one order, a limit) from an
 * inverted index and bills them with the
 * same meter rules; everything else goes to a MemoryStore. At 1,000 records
 * every figure and every billed read is cross-checked against a plain
 * MemoryStore that enforces firestore.indexes.json (so the query shapes are
 * ones the repository's indexes serve). One tenant per template grows from
 * 1,000 to 10,000 to 100,000 records between measurements.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { BillingMeter } from '../src/store/billing-meter.js';
import type {
  AggregateResult,
  AggregateSpec,
  ChangeListener,
  DocumentStore,
  MeterReading,
  QueryFilter,
  QuerySpec,
  StoredDocument,
  StoreMeter,
  Transaction,
  UpdateData,
  WriteBatch,
  WriteData,
} from '../src/store/document-store.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { loadIndexConfig } from '../src/store/memory/load-index-config.js';
import { createServices } from '../src/services/create-services.js';
import { loadTemplateFiles } from '../src/services/templates/load-template-files.js';
import { seedTemplates } from '../src/services/templates/seed-templates.js';
import { addTenant, buildUser, TEMPLATES_DIR } from '../src/test-support/build-test-env.js';
import type { Caller } from '../src/services/caller.js';
import { resolveModule, type ResolvedModule } from '../src/services/config/tenant-config.js';
import { recordIndexFields, withRecordIndex, type RecordIndexFields } from '../src/services/records/record-index.js';
import { SLOT_FIELDS, type SlotField } from '../src/engine/template/index-slots.js';
import { formatRecordNumber } from '../src/services/records/number-allocator.js';
import { displayValueOf, recordToWriteData, type StoredRecord } from '../src/services/records/record-model.js';
import { selectOptionValues } from '../src/engine/fields/field-definition.js';
import { crmPaths } from '../src/services/paths.js';

/** `BENCH_DASHBOARD_SIZES=1000,10000` to run fewer sizes. */
const SIZES = (process.env.BENCH_DASHBOARD_SIZES ?? '1000,10000,100000').split(',').map(Number);
const CROSS_CHECK_UP_TO = 1_000;
const NOW = new Date('2026-11-24T15:00:00Z');
const DAY_MS = 86_400_000;
const TENANT = 'acme';

// ---- an indexed store for the records collection ----------------------------------

type BenchRecord = StoredRecord & RecordIndexFields;

interface IndexedRecord {
  readonly id: string;
  readonly path: string;
  readonly data: BenchRecord;
}

/** The arrays dashboards query (search prefixes and links never are: they stay out of the bench index). */
type IndexedArray = 'tokens' | 'buckets';
const isSlot = (field: string): field is SlotField => (SLOT_FIELDS as readonly string[]).includes(field);

class IndexedRecordsStore implements DocumentStore {
  private readonly byToken = new Map<string, IndexedRecord[]>();
  private readonly own = new BillingMeter();
  /** Store operations on records and the reads aggregations billed beyond their minimum of 1. */
  operations = 0;
  entrySurplusReads = 0;
  readonly meter: StoreMeter;

  constructor(
    private readonly inner: MemoryStore,
    private readonly collection: string,
  ) {
    const { own } = this;
    this.meter = {
      read: (): MeterReading => {
        const a = inner.meter.read();
        const b = own.read();
        return { reads: a.reads + b.reads, writes: a.writes + b.writes, deletes: a.deletes + b.deletes };
      },
      reset: () => {
        inner.meter.reset();
        own.reset();
        this.operations = 0;
        this.entrySurplusReads = 0;
      },
    };
  }

  addRecord(id: string, record: BenchRecord): void {
    const entry = { id, path: `${this.collection}/${id}`, data: record };
    for (const array of ['tokens', 'buckets'] as const) {
      for (const token of record[array] ?? []) {
        const key = `${array}\u0000${token}`;
        let list = this.byToken.get(key);
        if (!list) {
          list = [];
          this.byToken.set(key, list);
        }
        list.push(entry);
      }
    }
  }

  private match(spec: QuerySpec): IndexedRecord[] {
    let tokens: string[] | null = null;
    let array: IndexedArray = 'tokens';
    let range: { field: 'createdAt' | 'updatedAt'; min: number; max: number } | null = null;
    let slotBound: { field: SlotField; min: number } | null = null;
    for (const filter of spec.where ?? []) {
      if (!('field' in filter)) throw new Error('bench store: no and/or filters');
      if ((filter.field === 'tokens' || filter.field === 'buckets') && filter.op === 'array-contains') {
        array = filter.field;
        tokens = [filter.value as string];
      } else if ((filter.field === 'tokens' || filter.field === 'buckets') && filter.op === 'array-contains-any') {
        array = filter.field;
        tokens = filter.value as string[];
      } else if (isSlot(filter.field) && filter.op === '>=' && typeof filter.value === 'number') {
        slotBound = { field: filter.field, min: filter.value };
      } else if ((filter.field === 'createdAt' || filter.field === 'updatedAt') && (filter.op === '>=' || filter.op === '<')) {
        range ??= { field: filter.field, min: -Infinity, max: Infinity };
        if (range.field !== filter.field) throw new Error('bench store: one range field');
        const at = (filter.value as Date).getTime();
        if (filter.op === '>=') range.min = at;
        else range.max = at;
      } else throw new Error(`bench store: unsupported filter ${JSON.stringify(filter as QueryFilter)}`);
    }
    if (!tokens) throw new Error('bench store: a records query needs a tokens or buckets filter');
    this.operations += 1;
    const seen = new Set<IndexedRecord>();
    for (const token of tokens) for (const entry of this.byToken.get(`${array}\u0000${token}`) ?? []) seen.add(entry);
    let matched = [...seen];
    if (slotBound) {
      const { field, min } = slotBound;
      // Firestore's inequality keeps values of the bound's type only: numbers, not the null of an empty slot.
      matched = matched.filter((entry) => typeof entry.data[field] === 'number' && (entry.data[field] as number) >= min);
    }
    if (range) {
      const { field, min, max } = range;
      matched = matched.filter((entry) => {
        const at = entry.data[field].getTime();
        return at >= min && at < max;
      });
    }
    // Firestore's order: the explicit order (or the range field), then the document name in the same direction.
    const order = spec.orderBy?.[0] ?? (range ? { field: range.field, direction: 'asc' as const } : { field: '__name__', direction: 'asc' as const });
    if (range && order.field !== range.field) throw new Error('bench store: order must start with the range field');
    const sign = order.direction === 'desc' ? -1 : 1;
    const key = (entry: IndexedRecord): number | string => {
      if (order.field === '__name__') return entry.id;
      if (order.field === 'seq') return entry.data.seq;
      if (isSlot(order.field)) return entry.data[order.field] as number;
      return entry.data[order.field as 'createdAt' | 'updatedAt'].getTime();
    };
    matched.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * sign;
    });
    return spec.limit === undefined ? matched : matched.slice(0, spec.limit);
  }

  async query(spec: QuerySpec): Promise<StoredDocument[]> {
    if (spec.collection !== this.collection) return this.inner.query(spec);
    const matched = this.match(spec);
    this.own.queryReturned(matched.length);
    return matched.map((entry) => ({
      id: entry.id,
      path: entry.path,
      data: recordToWriteData(entry.data),
      createTime: entry.data.createdAt,
      updateTime: entry.data.updatedAt,
    }));
  }

  async aggregate(spec: QuerySpec, fields: AggregateSpec): Promise<AggregateResult> {
    if (spec.collection !== this.collection) return this.inner.aggregate(spec, fields);
    const matched = this.match(spec);
    this.own.aggregationMatched(matched.length);
    this.entrySurplusReads += Math.max(1, Math.ceil(matched.length / 1000)) - 1;
    const out: AggregateResult = {};
    for (const [alias, field] of Object.entries(fields)) {
      if (field.op === 'count') {
        out[alias] = matched.length;
        continue;
      }
      if (!isSlot(field.field)) throw new Error(`bench store: ${field.op} of ${field.field}, which no index holds`);
      const slot = field.field;
      const values = matched.map((entry) => entry.data[slot]).filter((value): value is number => typeof value === 'number');
      const sum = values.reduce((total, value) => total + value, 0);
      out[alias] = field.op === 'sum' ? sum : values.length === 0 ? null : sum / values.length;
    }
    return out;
  }

  get(path: string): Promise<StoredDocument | null> {
    return this.inner.get(path);
  }
  getAll(paths: readonly string[]): Promise<Array<StoredDocument | null>> {
    return this.inner.getAll(paths);
  }
  create(path: string, data: WriteData): Promise<void> {
    return this.inner.create(path, data);
  }
  set(path: string, data: WriteData, options?: { merge?: boolean }): Promise<void> {
    return this.inner.set(path, data, options);
  }
  update(path: string, data: UpdateData): Promise<void> {
    return this.inner.update(path, data);
  }
  delete(path: string): Promise<void> {
    return this.inner.delete(path);
  }
  listDocumentIds(collectionPath: string): Promise<string[]> {
    return this.inner.listDocumentIds(collectionPath);
  }
  runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.inner.runTransaction(fn);
  }
  batch(): WriteBatch {
    return this.inner.batch();
  }
  onChange(collectionId: string, listener: ChangeListener): () => void {
    return this.inner.onChange(collectionId, listener);
  }
  newId(): string {
    return this.inner.newId();
  }
}

// ---- records in the shape RecordsService writes -----------------------------------

function buildRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function buildData(module: ResolvedModule, random: () => number, index: number): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of module.activeFields) {
    const options = selectOptionValues(field);
    switch (field.type) {
      case 'text':
      case 'email':
      case 'phone':
      case 'url':
        data[field.key] = `v${index % 50}`;
        break;
      case 'number':
      case 'currency':
        data[field.key] = Math.round(random() * 10_000);
        break;
      case 'date':
        data[field.key] = new Date(NOW.getTime() + Math.floor((random() - 0.7) * 400) * DAY_MS).toISOString().slice(0, 10);
        break;
      case 'datetime':
        data[field.key] = new Date(NOW.getTime() + Math.floor((random() - 0.7) * 400 * 96) * 900_000).toISOString();
        break;
      case 'select':
        data[field.key] = options[Math.floor(random() * options.length)];
        break;
      case 'multi_select':
        data[field.key] = [options[Math.floor(random() * options.length)]];
        break;
      case 'checkbox':
        data[field.key] = random() < 0.5;
        break;
      case 'relationship':
        data[field.key] = `rel${Math.floor(random() * 20)}`;
        break;
      default:
        break;
    }
  }
  return data;
}

/** Distinct data per module; records cycle through them (figures vary, token building stays fast). */
const VARIANTS = 997;

interface Variant {
  readonly data: Record<string, unknown>;
  /** Index fields of the data with no record number, per owner (only the number's search prefixes differ). */
  readonly index: Map<string, RecordIndexFields>;
}

function buildRecordFactory(random: () => number, exactIndex: boolean) {
  const variants = new Map<string, Variant[]>();
  return (module: ResolvedModule, seq: number, ownerId: string): BenchRecord => {
    let pool = variants.get(module.slug);
    if (!pool) {
      pool = Array.from({ length: VARIANTS }, (_, index) => ({ data: buildData(module, random, index), index: new Map<string, RecordIndexFields>() }));
      variants.set(module.slug, pool);
    }
    const variant = pool[seq % VARIANTS] as Variant;
    const { data } = variant;
    const number = formatRecordNumber(module.prefix, seq);
    let index: RecordIndexFields;
    if (exactIndex) {
      index = recordIndexFields({ module, data, number, ownerId, deleted: false });
    } else {
      // Dashboards never query search prefixes, the only part that depends on the number: cache per variant and owner.
      index = variant.index.get(ownerId) ?? recordIndexFields({ module, data, number: '', ownerId, deleted: false });
      variant.index.set(ownerId, index);
    }
    const createdAt = new Date(NOW.getTime() - Math.floor(random() * 400 * DAY_MS));
    return withRecordIndex(
      {
        module: module.slug,
        seq,
        number,
        data,
        refs: {},
        display: module.displayField ? displayValueOf(data[module.displayField]) : null,
        tokens: [],
        ownerId,
        createdBy: ownerId,
        updatedBy: ownerId,
        createdAt,
        updatedAt: createdAt,
        deleted: false,
        deletedAt: null,
        deletedBy: null,
        version: 1,
      },
      index,
    );
  };
}

// ---- one measured tenant ------------------------------------------------------------

const owner = buildUser('acme-owner');
const member = buildUser('acme-member');

async function buildTenant(templateSlug: string, kind: 'indexed' | 'memory') {
  const inner = new MemoryStore({ indexes: await loadIndexConfig(), now: () => NOW });
  const store = kind === 'indexed' ? new IndexedRecordsStore(inner, crmPaths.records(TENANT)) : inner;
  const services = createServices({ store, now: () => NOW });
  await seedTemplates(inner, await loadTemplateFiles(TEMPLATES_DIR));
  await addTenant(inner, TENANT, 'Acme', [
    [owner, 'owner'],
    [member, 'member'],
  ]);
  const caller: Caller = { uid: owner.uid, tenantId: TENANT, tenantName: 'Acme', role: 'owner', platformRole: null };
  const config = await services.config.selectTemplate(caller, templateSlug);
  return { inner, store, services, caller, config };
}

interface Filler {
  fill(until: number): Promise<void>;
}

function buildFiller(tenant: Awaited<ReturnType<typeof buildTenant>>): Filler {
  const modules = tenant.config.modules.map((module) => resolveModule(tenant.config, module.slug) as ResolvedModule);
  const buildRecord = buildRecordFactory(buildRandom(12_345), !(tenant.store instanceof IndexedRecordsStore));
  const seqs = new Map<string, number>();
  let index = 0;
  return {
    async fill(until) {
      let batch = tenant.inner.batch();
      let pending = 0;
      for (; index < until; index += 1) {
        const module = modules[index % modules.length] as ResolvedModule;
        const seq = (seqs.get(module.slug) ?? 0) + 1;
        seqs.set(module.slug, seq);
        const record = buildRecord(module, seq, index % 4 === 0 ? member.uid : owner.uid);
        const id = `r${String(index).padStart(7, '0')}`;
        if (tenant.store instanceof IndexedRecordsStore) {
          tenant.store.addRecord(id, record);
          continue;
        }
        batch.set(crmPaths.record(TENANT, id), recordToWriteData(record));
        pending += 1;
        if (pending === 500) {
          await batch.commit();
          batch = tenant.inner.batch();
          pending = 0;
        }
      }
      if (pending > 0) await batch.commit();
    },
  };
}

/** Reads billed to render the caller's default dashboard, config cache warm (as on a warm instance). */
async function measure(tenant: Awaited<ReturnType<typeof buildTenant>>, asUser: 'owner' | 'member') {
  const caller: Caller = asUser === 'owner' ? tenant.caller : { ...tenant.caller, uid: member.uid, role: 'member' };
  const { defaultDashboardId } = await tenant.services.dashboards.list(caller);
  if (!defaultDashboardId) throw new Error('no default dashboard');
  await tenant.services.dashboards.render(caller, defaultDashboardId);
  tenant.store.meter.reset();
  const started = performance.now();
  const data = await tenant.services.dashboards.render(caller, defaultDashboardId);
  const ms = performance.now() - started;
  const indexed = tenant.store instanceof IndexedRecordsStore ? tenant.store : null;
  return {
    reads: tenant.store.meter.read().reads,
    operations: indexed?.operations ?? null,
    entrySurplusReads: indexed?.entrySurplusReads ?? null,
    ms,
    widgets: data.widgets,
  };
}

function progress(message: string): void {
  if (process.env.BENCH_VERBOSE) console.error(message);
}

export async function benchDashboards(): Promise<Record<string, unknown>> {
  const templates = (await loadTemplateFiles(TEMPLATES_DIR)).filter((template) => template.dashboard_layout?.default);
  const readsByTemplate: Record<string, Record<string, unknown>> = {};
  const crossChecks: string[] = [];
  for (const template of templates) {
    const row: Record<string, unknown> = {};
    const tenant = await buildTenant(template.slug, 'indexed');
    const filler = buildFiller(tenant);
    for (const size of SIZES) {
      let at = performance.now();
      await filler.fill(size);
      progress(`${template.slug} ${size}: filled in ${Math.round(performance.now() - at)} ms`);
      at = performance.now();
      const asOwner = await measure(tenant, 'owner');
      const asMember = await measure(tenant, 'member');
      row[String(size)] = {
        reads: asOwner.reads,
        queriesAndAggregations: asOwner.operations,
        readsFromEntryRule: asOwner.entrySurplusReads,
        readsAsMember: asMember.reads,
        renderMs: Math.round(asOwner.ms),
      };
      progress(`${template.slug} ${size}: rendered in ${Math.round(performance.now() - at)} ms`);
      if (size <= CROSS_CHECK_UP_TO) {
        const reference = await buildTenant(template.slug, 'memory');
        await buildFiller(reference).fill(size);
        const expected = await measure(reference, 'owner');
        const same = JSON.stringify(expected.widgets) === JSON.stringify(asOwner.widgets) && expected.reads === asOwner.reads;
        if (!same) throw new Error(`${template.slug} at ${size}: the indexed bench store disagrees with MemoryStore`);
        crossChecks.push(`${template.slug}@${size}`);
      }
    }
    readsByTemplate[template.slug] = row;
  }
  return {
    what: "Firestore reads billed to render each template's default dashboard (owner; member = read_own where the matrix says so), config cache warm",
    rule: 'aggregation: 1 read per 1,000 index entries matched (min 1); query: 1 read per document returned (min 1); dashboard document: 1',
    reading:
      'queriesAndAggregations is the same at every size; reads - readsFromEntryRule (the reads beyond 1 that aggregations over more than 1,000 entries bill) is the same at every size',
    readsByTemplate,
    crossCheckedAgainstMemoryStore: crossChecks,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  console.log(JSON.stringify(await benchDashboards(), null, 2));
  console.error(`bench-dashboards: ${Math.round((performance.now() - started) / 1000)} s`);
}
