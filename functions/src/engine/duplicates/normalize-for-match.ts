import { distance } from 'fastest-levenshtein';
import { DEFAULT_FUZZY_THRESHOLD, type DuplicateCondition } from './duplicate-rules.js';

/** Longest text compared: edit distance is O(n·m); names and emails are far shorter. */
export const MAX_COMPARED_LENGTH = 200;

/** A value as duplicate rules compare it, or null when there is nothing to compare. */
export function normalizeForMatch(type: string, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== 'string') return null;
  switch (type) {
    case 'email':
      return value.trim().toLowerCase() || null;
    case 'phone': {
      const digits = value.replace(/\D/g, '');
      // A trunk prefix and the country code vary in how people type a number; the last 10 digits do not.
      return digits.length >= 4 ? digits.slice(-10) : null;
    }
    case 'text':
    case 'url':
      return foldText(value) || null;
    default:
      return value;
  }
}

/** Lower case, no accents, punctuation as spaces, single spaces: "  José  O'Neil " -> "jose o neil". */
export function foldText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ')
    .slice(0, MAX_COMPARED_LENGTH);
}

/** 1 for equal strings, 0 for nothing in common: 1 − Levenshtein distance / longer length. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - distance(a, b) / longer;
}

/** How well two normalised values match under one condition: a score in [threshold, 1], or null for no match. */
export function matchCondition(condition: DuplicateCondition, a: string | null, b: string | null): number | null {
  if (a === null || b === null) return null;
  if (condition.match === 'exact') return a === b ? 1 : null;
  const score = similarity(a, b);
  return score >= (condition.threshold ?? DEFAULT_FUZZY_THRESHOLD) ? score : null;
}
