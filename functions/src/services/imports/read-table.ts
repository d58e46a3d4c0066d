import { Readable } from 'node:stream';

export type SourceFormat = 'csv' | 'xlsx';

/** Bounds on what one file may make an instance do (DESIGN §5: every cost a tenant controls is bounded). */
export const TABLE_LIMITS = {
  /** HubSpot's per-file limit, and Excel's row count. */
  maxRows: 1_048_576,
  maxColumns: 200,
  /** Per cell; the longest field value the validator accepts is 100,000 characters. */
  maxCellLength: 100_000,
  /** Per row (csv-parse refuses longer records instead of buffering them). */
  maxRowBytes: 1_000_000,
} as const;

export class TableFormatError extends Error {
  override readonly name = 'TableFormatError';
  constructor(
    message: string,
    readonly reason: 'badCsv' | 'badXlsx' | 'tooManyColumns' | 'tooManyRows' | 'noHeader' | 'cellTooLong',
  ) {
    super(message);
  }
}

/**
 * Streams a CSV or XLSX file as rows of strings, header row first, holding
 * one row at a time (plus the parser's buffer): memory does not grow with the
 * file. Both parsers are loaded on first use so a callable that never imports
 * anything does not pay for them at cold start.
 */
export async function* readTable(input: Readable, format: SourceFormat): AsyncGenerator<string[]> {
  const rows = format === 'csv' ? readCsv(input) : readXlsx(input);
  let count = 0;
  for await (const row of rows) {
    if (row.length > TABLE_LIMITS.maxColumns) {
      throw new TableFormatError(`row ${count + 1} has ${row.length} columns; at most ${TABLE_LIMITS.maxColumns} are read`, 'tooManyColumns');
    }
    if (row.some((cell) => cell.length > TABLE_LIMITS.maxCellLength)) {
      throw new TableFormatError(`row ${count + 1} has a cell over ${TABLE_LIMITS.maxCellLength} characters`, 'cellTooLong');
    }
    count += 1;
    if (count > TABLE_LIMITS.maxRows + 1) throw new TableFormatError(`the file has more than ${TABLE_LIMITS.maxRows} rows`, 'tooManyRows');
    yield row;
  }
}

async function* readCsv(input: Readable): AsyncGenerator<string[]> {
  const { parse } = await import('csv-parse');
  const { first, rest } = await peek(input, 64 * 1024);
  const parser = parse({
    delimiter: sniffDelimiter(first.toString('utf8')),
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: TABLE_LIMITS.maxRowBytes,
  });
  const source = Readable.from(rest);
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (record.every((cell) => cell.trim() === '')) continue;
      yield record;
    }
  } catch (error) {
    if (error instanceof TableFormatError) throw error;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) throw new TableFormatError(`not a readable CSV file: ${(error as Error).message}`, 'badCsv');
    throw error;
  } finally {
    source.unpipe(parser);
    source.destroy();
  }
}

/**
 * XLSX through exceljs' streaming reader: the first worksheet, row by row.
 * Dates come back as dates (styles are cached for their number formats),
 * formulas as their cached result, rich text as its plain text.
 */
async function* readXlsx(input: Readable): AsyncGenerator<string[]> {
  const ExcelJS = (await import('exceljs')).default;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let expected = 1;
  try {
    for await (const worksheet of reader) {
      for await (const row of worksheet as AsyncIterable<{ number: number; values: unknown }>) {
        // Blank rows are absent from the stream; they are skipped as in CSV.
        expected = row.number + 1;
        const values = Array.isArray(row.values) ? (row.values as unknown[]).slice(1) : [];
        const cells = Array.from({ length: values.length }, (_, index) => cellText(values[index]));
        if (cells.every((cell) => cell.trim() === '')) continue;
        yield cells;
      }
      // Only the first worksheet is imported.
      break;
    }
  } catch (error) {
    if (error instanceof TableFormatError) throw error;
    throw new TableFormatError(`not a readable XLSX file near row ${expected}: ${(error as Error).message}`, 'badXlsx');
  }
}

/** An exceljs cell value as the text a person sees (dates as ISO, so the coercion reads them). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    // Excel dates without a time are midnight UTC: a date, not an instant.
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const cell = value as { richText?: Array<{ text?: string }>; text?: unknown; result?: unknown; error?: unknown; hyperlink?: unknown };
    if (Array.isArray(cell.richText)) return cell.richText.map((part) => part.text ?? '').join('');
    if ('result' in cell) return cellText(cell.result);
    if (typeof cell.text === 'string') return cell.text;
    if (cell.text && typeof cell.text === 'object') return cellText(cell.text);
    if (typeof cell.error === 'string') return cell.error;
  }
  return '';
}

/** `,` `;` or tab: whichever appears most often outside quotes in the first line. */
export function sniffDelimiter(sample: string): string {
  let inQuotes = false;
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  for (const char of sample) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '\n' || char === '\r')) break;
    else if (!inQuotes && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) ?? 0)) best = delimiter;
  return best;
}

/** Reads at least `bytes` (or everything) from the stream and hands back that prefix plus the whole stream again. */
async function peek(input: Readable, bytes: number): Promise<{ first: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (finished) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { first, rest: rest() };
}
