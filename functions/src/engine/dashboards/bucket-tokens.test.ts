import { describe, expect, it } from 'vitest';
import { coverDayRange, coverInstantRange, dateBucketParts, numericKey, numericPrefixParts } from './bucket-tokens.js';
import { dayRangeToInstants } from './date-range.js';

/** A seeded generator so failures reproduce. */
function buildRandom(seed = 42): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('date buckets', () => {
  it('covers a Kolkata day exactly with UTC quarter hours and hours', () => {
    const { startMs, endMs } = dayRangeToInstants({ start: '2026-12-01', end: '2026-12-02' }, 'Asia/Kolkata');
    const parts = coverInstantRange('at', startMs, endMs);
    expect(parts[0]).toBe('t:at=2026-11-30T18:30');
    expect(parts.at(-1)).toBe('t:at=2026-12-01T18:15');
    expect(parts.length).toBeLessThanOrEqual(30);
  });

  it('uses month tokens for whole months and day tokens for the edges', () => {
    expect(coverDayRange('due', { start: '2026-11-30', end: '2027-01-02' })).toEqual([
      'd:due=2026-11-30', 'm:due=2026-12', 'd:due=2027-01-01',
    ]);
  });

  it('selects exactly the instants inside a range, in any zone', () => {
    const random = buildRandom();
    for (const timeZone of ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/New_York', 'Australia/Lord_Howe']) {
      const range = { start: '2026-10-28', end: '2026-12-03' };
      const { startMs, endMs } = dayRangeToInstants(range, timeZone);
      const cover = new Set(coverInstantRange('at', startMs, endMs));
      for (let index = 0; index < 400; index += 1) {
        const instant = startMs - 3 * 86_400_000 + Math.floor(random() * (endMs - startMs + 6 * 86_400_000));
        const parts = dateBucketParts('at', 'datetime', new Date(instant).toISOString());
        const selected = parts.some((part) => cover.has(part));
        expect({ timeZone, instant: new Date(instant).toISOString(), selected }).toEqual({
          timeZone, instant: new Date(instant).toISOString(), selected: instant >= startMs && instant < endMs,
        });
      }
    }
  });

  it('matches a date at most once per cover (covers never overlap)', () => {
    const { startMs, endMs } = dayRangeToInstants({ start: '2026-01-01', end: '2027-01-01' }, 'Asia/Kolkata');
    const cover = new Set(coverInstantRange('at', startMs, endMs));
    const parts = dateBucketParts('at', 'datetime', '2026-06-15T10:20:00Z');
    expect(parts.filter((part) => cover.has(part))).toHaveLength(1);
  });
});

describe('numeric keys', () => {
  it('sort like the numbers they encode', () => {
    const random = buildRandom(7);
    const values = [0, -0, 1, -1, 0.5, -0.5, 1e-9, -1e-9, 1e12, -1e12, Number.MAX_VALUE, -Number.MAX_VALUE];
    for (let index = 0; index < 500; index += 1) values.push((random() - 0.5) * 10 ** Math.floor(random() * 12));
    const byKey = [...values].sort((a, b) => (numericKey(a) < numericKey(b) ? -1 : numericKey(a) > numericKey(b) ? 1 : 0));
    for (let index = 1; index < byKey.length; index += 1) {
      expect((byKey[index - 1] as number) <= (byKey[index] as number)).toBe(true);
    }
  });

  it('writes one prefix token per hex digit', () => {
    expect(numericPrefixParts('amount', 100)).toHaveLength(16);
    expect(numericPrefixParts('amount', 'x')).toEqual([]);
  });
});
