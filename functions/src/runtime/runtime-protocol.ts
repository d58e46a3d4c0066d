import { z } from 'zod';
import type { SeedSummary } from './demo/seed-demo.js';

/** What the parent tells the runtime process (in `CRM_RUNTIME_OPTIONS`, JSON). */
export const ZRuntimeOptionsSchema = z.object({
  projectId: z.string().min(1),
  region: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  authEmulatorHost: z.string().min(1),
  authEmulatorPort: z.number().int().min(1).max(65_535),
  seed: z.boolean(),
  templatesDir: z.string().min(1),
  webDistDir: z.string().min(1),
});
export type TRuntimeOptions = z.infer<typeof ZRuntimeOptionsSchema>;

/** Messages from the runtime process to the parent, over the IPC channel. */
export type RuntimeMessage =
  | { readonly type: 'ready'; readonly port: number; readonly seed: SeedSummary | null; readonly triggers: boolean; readonly tasks: boolean }
  | { readonly type: 'failed'; readonly message: string; readonly portInUse: number | null };

/** Messages from the parent. */
export type ParentMessage = { readonly type: 'stop' };

export function isRuntimeMessage(value: unknown): value is RuntimeMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'failed';
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return (value as { type?: unknown } | null)?.type === 'stop';
}
