import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toUserError } from '../../../lib/api/to-user-error';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useRecordSearch } from '../api/records-api';
import { useDebouncedValue } from '../hooks/use-debounced-value';

/** A combobox over the related module's records, searched on the server as the user types. */
export function RelationshipPicker({
  relatedModule,
  relatedLabel,
  value,
  initialDisplay,
  onChange,
  invalid,
  testId,
}: {
  relatedModule: string;
  relatedLabel: string;
  value: string;
  initialDisplay: string | null;
  onChange: (id: string) => void;
  invalid: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [display, setDisplay] = useState<string | null>(initialDisplay);
  const query = useDebouncedValue(text, 250);
  const results = useRecordSearch(tenantId, relatedModule, query, open);

  if (value !== '' && !open) {
    return (
      <div className={`picker-value${invalid ? ' invalid' : ''}`} data-testid={testId}>
        <span className="pill">{display ?? value}</span>
        <button type="button" className="btn btn-link btn-sm" onClick={() => setOpen(true)}>
          {t('records.change')}
        </button>
        <button
          type="button"
          className="btn btn-link btn-sm"
          onClick={() => {
            onChange('');
            setDisplay(null);
          }}
        >
          {t('records.clear')}
        </button>
      </div>
    );
  }

  return (
    <div className="picker">
      <input
        type="search"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-invalid={invalid || undefined}
        placeholder={t('records.searchRelated', { module: relatedLabel })}
        value={text}
        onFocus={() => setOpen(true)}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setOpen(false);
        }}
        data-testid={testId}
      />
      {open ? (
        <ul className="picker-list" id={listId} role="listbox">
          {results.isError ? <li className="picker-empty error-text">{toUserError(results.error).message}</li> : null}
          {results.isPending ? <li className="picker-empty muted">{t('app.loading')}</li> : null}
          {results.data?.length === 0 ? <li className="picker-empty muted">{t('records.noMatches')}</li> : null}
          {results.data?.map((record) => (
            <li key={record.id} role="option" aria-selected={record.id === value}>
              <button
                type="button"
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => {
                  onChange(record.id);
                  setDisplay(record.display ?? record.number);
                  setText('');
                  setOpen(false);
                }}
              >
                <span>{record.display ?? record.number}</span>
                <span className="muted small">{record.number}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
