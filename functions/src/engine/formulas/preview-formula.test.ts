import { describe, expect, it } from 'vitest';
import type { PathField } from '../paths/resolve-field-path.js';
import { gatherRelatedValues, previewFormula, previewPaths, type PreviewSample } from './preview-formula.js';
import { MAX_PATH_PREFIXES } from './collect-formula-issues.js';

const MODULES: Record<string, PathField[]> = {
  deals: [
    { key: 'amount', type: 'currency' },
    { key: 'account', type: 'relationship', options: { related_module: 'accounts', display_field: 'name' } },
    { key: 'partner', type: 'relationship', options: { related_module: 'accounts', display_field: 'name' } },
  ],
  accounts: [
    { key: 'name', type: 'text' },
    { key: 'discount', type: 'number' },
    { key: 'owner_contact', type: 'relationship', options: { related_module: 'contacts', display_field: 'email' } },
  ],
  contacts: [
    { key: 'email', type: 'email' },
    { key: 'company', type: 'relationship', options: { related_module: 'accounts', display_field: 'name' } },
  ],
};
const fieldsOf = (module: string) => MODULES[module];
const base = { module: 'deals', key: 'label', fieldsOf, timeZone: 'UTC', now: Date.parse('2026-03-10T12:00:00Z') };

const RECORDS: Record<string, PreviewSample> = {
  acc1: { data: { name: 'Acme', discount: 10, owner_contact: 'con1' }, system: { record_number: 'ACC-1', id: 'acc1' } },
  con1: { data: { email: 'ann@acme.test', company: 'acc1' }, system: { record_number: 'CON-1', id: 'con1' } },
};
const sample: PreviewSample = { data: { amount: 200, account: 'acc1' }, system: { record_number: 'DEA-1' } };

function loader() {
  const reads: string[] = [];
  return {
    reads,
    loadRecord: async (id: string) => {
      reads.push(id);
      return RECORDS[id] ?? null;
    },
  };
}

async function preview(expression: string, resultType: string, load = loader()) {
  const input = { ...base, expression, resultType };
  const related = await gatherRelatedValues({ paths: previewPaths(input), sample, loadRecord: load.loadRecord });
  return previewFormula({ ...input, sample, related });
}

describe('formula preview through relationship paths', () => {
  it('shows values read through one and several hops, system fields included', async () => {
    expect(await preview('amount * (1 - account.discount / 100)', 'currency')).toEqual({ ok: true, value: 180 });
    expect(await preview('account.owner_contact.email', 'text')).toEqual({ ok: true, value: 'ann@acme.test' });
    expect(await preview('account.owner_contact.company.name & " " & account.record_number', 'text')).toEqual({ ok: true, value: 'Acme ACC-1' });
  });

  it('reads each distinct prefix once, level by level', async () => {
    const load = loader();
    await preview('CONCAT(account.name, account.owner_contact.email, account.owner_contact.company.name)', 'text', load);
    expect(load.reads).toEqual(['acc1', 'con1', 'acc1']);
  });

  it('previews blank where a relationship is empty, the record unreadable, or a field not visible', async () => {
    // partner is empty on the sample: nothing read, blank.
    const load = loader();
    expect(await preview('partner.name', 'text', load)).toEqual({ ok: true, value: null });
    expect(load.reads).toEqual([]);
    // A record the caller may not read (or in the trash) comes back null: blank, not an error.
    const hidden = { reads: [], loadRecord: async () => null };
    expect(await preview('account.name', 'text', hidden)).toEqual({ ok: true, value: null });
    // A field hidden from the caller's role is absent from what it reads: blank, never its value.
    const redacted = { reads: [], loadRecord: async () => ({ data: { name: 'Acme' }, system: {} }) };
    expect(await preview('ISBLANK(account.discount)', 'checkbox', redacted)).toEqual({ ok: true, value: true });
  });

  it('asks for no reads while the draft does not check, and none without a sample', async () => {
    expect(previewPaths({ ...base, expression: 'account.nope', resultType: 'text' })).toEqual([]);
    const load = loader();
    const related = await gatherRelatedValues({ paths: previewPaths({ ...base, expression: 'account.name', resultType: 'text' }), sample: null, loadRecord: load.loadRecord });
    expect(related.size).toBe(0);
    expect(load.reads).toEqual([]);
  });

  it('reads at most MAX_PATH_PREFIXES records whatever the paths ask', async () => {
    const paths = Array.from({ length: MAX_PATH_PREFIXES + 5 }, (_, index) => ({
      path: [`rel_${index}`, 'name'],
      hops: [{ module: 'deals', field: `rel_${index}`, target: 'accounts' }],
    }));
    const wide: PreviewSample = { data: Object.fromEntries(paths.map((_, index) => [`rel_${index}`, 'acc1'])), system: {} };
    const load = loader();
    const related = await gatherRelatedValues({ paths, sample: wide, loadRecord: load.loadRecord });
    expect(load.reads).toHaveLength(MAX_PATH_PREFIXES);
    expect([...related.values()].filter((value) => value === 'Acme')).toHaveLength(MAX_PATH_PREFIXES);
  });
});
