import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { resolveLabel, type LocalizedText } from '@crm/engine/template/localized-text.js';

/** Resolves template labels in the user's language, falling back to English. */
export function useLabel(): (text: LocalizedText | undefined, fallback?: string) => string {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useCallback(
    (text: LocalizedText | undefined, fallback = '') => (text === undefined ? fallback : resolveLabel(text, language) || fallback),
    [language],
  );
}
