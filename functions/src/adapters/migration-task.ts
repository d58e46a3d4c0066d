import { z } from 'zod';
import type { DocumentStore } from '../store/document-store.js';
import { runMigrationSlice, TaskQueueMigrationDriver } from './task-queue-migration-driver.js';

const PayloadSchema = z.object({ tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/), jobId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

/** Adapts the task payload for `crmRunMigrationTask` (index.ts): validate, run one slice. */
export async function runMigrationTask(store: DocumentStore, data: unknown, { region }: { region: string }): Promise<void> {
  const payload = PayloadSchema.parse(data);
  await runMigrationSlice(store, new TaskQueueMigrationDriver({ region }), payload);
}
