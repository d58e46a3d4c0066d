import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { loadIndexConfig } from '../../store/memory/load-index-config.js';
import type { IndexConfig } from '../../store/memory/index-planner.js';
import { StoreError, type AggregateSpec, type DocumentStore, type QuerySpec } from '../../store/document-store.js';
import { createServices } from '../create-services.js';
import { TEMPLATES_DIR } from '../../runtime/runtime-constants.js';
import { seedDemo } from '../../runtime/demo/seed-demo.js';
import type { Caller } from '../caller.js';

/**
 * Firestore computes sum and avg by scanning an index, so the aggregated
 * field must be in the index that serves the query. Until MemoryStore checks
 * that itself, this store does: a sum/avg is refused unless
 * firestore.indexes.json has the composite (array CONTAINS, [range field],
 * aggregated field) for it.
 */
function withAggregationCheck(inner: MemoryStore, indexes: IndexConfig, checked: string[]): DocumentStore {
  const covered = (spec: QuerySpec, field: string): boolean => {
    const collectionGroup = spec.collection.split('/').pop() ?? '';
    const wanted: string[] = [];
    for (const filter of spec.where ?? []) {
      if (!('field' in filter)) return false;
      if (filter.op === 'array-contains' || filter.op === 'array-contains-any') wanted.unshift(`${filter.field} CONTAINS`);
      else if (!wanted.includes(`${filter.field} ASCENDING`)) wanted.push(`${filter.field} ASCENDING`);
    }
    wanted.push(`${field} ASCENDING`);
    return indexes.indexes.some(
      (index) =>
        index.collectionGroup === collectionGroup &&
        JSON.stringify(index.fields.map((entry) => `${entry.fieldPath} ${entry.arrayConfig ?? entry.order ?? 'ASCENDING'}`)) === JSON.stringify(wanted),
    );
  };
  const aggregate = async (spec: QuerySpec, fields: AggregateSpec) => {
    for (const field of Object.values(fields)) {
      if (field.op === 'count') continue;
      if (!covered(spec, field.field)) {
        throw new StoreError('failed-precondition', `${field.op}(${field.field}) is not covered by an index of ${JSON.stringify(spec.where)}`);
      }
      checked.push(field.field);
    }
    return inner.aggregate(spec, fields);
  };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'aggregate') return aggregate;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("every template's default dashboard", () => {
  it('renders every widget, with every sum and average served by an index that holds the field', async () => {
    const checked: string[] = [];
    const store = withAggregationCheck(new MemoryStore({ indexes: await loadIndexConfig() }), await loadIndexConfig(), checked);
    const services = createServices({ store });
    const summary = await seedDemo(services, { templatesDir: TEMPLATES_DIR, now: new Date('2026-03-02T10:00:00Z') });
    const seeded = summary.tenants.filter((tenant) => tenant.template !== null);
    expect(seeded.map((tenant) => tenant.template).sort()).toEqual(['corporate@1.0.0', 'hospital@1.0.0', 'jewellery@1.0.0', 'real-estate@1.0.0']);
    for (const tenant of seeded) {
      const membership = await store.query({ collection: 'tenant_users', where: [{ field: 'tenant_id', op: '==', value: tenant.id }, { field: 'role', op: '==', value: 'owner' }], limit: 1 });
      const uid = String(membership[0]?.data.user_id);
      const caller: Caller = { uid, tenantId: tenant.id, tenantName: tenant.name, role: 'owner', platformRole: null };
      const { defaultDashboardId } = await services.dashboards.list(caller);
      if (!defaultDashboardId) throw new Error(`${tenant.id} has no default dashboard`);
      const data = await services.dashboards.render(caller, defaultDashboardId);
      expect(data.widgets.length).toBeGreaterThan(0);
      for (const widget of data.widgets) expect({ tenant: tenant.id, id: widget.id, status: widget.status }).toEqual({ tenant: tenant.id, id: widget.id, status: 'ok' });
    }
    // Real Estate, Jewellery and Corporate sum amounts on their default dashboards: all through slots.
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.every((field) => /^s[0-4]$/.test(field))).toBe(true);
  }, 60_000);
});
