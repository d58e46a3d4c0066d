import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTestEnv, type TestEnv } from '../../test-support/build-test-env.js';
import { buildDoctor } from '../../test-support/record-fixtures.js';
import type { TRecordResponse } from '../../api/schemas.js';
import { StoreError, type DocumentChange } from '../../store/document-store.js';
import { setLogSink, type LogSeverity } from '../logging/log.js';
import { onRecordWritten } from './on-record-written.js';

let env: TestEnv;
let logged: Array<{ severity: LogSeverity; message: string; fields: Readonly<Record<string, unknown>> }>;
let restoreSink: () => void;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  logged = [];
  restoreSink = setLogSink((severity, message, fields) => logged.push({ severity, message, fields }));
});

afterEach(() => {
  restoreSink();
  vi.restoreAllMocks();
});

async function renameChange(): Promise<DocumentChange> {
  const doctor = (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module: 'doctors', data: buildDoctor() })).record;
  const path = `crm_tenants/acme/records/${doctor.id}`;
  const before = (await env.store.get(path))!.data;
  await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: doctor.id, expectedVersion: 1, data: { full_name: 'Dr. Renamed' } });
  const after = (await env.store.get(path))!.data;
  return { eventId: 'evt-rename', kind: 'updated', path, before, after, time: new Date() };
}

async function historyIds(change: DocumentChange): Promise<string[]> {
  return env.store.listDocumentIds(`${change.path}/history`);
}

describe('onRecordWritten (the retried record trigger)', () => {
  it('rethrows a transient failure after the other parts ran, so the platform redelivers the event', async () => {
    const change = await renameChange();
    const workflows = vi.spyOn(env.services.workflows, 'onRecordWritten').mockRejectedValueOnce(new StoreError('unavailable', 'backend unavailable'));
    await expect(onRecordWritten(env.services, change)).rejects.toThrow('backend unavailable');
    // History was still written once (its id is derived from the event id), and the failure is logged as retried.
    expect(await historyIds(change)).toEqual(['eevt-rename']);
    expect(logged).toEqual([expect.objectContaining({ severity: 'warn', message: expect.stringContaining('workflows failed; the event will be retried') })]);

    // The redelivery runs workflows again and writes no second history entry.
    await expect(onRecordWritten(env.services, change)).resolves.toEqual({ updated: 0 });
    expect(workflows).toHaveBeenCalledTimes(2);
    expect(await historyIds(change)).toEqual(['eevt-rename']);
  });

  it('treats gRPC ABORTED / UNAVAILABLE from the SDK as transient too', async () => {
    const change = await renameChange();
    vi.spyOn(env.services.workflows, 'onRecordWritten').mockRejectedValueOnce(Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }));
    await expect(onRecordWritten(env.services, change)).rejects.toThrow('14 UNAVAILABLE');
  });

  it('logs and completes on a permanent failure: a retry would fail the same way for a day', async () => {
    const change = await renameChange();
    vi.spyOn(env.services.workflows, 'onRecordWritten').mockRejectedValueOnce(new TypeError('bug in a workflow action'));
    await expect(onRecordWritten(env.services, change)).resolves.toEqual({ updated: 0 });
    expect(logged).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: 'record trigger: workflows failed',
        fields: expect.objectContaining({ eventId: 'evt-rename', error: expect.objectContaining({ message: 'bug in a workflow action' }) }),
      }),
    ]);
  });
});
