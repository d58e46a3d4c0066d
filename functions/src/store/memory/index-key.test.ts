import { describe, expect, it } from 'vitest';
import type { StoreValue } from '../document-store.js';
import { DocRef, compareValues, type ComparableValue } from './compare-values.js';
import { encodeKey, encodeValue, prefixSuccessor } from './index-key.js';

const SAMPLES: ComparableValue[] = [
  null,
  false,
  true,
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  -1e300,
  -2.5,
  -1,
  -0,
  0,
  5e-324,
  1,
  1.5,
  2 ** 53,
  Number.POSITIVE_INFINITY,
  new Date(-1000),
  new Date(0),
  new Date(1_700_000_000_000),
  '',
  '\u0000',
  '\u0000a',
  '\u0001',
  'a',
  'a\u0000',
  'ab',
  'b',
  '\uffff',
  '😀',
  'é',
  new DocRef('a/b'),
  new DocRef('a/b/c/d'),
  new DocRef('a/b-c'),
  new DocRef('a/bc'),
  new DocRef('b/a'),
  [],
  [null],
  [1],
  [1, 2],
  [1, 'a'],
  ['a'],
  [[]],
  {},
  { a: 1 },
  { a: 1, b: 2 },
  { a: 2 },
  { b: 0 },
  { a: { x: [1] } },
];

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('index-key encoding', () => {
  it('orders every pair of sample values exactly as compareValues does, ascending and descending', () => {
    for (const a of SAMPLES) {
      for (const b of SAMPLES) {
        const expected = sign(compareValues(a, b));
        expect(sign(Buffer.compare(encodeValue(a), encodeValue(b))), `${String(a)} vs ${String(b)}`).toBe(expected);
        expect(sign(Buffer.compare(encodeValue(a, true), encodeValue(b, true)))).toBe(0 - expected);
      }
    }
  });

  it('orders random tuples like a lexicographic comparison of their values (prefix-free concatenation)', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = (): ComparableValue => SAMPLES[Math.floor(random() * SAMPLES.length)] as ComparableValue;
    for (let i = 0; i < 3000; i++) {
      const a = [pick(), pick()];
      const b = [pick(), pick()];
      const desc = random() < 0.5;
      const first = sign(compareValues(a[0] as ComparableValue, b[0] as ComparableValue));
      const expected = (desc ? -first : first) || sign(compareValues(a[1] as ComparableValue, b[1] as ComparableValue));
      const ka = encodeKey([{ value: a[0] as ComparableValue, descending: desc }, { value: a[1] as ComparableValue }]);
      const kb = encodeKey([{ value: b[0] as ComparableValue, descending: desc }, { value: b[1] as ComparableValue }]);
      expect(sign(Buffer.compare(ka, kb))).toBe(expected);
    }
  });

  it('gives equal keys to values Firestore treats as equal', () => {
    expect(encodeValue(0).equals(encodeValue(-0))).toBe(true);
    expect(encodeValue(Number.NaN).equals(encodeValue(Number.NaN))).toBe(true);
    expect(encodeValue({ b: 1, a: 2 } as StoreValue).equals(encodeValue({ a: 2, b: 1 } as StoreValue))).toBe(true);
  });

  it('bounds every key that starts with a prefix by its successor', () => {
    const prefix = encodeValue('abc');
    const succ = prefixSuccessor(prefix) as Buffer;
    const longer = encodeKey([{ value: 'abc' }, { value: '\uffff' }]);
    expect(Buffer.compare(longer, succ)).toBeLessThan(0);
    expect(Buffer.compare(encodeValue('abd'), succ)).toBeGreaterThanOrEqual(0);
    expect(prefixSuccessor(Buffer.from([0xff, 0xff]))).toBeNull();
  });
});
