import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toUserError } from '../../../lib/api/to-user-error';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useRecordChoices } from '../api/workflow-api';

/**
 * Picks the record a preview or dry run uses: the module's latest records,
 * narrowed by a server search. `value` comes from useChosenRecord, so with
 * nothing chosen yet the latest record is used and a preview is one click.
 */
export function RecordChooser({ module, value, onChange }: { module: string; value: string | null; onChange: (recordId: string) => void }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const [search, setSearch] = useState('');
  const choices = useRecordChoices(tenantId, module, search);
  const latest = useRecordChoices(tenantId, module, '');
  const records = choices.data ?? [];
  const chosen = value ?? '';
  const current = latest.data?.find((record) => record.id === value) ?? records.find((record) => record.id === value);
  const labelOf = (record: { display: string | null; number: string }) =>
    record.display && record.display !== record.number ? `${record.display} · ${record.number}` : record.number;
  return (
    <div className="wf-record-chooser">
      <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder={t('workflows.searchRecords')} aria-label={t('workflows.searchRecords')} />
      <select value={chosen} onChange={(event) => onChange(event.target.value)} data-testid="test-record" aria-label={t('workflows.testRecord')}>
        {records.length === 0 ? <option value="">{choices.isPending ? t('app.loading') : t('workflows.noRecords')}</option> : null}
        {value !== null && !records.some((record) => record.id === value) ? <option value={value}>{current ? labelOf(current) : value}</option> : null}
        {records.map((record) => (
          <option key={record.id} value={record.id}>
            {labelOf(record)}
          </option>
        ))}
      </select>
      {choices.isError ? <span className="field-error">{toUserError(choices.error).message}</span> : null}
    </div>
  );
}

/** The record the chooser currently shows (its explicit choice, else the first offered). */
export function useChosenRecord(module: string, value: string | null): string | null {
  const { tenantId } = useTenantSession();
  const choices = useRecordChoices(tenantId, module, '');
  return value ?? choices.data?.[0]?.id ?? null;
}
