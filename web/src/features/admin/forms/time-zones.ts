/** The IANA zones this browser knows, for the settings page's suggestions; UTC always first. */
export function knownTimeZones(): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...supported.filter((zone) => zone !== 'UTC')];
}

/**
 * Whether `Intl` accepts the zone — the server's own test (`isValidTimeZone`),
 * so the form refuses what the server would refuse, before sending.
 */
export function isKnownTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
