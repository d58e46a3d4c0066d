import { describe, expect, it } from 'vitest';
import type { TRecordView } from '@crm/api';
import { checkInlineValue, isInlineEditable, isVersionConflict, replaceRecordInPages } from './inline-edit-model';

const describeFailure = (failure: { messageKey: string }) => failure.messageKey;
const field = (overrides: Record<string, unknown>) => ({ key: 'age', label: 'Age', type: 'number', required: false, ...overrides }) as never;
const buildRecord = (id: string, version = 1) => ({ id, version, data: {}, number: id }) as unknown as TRecordView;

describe('inline editing', () => {
  it('reads a number in the user locale and checks it with the engine rule', () => {
    expect(checkInlineValue(field({}), '12,5', { locale: 'es', describe: describeFailure })).toEqual({ ok: true, value: 12.5 });
    const refused = checkInlineValue(field({}), 'twelve', { locale: 'en', describe: describeFailure });
    expect(refused.ok).toBe(false);
    expect(checkInlineValue(field({ required: true, type: 'text', key: 'name' }), '  ', { locale: 'en', describe: describeFailure }).ok).toBe(false);
  });

  it('edits every type but files in place', () => {
    expect(isInlineEditable({ key: 'status', type: 'select', active: true })).toBe(true);
    expect(isInlineEditable({ key: 'scan', type: 'file', active: true })).toBe(false);
    expect(isInlineEditable({ key: 'name', type: 'text', active: false })).toBe(false);
  });

  it('leaves computed fields and fields read-only for the role alone', () => {
    expect(isInlineEditable({ key: 'total', type: 'formula', active: true })).toBe(false);
    expect(isInlineEditable({ key: 'visits', type: 'rollup', active: true })).toBe(false);
    expect(isInlineEditable({ key: 'cost', type: 'currency', active: true }, new Set(['cost']))).toBe(false);
    expect(isInlineEditable({ key: 'price', type: 'currency', active: true }, new Set(['cost']))).toBe(true);
  });

  it('recognises the server version conflict', () => {
    expect(isVersionConflict({ code: 'functions/aborted' })).toBe(true);
    expect(isVersionConflict({ code: 'functions/invalid-argument' })).toBe(false);
    expect(isVersionConflict(null)).toBe(false);
  });

  it('replaces one record in the loaded pages and keeps the others as they are', () => {
    const data = { pages: [{ records: [buildRecord('a'), buildRecord('b')] }, { records: [buildRecord('c')] }], pageParams: [] };
    const next = replaceRecordInPages(data, buildRecord('b', 2));
    expect(next?.pages[0]?.records.map((record) => record.version)).toEqual([1, 2]);
    expect(next?.pages[1]).toBe(data.pages[1]);
    expect(replaceRecordInPages(data, buildRecord('z', 2))).toBe(data);
    // The list plan shares the list's key prefix: it is not a list of pages.
    const plan = { kind: 'scan' } as unknown as typeof data;
    expect(replaceRecordInPages(plan, buildRecord('a', 2))).toBe(plan);
  });
});
