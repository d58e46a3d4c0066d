import { describe, expect, it } from 'vitest';
import { countFields, countIndexEntries, documentBytes } from './count-index-entries.js';
import { IndexEntryCounter } from '../../store/memory/document-limits.js';
import type { DocumentData } from '../../store/document-store.js';
import { loadIndexConfig } from '../../store/memory/load-index-config.js';
import { loadTemplateFiles } from '../templates/load-template-files.js';
import { TEMPLATES_DIR } from '../../test-support/build-test-env.js';
import { buildConfigFromTemplate } from '../config/config-service.js';
import { resolveModule, type ResolvedModule } from '../config/tenant-config.js';
import { estimateRecordBudget } from '../../engine/template/record-budget.js';
import { DEFAULT_MAX_LENGTH } from '../../engine/fields/check-field-value.js';
import { selectOptionValues, type FieldDefinition } from '../../engine/fields/field-definition.js';
import { MAX_INDEXED_FIELDS } from '../../engine/template/index-slots.js';
import { recordIndexFields, withRecordIndex } from './record-index.js';

describe('countIndexEntries', () => {
  const config = {
    indexes: [{ collectionGroup: 'things', fields: [{ fieldPath: 'tags', arrayConfig: 'CONTAINS' as const }, { fieldPath: 'at', order: 'ASCENDING' as const }] }],
    fieldOverrides: [
      { collectionGroup: 'things', fieldPath: 'notes', indexes: [] },
      { collectionGroup: 'things', fieldPath: 'tags', indexes: [{ arrayConfig: 'CONTAINS' as const, queryScope: 'COLLECTION' as const }] },
    ],
  };

  it('agrees with the count MemoryStore enforces the 40,000-entry limit with', () => {
    const counter = new IndexEntryCounter(config);
    const docs: DocumentData[] = [
      { name: 'x', meta: { a: 1, b: 2 }, notes: { long: 'y' }, tags: ['a', 'b', 'b'], at: new Date(0) },
      { tags: [], at: 1, list: [1, 2, 2, 'x'], deep: { deeper: { list: ['p', 'q'] } } },
      { name: null, flag: true, tags: ['only'] },
    ];
    for (const doc of docs) expect(counter.count('things', doc)).toBe(countIndexEntries(doc, config, 'things').total);
  });

  it('counts asc and desc per scalar leaf, array-contains per distinct element, and one composite entry per element', () => {
    const counted = countIndexEntries({ name: 'x', meta: { a: 1, b: 2 }, notes: { long: 'y' }, tags: ['a', 'b', 'b'], at: new Date(0) }, config, 'things');
    // name 2 + meta.a 2 + meta.b 2 + notes 0 (exempt) + tags 2 distinct (contains only) + at 2 = 10; composite: 2 tags × 1 at.
    expect(counted).toMatchObject({ singleField: 10, composite: 2, total: 12 });
  });

  it('leaves a document out of a composite index when it lacks one of its fields', () => {
    expect(countIndexEntries({ tags: ['a'] }, config, 'things').composite).toBe(0);
  });

  it('sizes and counts fields the way Firestore does', () => {
    expect(documentBytes({ ab: 'xyz', n: 1 })).toBe(3 + 4 + 2 + 8);
    expect(countFields({ a: 1, m: { b: 1, c: { d: 1 } } })).toBe(5);
  });
});

/** A record holding the most each field allows: every option, every word, the longest text. */
function worstData(module: ResolvedModule): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of module.fields) {
    const options = selectOptionValues(field);
    switch (field.type) {
      case 'text':
      case 'textarea':
      case 'email':
      case 'phone':
      case 'url': {
        const max = field.validation?.max_length ?? DEFAULT_MAX_LENGTH[field.type];
        // Many distinct long words (most search prefixes), then filler up to the length limit.
        const words = Array.from({ length: 60 }, (_, index) => `w${String(index).padStart(2, '0')}abcdefghijkl`).join(' ');
        data[field.key] = (words + ' ' + 'x'.repeat(max)).slice(0, max);
        break;
      }
      case 'number':
      case 'currency':
        data[field.key] = 123.45;
        break;
      case 'date':
        data[field.key] = '2026-11-24';
        break;
      case 'datetime':
        data[field.key] = '2026-11-24T10:15:00.000Z';
        break;
      case 'select':
        data[field.key] = [...options].sort((a, b) => b.length - a.length)[0];
        break;
      case 'multi_select':
        data[field.key] = options;
        break;
      case 'checkbox':
        data[field.key] = true;
        break;
      case 'relationship':
        data[field.key] = 'r'.repeat(128);
        break;
      case 'file':
        data[field.key] = { name: 'scan.pdf', path: 'p'.repeat(200), size: 1, content_type: 'application/pdf' };
        break;
    }
  }
  return data;
}

describe('the template budget bounds real records', async () => {
  const indexes = await loadIndexConfig();
  const templates = await loadTemplateFiles(TEMPLATES_DIR);
  const cases = templates.flatMap((template) => {
    const config = buildConfigFromTemplate({ tenantId: 't', template, selectedBy: 'u', now: new Date(0), revision: 1 });
    return config.modules.map((module) => ({ name: `${template.slug}.${module.slug}`, config, slug: module.slug }));
  });

  it.each(cases)('$name: counted entries, bytes and fields stay within the estimate', ({ config, slug }) => {
    // Index every field a slot can hold (up to the cap), the costliest configuration of the module.
    let slots = (config.modules.find((module) => module.slug === slug)?.index_slots ?? []).length;
    const fields: FieldDefinition[] = (config.modules.find((module) => module.slug === slug)?.fields ?? []).map((field) => {
      if (field.indexed || !['number', 'currency', 'date', 'datetime'].includes(field.type) || slots >= MAX_INDEXED_FIELDS) return field;
      slots += 1;
      return { ...field, indexed: true };
    });
    const index_slots = fields.filter((field) => field.indexed).map((field, slot) => ({ field: field.key, slot, state: 'ready' as const }));
    const wide = { ...config, modules: config.modules.map((module) => (module.slug === slug ? { ...module, fields, index_slots } : module)) };
    const module = resolveModule(wide, slug) as ResolvedModule;
    const data = worstData(module);
    const ownerId = 'o'.repeat(128);
    const refs = Object.fromEntries(module.fields.filter((field) => field.type === 'relationship').map((field) => [field.key, { id: 'r'.repeat(128), display: 'd'.repeat(200) }]));
    const record = withRecordIndex(
      {
        module: slug, seq: 999_999, number: `${module.prefix}-999999`, data, refs, display: 'd'.repeat(200),
        ownerId, createdBy: ownerId, updatedBy: ownerId, createdAt: new Date(0), updatedAt: new Date(0),
        deleted: false, deletedAt: null, deletedBy: null, version: 1, schemaVersion: '1.0.0',
      },
      recordIndexFields({ module, data, number: `${module.prefix}-999999`, ownerId, deleted: false }),
    );
    const budget = estimateRecordBudget({ module: slug, fields: module.fields });
    const counted = countIndexEntries(record, indexes, 'records');
    expect(counted.total).toBeLessThanOrEqual(budget.indexEntries);
    expect(documentBytes(record)).toBeLessThanOrEqual(budget.bytes);
    expect(countFields(record)).toBeLessThanOrEqual(budget.fields);
  });
});
