import { describe, expect, it } from 'vitest';
import { formatNumberForInput, parseLocaleNumber } from './parse-number';

describe('parseLocaleNumber', () => {
  it('reads English grouping and decimals: 12,500 and 12,500.75', () => {
    expect(parseLocaleNumber('12,500', 'en')).toBe(12500);
    expect(parseLocaleNumber('12,500.75', 'en')).toBe(12500.75);
    expect(parseLocaleNumber('1,234,567', 'en')).toBe(1234567);
    expect(parseLocaleNumber('-3.5', 'en')).toBe(-3.5);
  });

  it('reads Spanish grouping and decimals: 12.500 and 12.500,75', () => {
    expect(parseLocaleNumber('12.500', 'es')).toBe(12500);
    expect(parseLocaleNumber('12.500,75', 'es')).toBe(12500.75);
    expect(parseLocaleNumber('0,5', 'es')).toBe(0.5);
    expect(parseLocaleNumber('1.234.567', 'es')).toBe(1234567);
  });

  it('still takes a plain machine number in any language', () => {
    expect(parseLocaleNumber('12500.5', 'es')).toBe(12500.5);
    expect(parseLocaleNumber('12.5', 'es')).toBe(12.5);
    expect(parseLocaleNumber('12500', 'en')).toBe(12500);
  });

  it('ignores spaces (including no-break spaces) and currency signs', () => {
    expect(parseLocaleNumber(' $ 12,500.00 ', 'en')).toBe(12500);
    expect(parseLocaleNumber('12\u00a0500 €', 'es')).toBe(12500);
    expect(parseLocaleNumber('1\u202f234,5', 'fr')).toBe(1234.5);
  });

  it('refuses what is not a number in that language rather than guess', () => {
    expect(parseLocaleNumber('1,2,3', 'en')).toBeUndefined();
    expect(parseLocaleNumber('12,50', 'en')).toBeUndefined();
    expect(parseLocaleNumber('1.2.3', 'es')).toBeUndefined();
    expect(parseLocaleNumber('12,500.5.1', 'en')).toBeUndefined();
    expect(parseLocaleNumber('abc', 'en')).toBeUndefined();
    expect(parseLocaleNumber('', 'en')).toBeUndefined();
    expect(parseLocaleNumber('--4', 'en')).toBeUndefined();
  });
});

describe('formatNumberForInput', () => {
  it('writes the decimal mark of the language without grouping, and parses back to the same number', () => {
    expect(formatNumberForInput(12500.75, 'es')).toBe('12500,75');
    expect(formatNumberForInput(12500.75, 'en')).toBe('12500.75');
    for (const locale of ['en', 'es', 'fr', 'de']) {
      for (const value of [0, 1, -7.25, 12500.75, 1234567.89, 0.1 + 0.2]) {
        expect(parseLocaleNumber(formatNumberForInput(value, locale), locale)).toBe(value);
      }
    }
  });
});
