import { z } from 'zod';

export const LANGUAGE_CODE_PATTERN = /^[a-z]{2}(-[A-Z]{2})?$/;

export const LanguageCodeSchema = z
  .string()
  .regex(LANGUAGE_CODE_PATTERN, { error: 'must be a language code like "en" or "es-MX"' });

const LocalizedMapSchema = z
  .record(LanguageCodeSchema, z.string().trim().min(1, { error: 'must not be empty' }).max(500))
  .refine((map) => typeof map.en === 'string', {
    // English is the fallback for every lookup, so a translation map without it
    // would render blank for any user whose language is missing.
    error: 'a translated label must include "en"',
  });

/** A label: a plain string, or translations keyed by language code (must include "en"). */
export const LocalizedTextSchema = z.union([
  z.string().trim().min(1, { error: 'must not be empty' }).max(500),
  LocalizedMapSchema,
]);
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** Picks the best translation: exact language, then its base language, then the fallback, then any. */
export function resolveLabel(text: LocalizedText, lang: string, fallback = 'en'): string {
  if (typeof text === 'string') return text;
  const base = lang.split('-')[0] ?? lang;
  return text[lang] ?? text[base] ?? text[fallback] ?? Object.values(text)[0] ?? '';
}
