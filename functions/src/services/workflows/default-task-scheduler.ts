import type { DocumentStore } from '../../store/document-store.js';
import { CloudTasksScheduler } from './cloud-tasks-scheduler.js';
import { StoreTaskScheduler } from './store-task-scheduler.js';
import type { TaskScheduler } from './task-scheduler.js';

/**
 * Cloud Tasks when running as a deployed function (or in the functions
 * emulator against real Firestore), the store queue everywhere else: the
 * embedded runtime (`CRM_STORE=memory`), tests and scripts. `CRM_TASKS=cloud|store`
 * overrides. The Cloud Tasks client is loaded on first enqueue, not here.
 */
export function defaultTaskScheduler(store: DocumentStore, now?: () => Date): TaskScheduler {
  const override = process.env.CRM_TASKS;
  const inFunctions = process.env.K_SERVICE !== undefined || process.env.FUNCTION_TARGET !== undefined;
  const cloud = override ? override === 'cloud' : inFunctions && process.env.CRM_STORE !== 'memory';
  return cloud ? new CloudTasksScheduler(now ? { now } : {}) : new StoreTaskScheduler(store, now ? { now } : {});
}
