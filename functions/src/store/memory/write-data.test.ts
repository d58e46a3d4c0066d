import { describe, expect, it } from 'vitest';
import { fieldValue } from '../document-store.js';
import { applyOps, copyIn, copyOut, planMerge, planReplace, planUpdate } from './write-data.js';

describe('write-data', () => {
  it('stores maps with a null prototype and hands out ordinary objects', () => {
    const stored = copyIn({ a: { b: 1 } }, 'doc') as Record<string, unknown>;
    expect(Object.getPrototypeOf(stored)).toBeNull();
    const out = copyOut(stored as never) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ a: { b: 1 } });
  });

  it('refuses reserved keys, undefined and class instances', () => {
    expect(() => copyIn(JSON.parse('{"__proto__":1}'), 'doc')).toThrow(/reserved/);
    expect(() => copyIn({ a: undefined }, 'doc')).toThrow(/undefined is not allowed/);
    expect(() => copyIn({ a: new Map() }, 'doc')).toThrow(/instance of Map/);
    expect(() => copyIn({ a: new Date(NaN) }, 'doc')).toThrow(/invalid Date/);
    expect(() => planUpdate({ 'a.__proto__.x': 1 }, 'doc')).toThrow(/reserved/);
  });

  it('applies replace, merge and update plans', () => {
    const base = copyIn({ a: { x: 1, y: 2 }, n: 1, list: [1] }, 'doc') as never;
    const replace = planReplace({ n: fieldValue.increment(5), m: { k: fieldValue.arrayUnion(1) } }, 'doc');
    expect(copyOut(applyOps(replace.base, replace.transforms))).toEqual({ n: 5, m: { k: [1] } });
    expect(copyOut(applyOps(base, planMerge({ a: { y: 3 }, e: {} }, 'doc')))).toEqual({ a: { x: 1, y: 3 }, n: 1, list: [1], e: {} });
    expect(copyOut(applyOps(base, planUpdate({ 'a.x': fieldValue.delete(), n: fieldValue.increment(1), 'list': fieldValue.arrayUnion(1, 2) }, 'doc')))).toEqual({
      a: { y: 2 },
      n: 2,
      list: [1, 2],
    });
    expect(() => planUpdate({ a: { b: fieldValue.delete() } }, 'doc')).toThrow(/top level/);
  });
});
