import { wallTimeAt } from '../../time/zoned-time.js';
import type { SelectOption } from './field-options.js';
import { optionLabel } from './choice-options.js';

/**
 * Spreadsheet cells ⇄ field values, the parts the type modules share
 * (`fromCell` / `toCell` in field-type-module.ts). A cell is text as people
 * write it: numbers with either decimal mark and a currency sign, yes/no in
 * English or Spanish, day-first dates, option labels in any language.
 */

/** `1234.5`, `1,234.50`, `1.234,50`, `$ 12`, `12 €`: thousands separators and currency signs are ignored. */
export function parseCellNumber(text: string): number | undefined {
  const cleaned = text.replace(/[\s$€£¥]/g, '').replace(/^\((.*)\)$/, '-$1');
  if (!/^[-+]?[\d.,]+$/.test(cleaned)) return undefined;
  const lastDot = cleaned.lastIndexOf('.');
  const lastComma = cleaned.lastIndexOf(',');
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    // The later separator is the decimal one.
    normalized = lastDot > lastComma ? cleaned.replace(/,/g, '') : cleaned.replace(/\./g, '').replace(',', '.');
  } else if (lastComma >= 0) {
    // "1,234" is ambiguous; three digits after a single comma read as thousands, otherwise as decimals.
    const parts = cleaned.split(',');
    normalized = parts.length === 2 && (parts[1] ?? '').length !== 3 ? cleaned.replace(',', '.') : cleaned.replace(/,/g, '');
  } else {
    normalized = cleaned.split('.').length > 2 ? cleaned.replace(/\./g, '') : cleaned;
  }
  const value = Number(normalized);
  return Number.isFinite(value) ? value : undefined;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x', 'si', 'sí', 'verdadero', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'falso', 'off']);

export function parseCellBoolean(text: string): boolean | undefined {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** ISO `2026-03-01`, a datetime's day, or day-first `01/03/2026` / `1.3.2026` (the order most of the world writes). */
export function parseCellDate(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(text);
  if (iso) return ymd(iso[1], iso[2], iso[3]);
  const dmy = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  if (dmy) return ymd(dmy[3], dmy[2], dmy[1]);
  return undefined;
}

/** ISO with a zone as it is; a zone-less `2026-03-01 10:00` is read as UTC. */
export function parseCellDateTime(text: string): string | undefined {
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)$/.exec(text);
  if (local) return `${local[1]}T${local[2]}Z`;
  const spaced = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}.*)$/.exec(text);
  if (spaced) return `${spaced[1]}T${spaced[2]}`;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
  return day ? `${day}T00:00:00Z` : undefined;
}

function ymd(year: string | undefined, month: string | undefined, day: string | undefined): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Matches an option by value or by label in any language, ignoring case. */
export function matchCellOption(options: unknown, text: string): string | undefined {
  if (!Array.isArray(options)) return undefined;
  const wanted = text.toLowerCase();
  for (const option of options as SelectOption[]) {
    const value = typeof option === 'string' ? option : option.value;
    if (value.toLowerCase() === wanted) return value;
    if (typeof option !== 'string') {
      const labels = typeof option.label === 'string' ? [option.label] : Object.values(option.label ?? {});
      if (labels.some((label) => typeof label === 'string' && label.toLowerCase() === wanted)) return value;
      if (optionLabel(option).toLowerCase() === wanted) return value;
    }
  }
  return undefined;
}

/** The file name at the end of a link, for a file cell that holds one (a malformed `%` escape is kept as written). */
export function fileNameOfUrl(url: string): string {
  const last = url.split(/[?#]/)[0]?.split('/').pop() ?? '';
  if (last.length === 0) return 'file';
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // URIError: not an escape sequence after all.
  }
  return name.slice(0, 255);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-03-01 14:05` in the zone: what a person compares with the CRM's screens. */
export function formatCellInstant(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const wall = wallTimeAt(date, zone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}
