import { describe, expect, it } from 'vitest';
import { validateTemplate } from './template-schema.js';
import { buildTemplate } from './fixtures/build-template.js';
import { estimateRecordBudget, FIRESTORE_LIMITS } from './record-budget.js';

const manyOptions = (count: number) => Array.from({ length: count }, (_, index) => `option-${index}`);

describe('record budget', () => {
  it('accepts the small test template with room to spare', () => {
    const result = validateTemplate(buildTemplate());
    expect(result.ok).toBe(true);
  });

  it('refuses a module whose records could exceed 40,000 index entries, naming the fields that cost most', () => {
    const template = buildTemplate();
    const visits = [
      ...(template.field_schemas?.visits ?? []),
      { key: 'tags', label: 'Tags', type: 'multi_select', options: manyOptions(500) },
      { key: 'labels', label: 'Labels', type: 'multi_select', options: manyOptions(500) },
      { key: 'due_at', label: 'Due', type: 'datetime' },
      { key: 'follow_up_at', label: 'Follow up', type: 'datetime' },
      { key: 'reminder_at', label: 'Reminder', type: 'datetime' },
    ];
    const result = validateTemplate({ ...template, field_schemas: { ...template.field_schemas, visits } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((candidate) => candidate.path === 'field_schemas.visits' && candidate.message.includes('index entries'));
    expect(error?.message).toMatch(/^a record of "visits" could need [\d,]+ index entries; Firestore allows 40,000\. Most come from "(tags|labels)" \(23,000\), "(tags|labels)" \(23,000\)/);
    expect(error?.message).toMatch(/remove options from multi-select fields/);
  });

  it('refuses a module whose records could exceed 1 MiB, naming the text fields', () => {
    const template = buildTemplate();
    const notes = Array.from({ length: 5 }, (_, index) => ({
      key: `notes_${index}`, label: `Notes ${index}`, type: 'textarea', validation: { max_length: 100_000 },
    }));
    const result = validateTemplate({ ...template, field_schemas: { ...template.field_schemas, patients: [...(template.field_schemas?.patients ?? []), ...notes] } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((candidate) => candidate.path === 'field_schemas.patients');
    expect(error?.message).toMatch(/^a record of "patients" could reach [\d,]+ KiB; Firestore allows 1 MiB per document\. Most comes from "notes_\d"/);
    expect(error?.message).toMatch(/lower max_length/);
  });

  it('counts an indexed field in every composite over the token arrays', () => {
    const fields = [
      { key: 'stage', label: 'Stage', type: 'select' as const, options: ['a', 'b'], required: false, system: false, unique: false, active: true, searchable: false },
      { key: 'amount', label: 'Amount', type: 'number' as const, required: false, system: false, unique: false, active: true, searchable: false },
    ];
    const plain = estimateRecordBudget({ module: 'deals', fields });
    const indexed = estimateRecordBudget({ module: 'deals', fields: fields.map((field) => (field.key === 'amount' ? { ...field, indexed: true } : field)) });
    expect(indexed.indexEntries).toBeGreaterThan(plain.indexEntries);
    expect(plain.indexEntries).toBeLessThan(FIRESTORE_LIMITS.indexEntries);
  });
});
