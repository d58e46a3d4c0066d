import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, knownTimeZones } from './time-zones';

describe('time zones for the settings page', () => {
  it('accepts IANA zones and refuses made-up or empty names', () => {
    expect(isKnownTimeZone('Europe/Madrid')).toBe(true);
    expect(isKnownTimeZone('Asia/Kolkata')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isKnownTimeZone(' ')).toBe(false);
  });

  it('suggests UTC first, then every zone Intl knows, each accepted', () => {
    const zones = knownTimeZones();
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('America/Mexico_City');
    expect(zones.every(isKnownTimeZone)).toBe(true);
  });
});
