import { describe, expect, it } from 'vitest';
import { localDayOf, startOfLocalDay, startOfWeek, zoneOffsetMinutes } from './calendar.js';

describe('local days in a time zone', () => {
  it('starts a Kolkata day at 18:30 UTC the evening before', () => {
    expect(new Date(startOfLocalDay('2026-12-01', 'Asia/Kolkata')).toISOString()).toBe('2026-11-30T18:30:00.000Z');
    expect(zoneOffsetMinutes(Date.parse('2026-12-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });

  it('follows daylight saving in New York, including the 23- and 25-hour days', () => {
    expect(new Date(startOfLocalDay('2026-07-01', 'America/New_York')).toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-12-01', 'America/New_York')).toISOString()).toBe('2026-12-01T05:00:00.000Z');
    const springForward = startOfLocalDay('2026-03-09', 'America/New_York') - startOfLocalDay('2026-03-08', 'America/New_York');
    const fallBack = startOfLocalDay('2026-11-02', 'America/New_York') - startOfLocalDay('2026-11-01', 'America/New_York');
    expect(springForward / 3_600_000).toBe(23);
    expect(fallBack / 3_600_000).toBe(25);
  });

  it('finds the start of a day whose midnight is skipped by a transition', () => {
    // Santiago springs forward at 24:00 on 2026-09-05: 2026-09-06 starts at 01:00 local.
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(localDayOf(start, 'America/Santiago')).toBe('2026-09-06');
    expect(localDayOf(start - 1, 'America/Santiago')).toBe('2026-09-05');
  });

  it('puts an instant on the local day of the zone, not of UTC', () => {
    expect(localDayOf(Date.parse('2026-11-30T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-12-01');
    expect(localDayOf(Date.parse('2026-12-01T03:00:00Z'), 'America/New_York')).toBe('2026-11-30');
  });

  it('starts weeks on Monday', () => {
    expect(startOfWeek('2026-12-02')).toBe('2026-11-30');
    expect(startOfWeek('2026-11-30')).toBe('2026-11-30');
    expect(startOfWeek('2026-12-06')).toBe('2026-11-30');
  });
});
