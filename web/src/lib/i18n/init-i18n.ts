import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { es } from './es';

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'crm-pro.language';

function initialLanguage(): LanguageCode {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'es') return stored;
  const browser = (globalThis.navigator?.language ?? 'en').split('-')[0];
  return browser === 'es' ? 'es' : 'en';
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
  instance.on('languageChanged', (language) => {
    globalThis.localStorage?.setItem(STORAGE_KEY, language);
    if (typeof document !== 'undefined') document.documentElement.lang = language;
  });
  return instance;
}
