/**
 * Numbers as people type them in their language: "12,500.50" in English,
 * "12.500,50" in Spanish — the way the CRM displays them — plus the plain
 * "12500.5" a machine (or a paste) writes. Returns undefined for anything
 * else, so the caller can let the field validator say what is wrong.
 */
export function parseLocaleNumber(text: string, locale: string): number | undefined {
  // Spaces, no-break spaces and narrow no-break spaces group digits in many locales (fr, es-*); currency signs are decoration.
  const compact = text.replace(/[\s\u00a0\u202f]/g, '').replace(/[$€£¥₹]/g, '');
  if (compact === '') return undefined;
  const { group, decimal } = separatorsFor(locale);
  const localized = parseWith(compact, group, decimal);
  if (localized !== undefined) return localized;
  // "12.5" in Spanish is not a valid grouping ("12.500" is), so read it as a plain decimal.
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(compact) ? Number(compact) : undefined;
}

/** The locale's separators, from Intl itself so every locale the browser knows works. */
export function separatorsFor(locale: string): { group: string; decimal: string } {
  let cached = SEPARATORS.get(locale);
  if (!cached) {
    const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1234567.5);
    const group = parts.find((part) => part.type === 'group')?.value ?? ',';
    const decimal = parts.find((part) => part.type === 'decimal')?.value ?? '.';
    // A no-break space group separator is typed as a plain space, which was removed above.
    cached = { group: /[\s\u00a0\u202f]/.test(group) ? '' : group, decimal };
    SEPARATORS.set(locale, cached);
  }
  return cached;
}

const SEPARATORS = new Map<string, { group: string; decimal: string }>();

function parseWith(text: string, group: string, decimal: string): number | undefined {
  const sign = /^[+-]/.test(text) ? text[0] : '';
  const body = sign ? text.slice(1) : text;
  const [whole = '', fraction, ...rest] = body.split(decimal);
  if (rest.length > 0) return undefined;
  if (fraction !== undefined && !/^\d*$/.test(fraction)) return undefined;
  if (whole === '' && (fraction === undefined || fraction === '')) return undefined;
  let digits: string;
  if (group !== '' && whole.includes(group)) {
    // Grouped: 1–3 leading digits, then groups of exactly 3, so "1,2,3" is refused instead of read as 123.
    const groups = whole.split(group);
    const valid = /^\d{1,3}$/.test(groups[0] ?? '') && groups.slice(1).every((part) => /^\d{3}$/.test(part));
    if (!valid) return undefined;
    digits = groups.join('');
  } else {
    if (!/^\d*$/.test(whole)) return undefined;
    digits = whole;
  }
  const value = Number(`${sign}${digits || '0'}.${fraction ?? ''}`.replace(/\.$/, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** A number as an input shows it for editing: the user's decimal mark, no grouping, nothing rounded away. */
export function formatNumberForInput(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 20 }).format(value);
}
