import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordFilter } from '@crm/api';
import { FieldInput } from '../../../components/field-input';
import { PlusIcon } from '../../../components/module-icon';
import { Popover } from '../../../components/popover';
import { formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { activeFields } from '../../../lib/tenant/tenant-session';
import { filterValueFor, operatorsFor, type FilterOp } from '../forms/filter-model';

const MAX_FILTERS = 10;

/** Filters on any field: chips for the active ones, a small builder for the next. */
export function FilterBar({
  module,
  filters,
  onChange,
}: {
  module: TModuleConfigView;
  filters: readonly TRecordFilter[];
  onChange: (filters: TRecordFilter[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const [open, setOpen] = useState(false);
  const fields = activeFields(module).filter((field) => operatorsFor(field.type).length > 0);
  const byKey = new Map(module.fields.map((field) => [field.key, field]));

  return (
    <div className="filter-bar">
      {filters.map((filter, index) => {
        const field = byKey.get(filter.field);
        const shown = field ? formatFieldValue(field, filter.value, i18n.language, String(filter.value)) : String(filter.value);
        return (
          <span key={`${filter.field}-${index}`} className="filter-chip" data-testid="filter-chip">
            <strong>{field ? label(field.label, field.key) : filter.field}</strong> {t(`records.operator.${filter.op}`)} <em>{shown}</em>
            <button
              type="button"
              className="chip-remove"
              aria-label={t('records.clear')}
              onClick={() => onChange(filters.filter((_, other) => other !== index))}
            >
              ×
            </button>
          </span>
        );
      })}
      {filters.length < MAX_FILTERS ? (
        <Popover
          open={open}
          onOpenChange={setOpen}
          title={t('records.addFilter')}
          trigger={
            <button type="button" className="btn btn-ghost btn-sm" data-testid="add-filter">
              <PlusIcon /> {t('records.addFilter')}
            </button>
          }
        >
          <FilterBuilder
            fields={fields}
            onAdd={(filter) => {
              onChange([...filters, filter]);
              setOpen(false);
            }}
            onCancel={() => setOpen(false)}
          />
        </Popover>
      ) : null}
      {filters.length > 0 ? (
        <button type="button" className="btn btn-link btn-sm" onClick={() => onChange([])}>
          {t('records.clearFilters')}
        </button>
      ) : null}
    </div>
  );
}

function FilterBuilder({
  fields,
  onAdd,
  onCancel,
}: {
  fields: TModuleConfigView['fields'];
  onAdd: (filter: TRecordFilter) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const [fieldKey, setFieldKey] = useState(fields[0]?.key ?? '');
  const field = fields.find((candidate) => candidate.key === fieldKey);
  const ops = field ? operatorsFor(field.type) : [];
  const [op, setOp] = useState<FilterOp>(ops[0] ?? 'eq');
  const [input, setInput] = useState('');
  const value = field ? filterValueFor(field.type, input) : null;

  const changeField = (key: string) => {
    setFieldKey(key);
    const next = fields.find((candidate) => candidate.key === key);
    setOp(next ? (operatorsFor(next.type)[0] ?? 'eq') : 'eq');
    setInput('');
  };

  return (
    <form
      className="filter-builder"
      onSubmit={(event) => {
        event.preventDefault();
        if (field && value !== null) onAdd({ field: field.key, op, value });
      }}
    >
      <select value={fieldKey} onChange={(event) => changeField(event.target.value)} aria-label={t('records.filterField')} data-testid="filter-field">
        {fields.map((candidate) => (
          <option key={candidate.key} value={candidate.key}>
            {label(candidate.label, candidate.key)}
          </option>
        ))}
      </select>
      <select value={op} onChange={(event) => setOp(event.target.value as FilterOp)} aria-label={t('records.filterOperator')} data-testid="filter-op">
        {ops.map((candidate) => (
          <option key={candidate} value={candidate}>
            {t(`records.operator.${candidate}`)}
          </option>
        ))}
      </select>
      {field ? (
        <FieldInput
          key={field.key}
          field={field}
          variant="criterion"
          value={input}
          onChange={(next) => setInput(typeof next === 'string' ? next : '')}
          ariaLabel="value"
          testId="filter-value"
          emptyOptionLabel={t('records.selectPlaceholder')}
        />
      ) : null}
      <div className="popover-actions">
        <button type="button" className="btn btn-ghost btn-sm" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn btn-primary btn-sm" disabled={value === null} data-testid="filter-apply">
          {t('records.addFilter')}
        </button>
      </div>
    </form>
  );
}
