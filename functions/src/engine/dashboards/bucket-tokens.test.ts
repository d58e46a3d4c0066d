import { describe, expect, it } from 'vitest';
import { coverDayRange, coverInstantRange, dateBucketParts } from './bucket-tokens.js';
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
