import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { Popover } from '../../../components/popover';
import { useLabel } from '../../../lib/i18n/use-label';
import { activeFields } from '../../../lib/tenant/tenant-session';

export function ColumnChooser({ module, columns, onChange }: { module: TModuleConfigView; columns: readonly string[]; onChange: (columns: string[]) => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const [open, setOpen] = useState(false);
  const fields = activeFields(module);
  const chosen = new Set(columns);

  const toggle = (key: string) => {
    // Keep the field order of the module, whatever order the boxes were ticked in.
    const next = fields.map((field) => field.key).filter((candidate) => (candidate === key ? !chosen.has(key) : chosen.has(candidate)));
    onChange(next);
  };

  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      title={t('records.columns')}
      placement="bottom-end"
      className="column-list"
      trigger={
        <button type="button" className="btn btn-ghost btn-sm" data-testid="columns-button">
          <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <path d="M4 4h4v16H4zM10 4h4v16h-4zM16 4h4v16h-4z" />
          </svg>
          {t('records.columns')}
        </button>
      }
    >
      {fields.map((field) => (
        <label key={field.key} className="check-row">
          <input type="checkbox" checked={chosen.has(field.key)} onChange={() => toggle(field.key)} />
          <span>{label(field.label, field.key)}</span>
        </label>
      ))}
      <div className="popover-actions">
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(false)}>
          {t('app.close')}
        </button>
      </div>
    </Popover>
  );
}
