import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory/memory-store.js';
import { CloudTasksScheduler, TASK_NAMES_COLLECTION, type TaskQueueLike } from './cloud-tasks-scheduler.js';
import { CLOUD_TASKS_MAX_DELAY_MS, type TaskEnvelope, type WorkflowTaskPayload } from '../services/workflows/task-scheduler.js';

const NOW = new Date('2026-03-01T08:00:00.000Z');
const DAY = 86_400_000;
const PAYLOAD: WorkflowTaskPayload = { kind: 'scheduled', tenantId: 'acme', recordId: 'r1', workflowId: 'w1', runAt: '' };

/** Behaves like Cloud Tasks for names: a used name (live, run or deleted) is refused. */
function buildFakeQueue() {
  const live = new Map<string, { envelope: TaskEnvelope; scheduleTime: Date }>();
  const used = new Set<string>();
  const queue: TaskQueueLike = {
    async enqueue(envelope, { id, scheduleTime }) {
      if (used.has(id)) throw Object.assign(new Error('exists'), { code: 'functions/task-already-exists' });
      if (scheduleTime.getTime() - NOW.getTime() > CLOUD_TASKS_MAX_DELAY_MS) throw new Error('beyond 30 days');
      used.add(id);
      live.set(id, { envelope, scheduleTime });
    },
    async delete(id) {
      if (!live.delete(id)) throw Object.assign(new Error('gone'), { code: 'functions/not-found' });
    },
  };
  return { queue, live };
}

describe('CloudTasksScheduler', () => {
  it('enqueues near tasks under their deterministic name at their time', async () => {
    const { queue, live } = buildFakeQueue();
    const scheduler = new CloudTasksScheduler({ queue, now: () => NOW });
    const runAt = new Date(NOW.getTime() + 3 * DAY);
    await scheduler.enqueue('task-a', runAt, PAYLOAD);
    // A redelivered event cannot tell a live name from a tombstone: it adds one copy (the run it
    // would start is already logged, so the copy does nothing), and no more than one per hour.
    await scheduler.enqueue('task-a', runAt, PAYLOAD);
    await scheduler.enqueue('task-a', runAt, PAYLOAD);
    expect([...live.keys()]).toEqual(['task-a', expect.stringMatching(/^task-a-r\d+$/)]);
    expect(live.get('task-a')).toMatchObject({ scheduleTime: runAt, envelope: { name: 'task-a', notBefore: runAt.toISOString() } });
  });

  it('parks far-future tasks as a hop inside the 30-day limit, keeping the real due time', async () => {
    const { queue, live } = buildFakeQueue();
    const scheduler = new CloudTasksScheduler({ queue, now: () => NOW });
    const runAt = new Date(NOW.getTime() + 45 * DAY);
    await scheduler.enqueue('task-b', runAt, PAYLOAD);
    const [id, task] = [...live.entries()][0]!;
    expect(id).toMatch(/^task-b-h\d+$/);
    expect(task.scheduleTime.getTime() - NOW.getTime()).toBeLessThanOrEqual(29 * DAY);
    expect(task.envelope).toMatchObject({ name: 'task-b', notBefore: runAt.toISOString() });
  });

  it('re-plans under a suffixed copy when the name is still reserved after a cancel', async () => {
    const { queue, live } = buildFakeQueue();
    const scheduler = new CloudTasksScheduler({ queue, now: () => NOW });
    const runAt = new Date(NOW.getTime() + DAY);
    await scheduler.enqueue('task-c', runAt, PAYLOAD);
    await scheduler.cancel('task-c');
    await scheduler.cancel('task-c'); // not found: fine
    await scheduler.enqueue('task-c', runAt, PAYLOAD);
    expect([...live.keys()]).toEqual([expect.stringMatching(/^task-c-r\d+$/)]);
  });

  it('cancels every copy of a name: the plain task, its -r copy and its far-future hop', async () => {
    const { queue, live } = buildFakeQueue();
    const store = new MemoryStore();
    let now = NOW;
    const scheduler = new CloudTasksScheduler({ queue, store, now: () => now });
    const near = new Date(NOW.getTime() + DAY);
    await scheduler.enqueue('task-d', near, PAYLOAD);
    await scheduler.enqueue('task-d', near, PAYLOAD); // a redelivery: adds the -r copy
    const far = new Date(NOW.getTime() + 45 * DAY);
    await scheduler.enqueue('task-e', far, PAYLOAD);
    now = new Date(NOW.getTime() + 2 * 3_600_000);
    await scheduler.enqueue('task-e', far, PAYLOAD); // re-planned two hours later: a second hop name
    expect(live.size).toBe(4);

    await scheduler.cancel('task-d');
    await scheduler.cancel('task-e');
    expect([...live.keys()]).toEqual([]);
    expect(await store.listDocumentIds(TASK_NAMES_COLLECTION)).toEqual([]);
  });

  it('keeps the registry when a delete fails, so a retried cancel still reaches every copy', async () => {
    const { queue, live } = buildFakeQueue();
    const store = new MemoryStore();
    const failing: TaskQueueLike = {
      enqueue: (envelope, options) => queue.enqueue(envelope, options),
      delete: async (id) => {
        if (id.includes('-h')) throw Object.assign(new Error('unavailable'), { code: 'functions/internal-error' });
        return queue.delete(id);
      },
    };
    const scheduler = new CloudTasksScheduler({ queue: failing, store, now: () => NOW });
    await scheduler.enqueue('task-f', new Date(NOW.getTime() + 45 * DAY), PAYLOAD);
    await expect(scheduler.cancel('task-f')).rejects.toThrow('unavailable');
    expect(await store.listDocumentIds(TASK_NAMES_COLLECTION)).toEqual(['task-f']);
    const retried = new CloudTasksScheduler({ queue, store, now: () => NOW });
    await retried.cancel('task-f');
    expect(live.size).toBe(0);
  });
});
