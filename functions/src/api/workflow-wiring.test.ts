import { afterEach, describe, expect, it } from 'vitest';
import { toDocumentChange, toTaskEnvelope } from './workflow-wiring.js';
import { defaultTaskScheduler } from '../services/workflows/default-task-scheduler.js';
import { CloudTasksScheduler } from '../services/workflows/cloud-tasks-scheduler.js';
import { StoreTaskScheduler } from '../services/workflows/store-task-scheduler.js';
import { MemoryStore } from '../store/memory/memory-store.js';

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

describe('defaultTaskScheduler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['K_SERVICE', 'FUNCTION_TARGET', 'CRM_STORE', 'CRM_TASKS']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('uses Cloud Tasks in a deployed function and the store queue in the embedded runtime and tests', () => {
    const store = new MemoryStore();
    delete process.env.K_SERVICE;
    delete process.env.FUNCTION_TARGET;
    delete process.env.CRM_TASKS;
    expect(defaultTaskScheduler(store)).toBeInstanceOf(StoreTaskScheduler);
    process.env.K_SERVICE = 'crmonrecordwritten';
    expect(defaultTaskScheduler(store)).toBeInstanceOf(CloudTasksScheduler);
    process.env.CRM_STORE = 'memory';
    expect(defaultTaskScheduler(store)).toBeInstanceOf(StoreTaskScheduler);
    process.env.CRM_TASKS = 'cloud';
    expect(defaultTaskScheduler(store)).toBeInstanceOf(CloudTasksScheduler);
  });
});
