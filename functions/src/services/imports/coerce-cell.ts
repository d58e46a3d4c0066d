import type { FieldDefinition } from '../../engine/fields/field-definition.js';
import { optionLabel } from '../../engine/fields/field-definition.js';

/**
 * A spreadsheet cell is text; the engine validator wants typed values. This
 * turns one cell into the value a form would have sent for the field, and
 * leaves judging it to `validateRecordData` (the same validator hand-made
 * records go through). Anything it cannot read is passed on unchanged, so the
 * validator's own message ("must be a number") is what the importer sees.
 * Relationship cells are resolved against the store by the job, not here.
 */
export function coerceCell(field: FieldDefinition, raw: string): unknown {
  const text = raw.trim();
  if (text === '') return null;
  switch (field.type) {
    case 'number':
    case 'currency':
      return parseNumber(text) ?? text;
    case 'checkbox':
      return parseBoolean(text) ?? text;
    case 'select':
      return matchOption(field, text) ?? text;
    case 'multi_select':
      // `;` first (a comma may sit inside a label), `,` when no `;` is present.
      return (text.includes(';') ? text.split(';') : text.split(','))
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => matchOption(field, part) ?? part);
    case 'date':
      return parseDate(text) ?? text;
    case 'datetime':
      return parseDateTime(text) ?? text;
    case 'file':
      // A file value is an uploaded object; a cell can only hold a link to one.
      return /^https?:\/\//i.test(text) ? { name: fileNameOf(text), url: text } : text;
    default:
      return text;
  }
}

/** `1234.5`, `1,234.50`, `1.234,50`, `$ 12`, `12 €`: thousands separators and currency signs are ignored. */
export function parseNumber(text: string): number | undefined {
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

export function parseBoolean(text: string): boolean | undefined {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Matches an option by value or by label in any language, ignoring case. */
function matchOption(field: FieldDefinition, text: string): string | undefined {
  if (!Array.isArray(field.options)) return undefined;
  const wanted = text.toLowerCase();
  for (const option of field.options) {
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

/** ISO `2026-03-01`, a datetime's day, or day-first `01/03/2026` / `1.3.2026` (the order most of the world writes). */
export function parseDate(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(text);
  if (iso) return ymd(iso[1], iso[2], iso[3]);
  const dmy = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  if (dmy) return ymd(dmy[3], dmy[2], dmy[1]);
  return undefined;
}

/** ISO with a zone as it is; a zone-less `2026-03-01 10:00` is read as UTC. */
export function parseDateTime(text: string): string | undefined {
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

function fileNameOf(url: string): string {
  const last = url.split(/[?#]/)[0]?.split('/').pop() ?? '';
  return last.length > 0 ? decodeURIComponent(last).slice(0, 255) : 'file';
}
