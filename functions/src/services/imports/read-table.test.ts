import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTable, sniffDelimiter, TableFormatError } from './read-table.js';

async function rowsOf(input: Buffer | string, format: 'csv' | 'xlsx'): Promise<string[][]> {
  const buffer = typeof input === 'string' ? Buffer.from(input) : input;
  // Small chunks: the parsers must stream, not rely on one buffer.
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += 7) chunks.push(buffer.subarray(offset, offset + 7));
  const rows: string[][] = [];
  for await (const row of readTable(Readable.from(chunks), format)) rows.push(row);
  return rows;
}

describe('readTable: CSV', () => {
  it('reads quoted cells with commas, quotes and line breaks; skips a BOM and blank lines', async () => {
    const csv = '\uFEFFName,Note\r\n"Lovelace, Ada","said ""hi""\nthen left"\r\n\r\nHopper,\r\n';
    expect(await rowsOf(csv, 'csv')).toEqual([
      ['Name', 'Note'],
      ['Lovelace, Ada', 'said "hi"\nthen left'],
      ['Hopper', ''],
    ]);
  });

  it('reads semicolon and tab separated files (the delimiter is sniffed from the header)', async () => {
    expect(await rowsOf('a;b;c\n1,5;2;3\n', 'csv')).toEqual([['a', 'b', 'c'], ['1,5', '2', '3']]);
    expect(await rowsOf('a\tb\n1\t2\n', 'csv')).toEqual([['a', 'b'], ['1', '2']]);
    expect(sniffDelimiter('"x;y",b,c\n')).toBe(',');
  });

  it('refuses a file with more columns than it reads', async () => {
    const header = Array.from({ length: 201 }, (_, i) => `c${i}`).join(',');
    await expect(rowsOf(`${header}\n`, 'csv')).rejects.toBeInstanceOf(TableFormatError);
  });
});

describe('readTable: XLSX', () => {
  it('reads the first sheet: text, numbers, dates, booleans, formulas and rich text as a person sees them', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Patients');
    sheet.addRow(['Name', 'Born', 'Visits', 'Insured', 'Total', 'Note']);
    sheet.addRow(['Ada', new Date(Date.UTC(1985, 11, 10)), 3, true, { formula: 'C2*2', result: 6 }, { richText: [{ text: 'bold ' }, { text: 'plain' }] }]);
    sheet.addRow([]);
    sheet.addRow(['Grace', '1906-12-09', 1.5, false, null, null]);
    workbook.addWorksheet('Ignored').addRow(['not read']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await rowsOf(buffer, 'xlsx')).toEqual([
      ['Name', 'Born', 'Visits', 'Insured', 'Total', 'Note'],
      ['Ada', '1985-12-10', '3', 'true', '6', 'bold plain'],
      ['Grace', '1906-12-09', '1.5', 'false'],
    ]);
  });

  it('answers a file that is not an XLSX with a format error', async () => {
    await expect(rowsOf('Name,Email\nAda,a@b.co\n', 'xlsx')).rejects.toBeInstanceOf(TableFormatError);
  });
});
