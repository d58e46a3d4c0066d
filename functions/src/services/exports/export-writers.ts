import { PassThrough } from 'node:stream';
import type { ExportCell } from './neutralize-cell.js';

export type ExportFileType = 'csv' | 'xlsx';

export const EXPORT_CONTENT_TYPES: Record<ExportFileType, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Rows in batches (a batch is one part file of the export): bytes are produced per batch, never for the whole file at once. */
export type RowBatches = AsyncIterable<readonly ExportCell[][]>;

/**
 * CSV bytes through csv-stringify (RFC 4180 quoting), one batch at a time.
 * A UTF-8 byte-order mark first: without it Excel reads the file as the
 * machine's ANSI code page and "García" comes out garbled.
 */
export async function* csvBytes(header: readonly string[], batches: RowBatches): AsyncIterable<Uint8Array> {
  const { stringify } = await import('csv-stringify/sync');
  yield Buffer.from(`\uFEFF${stringify([header as string[]], { record_delimiter: 'windows' })}`, 'utf8');
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    const text = stringify(rows.map((row) => row.map(csvCell)), { record_delimiter: 'windows' });
    yield Buffer.from(text, 'utf8');
  }
}

function csvCell(cell: ExportCell): string | number {
  if (cell === null) return '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return cell;
}

/**
 * XLSX bytes through exceljs' streaming WorkbookWriter: each row is committed
 * to the zip stream as it is added, so memory holds a batch, not the sheet.
 * Shared strings are off (they would keep every distinct string in memory).
 * exceljs is loaded here only, when an XLSX export runs.
 */
export async function* xlsxBytes(header: readonly string[], batches: RowBatches, sheetName: string): AsyncIterable<Uint8Array> {
  const { default: ExcelJS } = await import('exceljs');
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(safeSheetName(sheetName));
  const producing = (async () => {
    sheet.addRow([...header]).commit();
    for await (const rows of batches) {
      for (const row of rows) sheet.addRow(row.map((cell) => (cell === null ? undefined : cell))).commit();
      // Let the consumer drain what this batch produced before the next one is read.
      await new Promise((resolve) => setImmediate(resolve));
    }
    sheet.commit();
    await workbook.commit();
  })();
  // A failure while producing ends the byte stream with that error rather than hanging the reader.
  producing.catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  for await (const chunk of output) yield chunk as Uint8Array;
  await producing;
}

/** Excel refuses sheet names over 31 characters or with : \ / ? * [ ]. */
function safeSheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31) || 'Export';
}
