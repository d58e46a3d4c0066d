import { describe, expect, it } from 'vitest';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import type { RecordView } from '../records/record-model.js';
import { exportColumns, exportRow } from './export-columns.js';

function buildModule() {
  const config = {
    tenantId: 't',
    template: null,
    selectedAt: null,
    selectedBy: null,
    permissions: {},
    revision: 1,
    updatedAt: new Date(),
    modules: [
      {
        slug: 'deals',
        label: 'Deals',
        source: 'custom',
        fields: [
          { key: 'title', label: { en: 'Title', es: 'Título' }, type: 'text', active: true },
          { key: 'stage', label: 'Stage', type: 'select', active: true, options: [{ value: 'won', label: { en: 'Won', es: 'Ganado' } }, 'Lost'] },
          { key: 'tags', label: 'Tags', type: 'multi_select', active: true, options: [{ value: 'a', label: { en: 'Alpha', es: 'Alfa' } }, 'b'] },
          { key: 'amount', label: 'Amount', type: 'currency', active: true, options: { currency: 'EUR' } },
          { key: 'closes_at', label: 'Closes', type: 'datetime', active: true },
          { key: 'signed', label: 'Signed', type: 'checkbox', active: true },
          { key: 'company', label: 'Company', type: 'relationship', active: true, options: { related_module: 'companies', display_field: 'name' } },
          { key: 'old', label: 'Old', type: 'text', active: false },
        ],
      },
    ],
  } as unknown as TenantConfig;
  const module = resolveModule(config, 'deals');
  if (!module) throw new Error('no module');
  return module;
}

function buildRecord(data: Record<string, unknown>): RecordView {
  return {
    id: 'r1',
    module: 'deals',
    number: 'DEA-000001',
    data,
    display: null,
    related: { company: { id: 'c1', display: 'Initech' } },
    ownerId: 'u1',
    createdBy: 'u1',
    updatedBy: 'u1',
    createdAt: '2026-03-01T23:30:00.000Z',
    updatedAt: '2026-03-02T08:05:00.000Z',
    deleted: false,
    deletedAt: null,
    version: 1,
  };
}

const data = { title: '=HYPERLINK("http://evil.example","x")', stage: 'won', tags: ['a', 'b'], amount: -120.5, closes_at: '2026-03-01T23:30:00.000Z', signed: true, company: 'c1' };

describe('export columns', () => {
  it('formats for people: labels in the language, related names, wall time in the tenant zone', () => {
    const columns = exportColumns({ module: buildModule(), format: 'formatted', language: 'es', timeZone: 'Europe/Madrid' });
    expect(columns.map((column) => column.header)).toEqual(['Número', 'Título', 'Stage', 'Tags', 'Amount', 'Closes', 'Signed', 'Company', 'Propietario', 'Creado', 'Actualizado']);
    expect(exportRow(columns, buildRecord(data))).toEqual([
      'DEA-000001',
      `'=HYPERLINK("http://evil.example","x")`,
      'Ganado',
      'Alfa; b',
      -120.5,
      '2026-03-02 00:30',
      'Sí',
      'Initech',
      'u1',
      '2026-03-02 00:30',
      '2026-03-02 09:05',
    ]);
  });

  it('exports raw stored values with field keys as headers', () => {
    const columns = exportColumns({ module: buildModule(), format: 'raw', language: 'en', fields: ['company', 'stage', 'closes_at', 'signed', 'nope'] });
    expect(columns.map((column) => column.header)).toEqual(['number', 'company', 'stage', 'closes_at', 'signed', 'owner', 'created_at', 'updated_at']);
    expect(exportRow(columns, buildRecord(data))).toEqual(['DEA-000001', 'c1', 'won', '2026-03-01T23:30:00.000Z', true, 'u1', '2026-03-01T23:30:00.000Z', '2026-03-02T08:05:00.000Z']);
  });

  it('leaves empty values empty', () => {
    const columns = exportColumns({ module: buildModule(), format: 'formatted', language: 'en', fields: ['title', 'amount', 'company'] });
    expect(exportRow(columns, { ...buildRecord({}), related: {} }).slice(1, 4)).toEqual([null, null, null]);
  });
});
