/**
 * `npm run bench:search -w functions [-- --sizes 10000,100000 --samples 200]`:
 * global search (crmSearchRecords) over a Real Estate tenant plus one custom
 * module — 6 modules — filled with `size` records spread over them and over
 * 10 owners, in the embedded store (in memory). For each size it types
 * words letter by letter, as the palette sends them, as an owner (every
 * module, scope all) and as a member (`read_own` in four modules), and prints
 * per keystroke: store queries, billed reads (the callable's membership and
 * config reads included), p50/p95 latency. The reads must not change with
 * the size: that is the claim this prints evidence for. Figures, not assertions.
 */
import { performance } from 'node:perf_hooks';
import { invokeCallable, type CallableName } from '../src/api/crm-api.js';
import type { TSearchRecordsResponse } from '../src/api/search-schemas.js';
import { createServices, type Services } from '../src/services/create-services.js';
import { resolveModule } from '../src/services/config/tenant-config.js';
import { crmPaths } from '../src/services/paths.js';
import { formatRecordNumber } from '../src/services/records/number-allocator.js';
import { recordIndexFields, withRecordIndex } from '../src/services/records/record-index.js';
import { recordToWriteData, type StoredRecord } from '../src/services/records/record-model.js';
import { loadTemplateFiles } from '../src/services/templates/load-template-files.js';
import { seedTemplates } from '../src/services/templates/seed-templates.js';
import type { DocumentData } from '../src/store/document-store.js';
import { loadIndexConfig } from '../src/store/memory/load-index-config.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { addTenant, buildUser, TEMPLATES_DIR, type TestUser } from '../src/test-support/build-test-env.js';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const SIZES = argValue('sizes', '10000,100000').split(',').map(Number);
const SAMPLES = Number(argValue('samples', '100'));
const TENANT = 'bench';
const owner = buildUser('bench-owner');
const member = buildUser('bench-member');
const OWNERS = [owner.uid, member.uid, ...Array.from({ length: 8 }, (_, index) => `agent-${index}`)];
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Tim', 'José', 'Zoë'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Thompson', 'Perlman', 'Lee', 'Núñez'];
/** What a user types; each prefix is one keystroke's request. */
const TYPED = ['lovelace', 'nunez', 'ada lov', 'zzzz'];

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(2));
}

async function call<T>(services: Services, user: TestUser, name: CallableName, data: unknown): Promise<T> {
  return (await invokeCallable(services, name, { data, auth: user.claims })) as T;
}

async function setUp(): Promise<{ store: MemoryStore; services: Services }> {
  const store = new MemoryStore({ indexes: await loadIndexConfig() });
  const services = createServices({ store });
  await seedTemplates(store, await loadTemplateFiles(TEMPLATES_DIR));
  await addTenant(store, TENANT, 'Bench Realty', [[owner, 'owner'], [member, 'member']]);
  await call(services, owner, 'crmSelectTemplate', { tenantId: TENANT, templateSlug: 'real-estate' });
  await call(services, owner, 'crmCreateModule', {
    tenantId: TENANT,
    module: { slug: 'vendors', label: { en: 'Vendor' }, record_prefix: 'VEN' },
    fields: [{ key: 'name', label: { en: 'Name' }, type: 'text', searchable: true }, { key: 'city', label: { en: 'City' }, type: 'text', searchable: true }],
  });
  return { store, services };
}

/** Loads records straight into the store, indexed exactly as the record service indexes them. */
async function load(store: MemoryStore, services: Services, from: number, to: number): Promise<void> {
  const config = await services.configs.require(TENANT);
  const modules = config.modules.map((entry) => resolveModule(config, entry.slug)).filter((module) => module !== null);
  const now = new Date();
  for (let start = from; start < to; start += 5_000) {
    const docs: Array<{ path: string; data: DocumentData; createTime: Date; updateTime: Date }> = [];
    for (let index = start; index < Math.min(to, start + 5_000); index += 1) {
      const module = modules[index % modules.length];
      if (!module) continue;
      const name = `${FIRST[index % FIRST.length]} ${LAST[Math.floor(index / FIRST.length) % LAST.length]}`;
      const data: Record<string, unknown> = {};
      for (const field of module.activeFields) {
        if (field.type === 'text' && field.key === module.displayField) data[field.key] = name;
        else if (field.type === 'text') data[field.key] = `${field.key} ${index}`;
      }
      if (module.displayField && data[module.displayField] === undefined) data[module.displayField] = name;
      const seq = Math.floor(index / modules.length) + 1;
      const number = formatRecordNumber(module.prefix, seq);
      const ownerId = OWNERS[index % OWNERS.length] as string;
      const record: StoredRecord = withRecordIndex(
        {
          module: module.slug, seq, number, data, refs: {}, display: name, ownerId, createdBy: ownerId, updatedBy: ownerId,
          createdAt: now, updatedAt: now, deleted: false, deletedAt: null, deletedBy: null, version: 1,
        },
        recordIndexFields({ module, data, number, ownerId, deleted: false }),
      );
      docs.push({ path: crmPaths.record(TENANT, `r${String(index).padStart(7, '0')}`), data: recordToWriteData(record) as DocumentData, createTime: now, updateTime: now });
    }
    await store.importDocuments(docs);
  }
}

async function measure(store: MemoryStore, services: Services, user: typeof owner) {
  const rows: Array<Record<string, unknown>> = [];
  for (const text of TYPED) {
    const keystrokes = Array.from({ length: text.length }, (_, index) => text.slice(0, index + 1)).filter((prefix) => prefix.trim().length > 0);
    const latencies: number[] = [];
    const reads = new Set<number>();
    const queries = new Set<number>();
    let hits = 0;
    for (let sample = 0; sample < Math.max(1, Math.floor(SAMPLES / keystrokes.length)); sample += 1) {
      for (const prefix of keystrokes) {
        store.meter.reset();
        const started = performance.now();
        const response = await call<TSearchRecordsResponse>(services, user, 'crmSearchRecords', { tenantId: TENANT, text: prefix });
        latencies.push(performance.now() - started);
        reads.add(store.meter.read().reads);
        queries.add(response.queries);
        hits = response.hits.length;
      }
    }
    rows.push({ text, keystrokes: keystrokes.length, queriesPerKeystroke: [...queries], billedReadsPerKeystroke: { min: Math.min(...reads), max: Math.max(...reads) }, p50Ms: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), lastHits: hits });
  }
  return rows;
}

const { store, services } = await setUp();
const results: Array<Record<string, unknown>> = [];
let loaded = 0;
for (const size of SIZES) {
  const started = performance.now();
  await load(store, services, loaded, size);
  loaded = size;
  const loadSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  const config = await services.configs.require(TENANT);
  results.push({ records: size, modules: config.modules.length, loadSeconds, owner: await measure(store, services, owner), memberReadOwn: await measure(store, services, member) });
  console.error(`size ${size} measured`);
}
console.log(JSON.stringify({ bench: 'global search (crmSearchRecords)', results }, null, 2));
store.close?.();
