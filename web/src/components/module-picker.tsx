import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { useLabel } from '../lib/i18n/use-label';

/** The "Module" select of admin pages that work on one module at a time (fields, workflows). */
export function ModulePicker({
  modules,
  value,
  onChange,
  plural = false,
  testId,
}: {
  modules: readonly TModuleConfigView[];
  value: string;
  onChange: (slug: string) => void;
  /** Label each module by its plural ("Patients") rather than its singular. */
  plural?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  return (
    <label className="field inline-field">
      <span className="field-label">{t('admin.module')}</span>
      <select value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
        {modules.map((candidate) => (
          <option key={candidate.slug} value={candidate.slug}>
            {label((plural ? candidate.label_plural : undefined) ?? candidate.label, candidate.slug)}
          </option>
        ))}
      </select>
    </label>
  );
}
