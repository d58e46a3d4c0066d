import type { Readable } from 'node:stream';
import type { DocumentStore } from '../../store/document-store.js';
import { tenantFiles } from '../files/file-store.js';
import { importPaths } from './import-paths.js';
import type { ImportJobParams } from './import-params.js';
import { readTable } from './read-table.js';

const PAGE = 500;

/** The error file's path (next to the job's other outputs, `tenantFiles.jobOutput`). */
export function errorFilePath(tenantId: string, jobId: string): string {
  return tenantFiles.jobOutput(tenantId, jobId, 'import-errors.csv');
}

/**
 * Writes the failed rows as a CSV a person fixes and imports again: the
 * original header and cells, plus one column with the row number and every
 * error ("Email: must be an email address…"). Streamed page by page from the
 * error documents, so it never holds more than a page; the file store makes
 * the write atomic, so a slice retried here rewrites the same file.
 */
export async function writeErrorFile(
  ctx: {
    readonly services: { readonly store: DocumentStore; readonly files: { read(path: string): Promise<Readable>; write(path: string, body: AsyncIterable<Uint8Array>, options?: { contentType?: string }): Promise<{ size: number }> } };
    readonly tenantId: string;
    readonly job: { readonly id: string };
  },
  params: Pick<ImportJobParams, 'sourcePath' | 'format' | 'language'>,
): Promise<string> {
  const header = await readHeader(ctx, params);
  const path = errorFilePath(ctx.tenantId, ctx.job.id);
  const { store } = ctx.services;
  const collection = importPaths.errors(ctx.tenantId, ctx.job.id);
  const labels = params.language === 'es' ? { row: 'Fila', errors: 'Errores' } : { row: 'Row', errors: 'Errors' };
  async function* lines(): AsyncGenerator<Uint8Array> {
    // A BOM so Excel opens UTF-8 (accents) correctly; the import reader skips it.
    yield Buffer.from(`\uFEFF${csvLine([...header, labels.row, labels.errors])}`);
    let after: string | null = null;
    for (;;) {
      const docs = await store.query({ collection, orderBy: [{ field: '__name__' }], ...(after ? { startAfter: [after] } : {}), limit: PAGE });
      if (docs.length === 0) return;
      const chunk: string[] = [];
      for (const doc of docs) {
        const cells = Array.isArray(doc.data.cells) ? doc.data.cells.map(String) : [];
        const errors = Array.isArray(doc.data.errors) ? doc.data.errors : [];
        const text = errors
          .map((error) => {
            const entry = error as { column?: unknown; message?: unknown };
            return entry.column ? `${String(entry.column)}: ${String(entry.message)}` : String(entry.message);
          })
          .join('; ');
        const padded = header.map((_, index) => cells[index] ?? '');
        chunk.push(csvLine([...padded, String(doc.data.row ?? ''), text]));
      }
      yield Buffer.from(chunk.join(''));
      after = docs[docs.length - 1]?.path ?? null;
      if (docs.length < PAGE) return;
    }
  }
  await ctx.services.files.write(path, lines(), { contentType: 'text/csv; charset=utf-8' });
  return path;
}

async function readHeader(ctx: { readonly services: { readonly files: { read(path: string): Promise<Readable> } } }, params: Pick<ImportJobParams, 'sourcePath' | 'format'>): Promise<string[]> {
  const rows = readTable(await ctx.services.files.read(params.sourcePath), params.format)[Symbol.asyncIterator]();
  try {
    const first = await rows.next();
    return first.done ? [] : first.value;
  } finally {
    await rows.return?.(undefined);
  }
}

/** RFC 4180: quote a cell holding a delimiter, quote or line break; double its quotes. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => (/[",;\r\n\t]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')}\r\n`;
}
