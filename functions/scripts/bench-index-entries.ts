/**
 * Firestore index entries per record, per template: the typical (median) and
 * the largest record of the seeded demo (realistic names, e-mails, notes),
 * counted as Firestore counts them against firestore.indexes.json (fieldOverrides
 * honoured), with what each record array contributes, and the worst case the
 * template validator allows for the template's modules. Run alone with
 * `npx tsx scripts/bench-index-entries.ts`, or through `npm run bench`.
 */
import { fileURLToPath } from 'node:url';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { loadIndexConfig } from '../src/store/memory/load-index-config.js';
import { createServices } from '../src/services/create-services.js';
import { seedDemo } from '../src/runtime/demo/seed-demo.js';
import { TEMPLATES_DIR } from '../src/runtime/runtime-constants.js';
import { crmPaths } from '../src/services/paths.js';
import { countIndexEntries, documentBytes } from '../src/services/records/count-index-entries.js';
import { estimateRecordBudget } from '../src/engine/template/record-budget.js';
import { parseTenantConfig } from '../src/services/config/config-store.js';

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchIndexEntries(): Promise<Record<string, unknown>> {
  const indexes = await loadIndexConfig();
  const store = new MemoryStore({ indexes });
  const services = createServices({ store });
  const summary = await seedDemo(services, { templatesDir: TEMPLATES_DIR, now: new Date('2026-03-02T10:00:00Z') });
  const byTemplate: Record<string, unknown> = {};
  for (const tenant of summary.tenants.filter((candidate) => candidate.template !== null)) {
    const docs = await store.query({ collection: crmPaths.records(tenant.id) });
    const counted = docs.map((doc) => ({ doc, entries: countIndexEntries(doc.data, indexes, 'records'), bytes: documentBytes(doc.data) }));
    counted.sort((a, b) => a.entries.total - b.entries.total);
    const typical = counted[Math.floor(counted.length / 2)];
    const largest = counted[counted.length - 1];
    if (!typical || !largest) continue;
    const configDoc = await store.get(crmPaths.tenant(tenant.id));
    const config = configDoc ? parseTenantConfig(configDoc.data) : null;
    const modules: Record<string, number> = {};
    for (const module of new Set(counted.map(({ doc }) => String(doc.data.module)))) {
      modules[module] = median(counted.filter(({ doc }) => doc.data.module === module).map(({ entries }) => entries.total));
    }
    byTemplate[String(tenant.template)] = {
      records: counted.length,
      typicalEntries: typical.entries.total,
      typicalRecord: { module: typical.doc.data.module, byField: typical.entries.byField },
      largestEntries: largest.entries.total,
      largestRecord: { module: largest.doc.data.module, number: largest.doc.data.number, byField: largest.entries.byField },
      medianEntriesByModule: modules,
      largestBytes: Math.max(...counted.map(({ bytes }) => bytes)),
      worstCaseEntriesAllowed: Math.max(...(config?.modules ?? []).map((module) => estimateRecordBudget({ module: module.slug, fields: module.fields }).indexEntries)),
    };
  }
  return {
    what: 'Firestore index entries per record of the seeded demo (single-field + composite, firestore.indexes.json with its fieldOverrides)',
    before: 'issue 10: 1,200–2,900 per typical record (every token in one array under six composites)',
    limit: 40_000,
    byTemplate,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchIndexEntries(), null, 2));
}
