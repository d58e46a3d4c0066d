import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { StoreTaskScheduler } from './store-task-scheduler.js';
import { CLOUD_TASKS_MAX_DELAY_MS, type WorkflowTaskPayload } from './task-scheduler.js';

const NOW = new Date('2026-03-01T08:00:00.000Z');
const DAY = 86_400_000;
const PAYLOAD: WorkflowTaskPayload = { kind: 'scheduled', tenantId: 'acme', recordId: 'r1', workflowId: 'w1', runAt: '' };

describe('StoreTaskScheduler.cancel', () => {
  it('cancels a far-future schedule parked as a hop under another document name', async () => {
    const store = new MemoryStore();
    const scheduler = new StoreTaskScheduler(store, { now: () => NOW, maxDelayMs: CLOUD_TASKS_MAX_DELAY_MS });
    await scheduler.enqueue('far', new Date(NOW.getTime() + 45 * DAY), PAYLOAD);
    await scheduler.enqueue('near', new Date(NOW.getTime() + DAY), PAYLOAD);
    expect((await scheduler.pending()).map((task) => task.name)).toEqual(['near', expect.stringMatching(/^far-h\d+$/)]);

    await scheduler.cancel('far');
    expect((await scheduler.pending()).map((task) => task.name)).toEqual(['near']);
    await scheduler.cancel('near');
    await scheduler.cancel('near'); // nothing left: still fine
    expect(await scheduler.pending()).toEqual([]);
  });
});
