import i18next, { type i18n } from 'i18next';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { initReactI18next } from 'react-i18next';
import { bindErrorTranslator } from '../api/to-user-error';
import { en } from './en';
import { es } from './es';

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'crm-pro.language';

function isLanguageCode(value: unknown): value is LanguageCode {
  return LANGUAGES.some((language) => language.code === value);
}

/** The language the user picked on this device, if any (it outranks the tenant's default). */
function storedLanguage(): LanguageCode | null {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLanguageCode(stored) ? stored : null;
  } catch {
    // Storage can be blocked (private mode, an embedding host's sandbox): then nothing is remembered.
    return null;
  }
}

function initialLanguage(): LanguageCode {
  const stored = storedLanguage();
  if (stored) return stored;
  const browser = (globalThis.navigator?.language ?? 'en').split('-')[0];
  return isLanguageCode(browser) ? browser : 'en';
}

function setDocumentLanguage(language: string): void {
  // Screen readers and the browser's own hyphenation and translation offers read <html lang>.
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** One i18next instance per mount, so an embedding host's own i18next is left alone. */
export function createI18n(): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: initialLanguage(),
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  setDocumentLanguage(instance.language);
  instance.on('languageChanged', setDocumentLanguage);
  bindErrorTranslator(instance);
  return instance;
}

/** The user's explicit choice: applied now and remembered across reloads on this device. */
export function chooseLanguage(instance: i18n, language: string): void {
  if (!isLanguageCode(language)) return;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, still applied.
  }
  void instance.changeLanguage(language);
}

/**
 * Switches to the language the tenant's admin chose, when this user has never
 * picked one here (an explicit choice always wins). Unset, the browser's
 * language stays.
 */
export function useTenantDefaultLanguage(defaultLanguage: string | null | undefined): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (!defaultLanguage || !isLanguageCode(defaultLanguage) || storedLanguage() !== null) return;
    if (i18n.language !== defaultLanguage) void i18n.changeLanguage(defaultLanguage);
  }, [defaultLanguage, i18n]);
}
