import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { loadIndexConfig } from '../../store/memory/load-index-config.js';
import { createServices } from '../create-services.js';
import { TEMPLATES_DIR } from '../../runtime/runtime-constants.js';
import { seedDemo } from '../../runtime/demo/seed-demo.js';
import type { Caller } from '../caller.js';

describe("every template's default dashboard", () => {
  it('renders every widget, with every sum and average served by an index that holds the field', async () => {
    // MemoryStore refuses a sum/avg whose field is not in the index serving the query, as Firestore does.
    const store = new MemoryStore({ indexes: await loadIndexConfig() });
    const aggregate = vi.spyOn(store, 'aggregate');
    const services = createServices({ store });
    const summary = await seedDemo(services, { templatesDir: TEMPLATES_DIR, now: new Date('2026-03-02T10:00:00Z') });
    const seeded = summary.tenants.filter((tenant) => tenant.template !== null);
    expect(seeded.map((tenant) => tenant.template).sort()).toEqual(['corporate@1.0.0', 'hospital@1.0.0', 'jewellery@1.1.0', 'real-estate@1.0.0']);
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
    const summed = aggregate.mock.calls.flatMap(([, fields]) => Object.values(fields)).flatMap((f) => (f.op === 'count' ? [] : [f.field]));
    expect(summed.length).toBeGreaterThan(0);
    expect(summed.every((field) => /^s[0-4]$/.test(field))).toBe(true);
  }, 60_000);
});
