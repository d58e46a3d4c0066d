import { useState } from 'react';
import { Combobox } from '../../../components/combobox';
import { useTranslation } from 'react-i18next';
import { toUserError } from '../../../lib/api/to-user-error';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useRecordSearch } from '../api/records-api';
import { useDebouncedValue } from '../hooks/use-debounced-value';

/**
 * The kit's combobox over the related module's records, searched on the
 * server as the user types; `id` is the input's, so the form's label names it.
 */
export function RelationshipPicker({
  id,
  relatedModule,
  relatedLabel,
  value,
  initialDisplay,
  onChange,
  invalid,
  testId,
}: {
  id: string;
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
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [display, setDisplay] = useState<string | null>(initialDisplay);
  const query = useDebouncedValue(text, 250);
  const results = useRecordSearch(tenantId, relatedModule, query, open);

  if (value !== '' && !open) {
    return (
      <div className={`picker-value${invalid ? ' invalid' : ''}`} data-testid={testId}>
        <span className="pill">{display ?? value}</span>
        <button type="button" id={id} className="btn btn-link btn-sm" onClick={() => setOpen(true)} aria-label={`${t('records.change')}: ${relatedLabel}`}>
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

  const options = (results.data ?? []).map((record) => ({ id: record.id, label: record.display ?? record.number, hint: record.display && record.display !== record.number ? record.number : undefined }));
  const status = results.isError
    ? { text: toUserError(results.error).message, error: true }
    : results.isPending
      ? { text: t('app.loading') }
      : options.length === 0
        ? { text: t('records.noMatches') }
        : null;

  return (
    <div className="picker">
      <Combobox
        id={id}
        text={text}
        onTextChange={setText}
        onOpenChange={(isOpen) => {
          if (isOpen) setOpen(true);
        }}
        options={options}
        status={status}
        onPick={(option) => {
          onChange(option.id);
          setDisplay(option.label);
          setText('');
          setOpen(false);
        }}
        placeholder={t('records.searchRelated', { module: relatedLabel })}
        invalid={invalid}
        testId={testId}
        autoFocus={value !== ''}
      />
    </div>
  );
}
