import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { loadIndexConfig } from '../../store/memory/load-index-config.js';
import { createServices } from '../../services/create-services.js';
import { crmPaths } from '../../services/paths.js';
import { TEMPLATES_DIR } from '../runtime-constants.js';
import { SEED_MARKER_PATH, seedDemo } from './seed-demo.js';

async function buildServices() {
  const store = new MemoryStore({ indexes: await loadIndexConfig() });
  return createServices({ store });
}

async function recordsOf(services: Awaited<ReturnType<typeof buildServices>>, tenantId: string) {
  return services.store.query({ collection: crmPaths.records(tenantId) });
}

const NOW = new Date('2026-03-02T10:00:00Z');

describe('seedDemo', () => {
  it('configures every industry tenant through the services and fills it with valid, linked records', async () => {
    const services = await buildServices();
    const summary = await seedDemo(services, { templatesDir: TEMPLATES_DIR, now: NOW });

    expect(summary.warnings).toEqual([]); // every generated record passed the real validation
    expect(summary.tenants.find((t) => t.id === 'demo-fresh')).toMatchObject({ template: null, records: 0 });
    for (const tenant of summary.tenants.filter((t) => t.id !== 'demo-fresh')) {
      expect(tenant.records).toBeGreaterThanOrEqual(30);
      expect((await recordsOf(services, tenant.id)).length).toBe(tenant.records);
    }
    // Relationships point at real records of the same tenant.
    const hospital = await recordsOf(services, 'demo-hospital');
    const ids = new Set(hospital.map((doc) => doc.id));
    const appointments = hospital.filter((doc) => doc.data.module === 'appointments');
    expect(appointments.length).toBeGreaterThan(0);
    for (const appointment of appointments) {
      const data = appointment.data.data as Record<string, unknown>;
      expect(ids.has(String(data.patient))).toBe(true);
      expect(ids.has(String(data.doctor))).toBe(true);
    }
  });

  it('seeds once: a second run keeps the data and adds nothing', async () => {
    const services = await buildServices();
    const first = await seedDemo(services, { templatesDir: TEMPLATES_DIR, now: NOW });
    const before = (await recordsOf(services, 'demo-corporate')).length;
    const second = await seedDemo(services, { templatesDir: TEMPLATES_DIR, now: NOW });
    expect(second.seededNow).toBe(false);
    expect(second.tenants).toEqual(first.tenants);
    expect((await recordsOf(services, 'demo-corporate')).length).toBe(before);
    expect((await services.store.get(SEED_MARKER_PATH))?.data.status).toBe('done');
  });

  it('gives the same demo every time (seeded PRNG)', async () => {
    const names = async () => {
      const services = await buildServices();
      await seedDemo(services, { templatesDir: TEMPLATES_DIR, now: NOW });
      return (await recordsOf(services, 'demo-jewellery')).map((doc) => `${String(doc.data.number)} ${String(doc.data.display)}`).sort();
    };
    expect(await names()).toEqual(await names());
  });
});
