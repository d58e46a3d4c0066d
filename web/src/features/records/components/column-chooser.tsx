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
  // Shown columns first, in their order (they can be moved), then the others in the module's order.
  const ordered = [...columns.map((key) => fields.find((field) => field.key === key)).filter((field) => field !== undefined), ...fields.filter((field) => !chosen.has(field.key))];

  const toggle = (key: string) => onChange(chosen.has(key) ? columns.filter((candidate) => candidate !== key) : [...columns, key]);
  const move = (key: string, by: -1 | 1) => {
    const from = columns.indexOf(key);
    const to = from + by;
    if (from < 0 || to < 0 || to >= columns.length) return;
    const next = [...columns];
    next.splice(to, 0, ...next.splice(from, 1));
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
      {ordered.map((field) => {
        const name = label(field.label, field.key);
        const at = columns.indexOf(field.key);
        return (
          <div key={field.key} className="column-row">
            <label className="check-row">
              <input type="checkbox" checked={chosen.has(field.key)} onChange={() => toggle(field.key)} data-testid={`column-toggle-${field.key}`} />
              <span>{name}</span>
            </label>
            {at >= 0 ? (
              <span className="column-move">
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => move(field.key, -1)} disabled={at === 0} aria-label={t('searchViews.columns.up', { column: name })} data-testid={`column-up-${field.key}`}>
                  ↑
                </button>
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => move(field.key, 1)} disabled={at === columns.length - 1} aria-label={t('searchViews.columns.down', { column: name })} data-testid={`column-down-${field.key}`}>
                  ↓
                </button>
              </span>
            ) : null}
          </div>
        );
      })}
      <div className="popover-actions">
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(false)}>
          {t('app.close')}
        </button>
      </div>
    </Popover>
  );
}
