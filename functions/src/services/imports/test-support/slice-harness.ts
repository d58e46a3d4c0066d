import { Readable } from 'node:stream';
import { fieldValue, type DocumentStore, type Transaction, type WriteData } from '../../../store/document-store.js';

/** A file store in memory: enough of the port for the slices (read, write). */
export class MemoryFiles {
  readonly files = new Map<string, Buffer>();
  async write(path: string, body: AsyncIterable<Uint8Array> | Uint8Array | string): Promise<{ size: number }> {
    let buffer: Buffer;
    if (typeof body === 'string') buffer = Buffer.from(body);
    else if (body instanceof Uint8Array) buffer = Buffer.from(body);
    else {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      buffer = Buffer.concat(chunks);
    }
    this.files.set(path, buffer);
    return { size: buffer.length };
  }
  async read(path: string): Promise<Readable> {
    const buffer = this.files.get(path);
    if (!buffer) throw new Error(`no file ${path}`);
    // Small chunks, so parsers really stream.
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < buffer.length; offset += 4096) chunks.push(buffer.subarray(offset, offset + 4096));
    return Readable.from(chunks);
  }
  text(path: string): string {
    return this.files.get(path)?.toString('utf8') ?? '';
  }
}

export interface HarnessJob {
  id: string;
  params: Record<string, unknown>;
  cursor: unknown;
  createdBy: string;
  progress: { total: number | null; done: number; counts: Record<string, number> };
  result: Record<string, unknown> | null;
}

/**
 * Runs a slice function to the end the way a job runner does: the job's
 * cursor and progress live in a store document, `checkpoint` writes them
 * (inside the caller's transaction when given), and each slice starts from
 * the stored document. `sliceMs` makes slices short; `crashAfterCheckpoints`
 * throws from the store after that many checkpoints, mid-slice.
 */
export async function runSlicesToEnd<C>(
  store: DocumentStore,
  jobPath: string,
  job: Omit<HarnessJob, 'progress' | 'result' | 'cursor'>,
  runSlice: (ctx: C) => Promise<{ done: boolean }>,
  makeContext: (base: { tenantId: string; job: HarnessJob; deadline: number; checkpoint: (update: Record<string, unknown>, tx?: Transaction) => Promise<void> }) => C,
  options: { tenantId: string; sliceMs?: number; maxSlices?: number; onCheckpoint?: (count: number) => void } ,
): Promise<HarnessJob> {
  if (!(await store.get(jobPath))) {
    await store.set(jobPath, { ...(job as unknown as WriteData), cursor: null, progress: { total: null, done: 0, counts: {} }, result: null } as WriteData);
  }
  let checkpoints = 0;
  for (let slice = 0; slice < (options.maxSlices ?? 10_000); slice += 1) {
    const stored = (await store.get(jobPath))?.data as unknown as HarnessJob;
    const checkpoint = async (update: Record<string, unknown>, tx?: Transaction) => {
      checkpoints += 1;
      options.onCheckpoint?.(checkpoints);
      const patch: Record<string, unknown> = {};
      if ('cursor' in update) patch.cursor = update.cursor ?? null;
      // As the jobs runner does: `done` and `counts` are added, the rest replaces.
      if (update.done) patch['progress.done'] = fieldValue.increment(update.done as number);
      if (update.total !== undefined) patch['progress.total'] = update.total;
      for (const [key, value] of Object.entries((update.counts ?? {}) as Record<string, number>)) {
        if (value !== 0) patch[`progress.counts.${key}`] = fieldValue.increment(value);
      }
      if (update.result !== undefined) patch.result = update.result;
      if (tx) tx.update(jobPath, patch as WriteData);
      else await store.update(jobPath, patch as WriteData);
    };
    const ctx = makeContext({ tenantId: options.tenantId, job: stored, deadline: Date.now() + (options.sliceMs ?? 60_000), checkpoint });
    const { done } = await runSlice(ctx);
    if (done) return (await store.get(jobPath))?.data as unknown as HarnessJob;
  }
  throw new Error('job did not finish');
}
