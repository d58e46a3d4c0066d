/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
 * Excel, LibreOffice and Sheets when the file is opened. Prefixing a single
 * quote makes it text in all of them. Negative numbers are exported as
 * numbers (XLSX) or left alone (they are no formula), so only strings reach
 * this. A leading `-` on text such as "-5 days" gets the quote too: the
 * cost of a visible quote is lower than the cost of guessing wrong.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutralizeCell(value: string): string {
  return value.length > 0 && FORMULA_TRIGGERS.has(value[0] as string) ? `'${value}` : value;
}

/** A cell value as it goes into a file: strings neutralised, numbers and booleans kept as they are. */
export type ExportCell = string | number | boolean | null;

export function neutralizeExportCell(value: ExportCell): ExportCell {
  return typeof value === 'string' ? neutralizeCell(value) : value;
}
