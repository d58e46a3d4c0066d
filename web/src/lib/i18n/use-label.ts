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

type ModuleLabels = { label: LocalizedText; label_plural?: LocalizedText | undefined; slug: string; source?: string | undefined };

/**
 * "New Vehicle" / "Nuevo: Vehículo": the module's singular label. Custom
 * modules made before the admin form asked for both names have one label,
 * usually the plural ("Clients"), so they get "New record" instead of "New Clients".
 */
export function useNewRecordTitle(): (module: ModuleLabels) => string {
  const { t } = useTranslation();
  const label = useLabel();
  return useCallback(
    (module: ModuleLabels) =>
      module.source === 'custom' && module.label_plural === undefined ? t('records.newRecord') : t('records.new', { module: label(module.label, module.slug) }),
    [t, label],
  );
}
