import { describe, expect, it } from 'vitest';
import { toDocumentChange, toTaskEnvelope } from './workflow-wiring.js';

function buildSnapshot(data: Record<string, unknown> | null) {
  return { exists: data !== null, data: () => data ?? undefined };
}

const timestamp = (iso: string) => ({ seconds: 0, nanoseconds: 0, toDate: () => new Date(iso) });

describe('toDocumentChange', () => {
  it('adapts a Firestore write event to the port, Timestamps as Dates and the event id kept', () => {
    const change = toDocumentChange({
      id: 'evt-1',
      time: '2026-03-01T08:00:00.000Z',
      document: 'crm_tenants/acme/records/r1',
      data: { before: buildSnapshot(null), after: buildSnapshot({ version: 1, createdAt: timestamp('2026-03-01T07:59:59.000Z') }) },
    });
    expect(change).toEqual({
      eventId: 'evt-1',
      kind: 'created',
      path: 'crm_tenants/acme/records/r1',
      before: null,
      after: { version: 1, createdAt: new Date('2026-03-01T07:59:59.000Z') },
      time: new Date('2026-03-01T08:00:00.000Z'),
    });
    const deleted = toDocumentChange({ id: 'evt-2', time: '2026-03-01T08:00:00Z', document: 'x/y', data: { before: buildSnapshot({ a: 1 }), after: buildSnapshot(null) } });
    expect(deleted.kind).toBe('deleted');
  });

  it('refuses a malformed task payload', () => {
    expect(() => toTaskEnvelope({ name: 1 })).toThrow(/malformed/);
    expect(toTaskEnvelope({ name: 'n', notBefore: '2026-03-01T08:00:00Z', payload: { kind: 'scheduled' } }).name).toBe('n');
  });
});
