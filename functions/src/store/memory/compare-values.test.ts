import { describe, expect, it } from 'vitest';
import { DocRef, compareStrings, comparePaths, compareValues, valuesEqual } from './compare-values.js';
import type { StoreValue } from '../document-store.js';

describe('compareValues (Firestore value order)', () => {
  it('ranks types: null < boolean < number < timestamp < string < reference < array < map', () => {
    const ordered: Array<StoreValue | DocRef> = [null, false, true, NaN, -1, 0, 2.5, new Date(0), '', 'a', new DocRef('a/b'), [], [0], {}, { a: 1 }];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const c = compareValues(ordered[i] as StoreValue, ordered[j] as StoreValue);
        expect(Math.sign(c), `${i} vs ${j}`).toBe(Math.sign(i - j));
      }
    }
  });

  it('treats NaN as the smallest number and equal to itself; -0 equals 0', () => {
    expect(compareValues(NaN, -Infinity)).toBe(-1);
    expect(valuesEqual(NaN, NaN)).toBe(true);
    expect(valuesEqual(-0, 0)).toBe(true);
    expect(valuesEqual(1, 1.0)).toBe(true);
    expect(valuesEqual(1, '1')).toBe(false);
  });

  it('compares strings in UTF-8 byte (code point) order, unlike JavaScript', () => {
    const emoji = '\u{1F600}';
    const fullwidth = '\uFF5E';
    expect(emoji < fullwidth).toBe(true); // UTF-16 says so...
    expect(compareStrings(emoji, fullwidth)).toBe(1); // ...Firestore does not
    expect(compareStrings('B', 'a')).toBe(-1);
    expect(compareStrings('ab', 'a')).toBe(1);
  });

  it('compares arrays elementwise then by length, maps by sorted keys then values', () => {
    expect(compareValues([1, 2], [1, 3])).toBe(-1);
    expect(compareValues([1, 2], [1])).toBe(1);
    expect(compareValues({ b: 1 }, { a: 2 })).toBe(1);
    expect(compareValues({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(0);
    expect(compareValues({ a: 1 }, { a: 1, b: 0 })).toBe(-1);
    expect(compareValues({ a: [1, { x: new Date(5) }] }, { a: [1, { x: new Date(5) }] })).toBe(0);
  });

  it('compares document paths segment by segment', () => {
    expect(comparePaths('c/a/s/x', 'c/a-b')).toBe(-1); // "a" < "a-b" as a segment
    expect('c/a/s/x' < 'c/a-b').toBe(false); // a flat string compare disagrees
    expect(comparePaths('c/a', 'c/a/s/x')).toBe(-1);
  });
});
