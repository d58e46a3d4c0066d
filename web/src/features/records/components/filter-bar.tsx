import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { RELATIVE_DATE_VALUES, type RelativeDate } from '@crm/engine/template/relative-dates.js';
import { FieldInput } from '../../../components/field-input';
import { PlusIcon } from '../../../components/module-icon';
import { Popover } from '../../../components/popover';
import { formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import type { ListFilter } from '../../../lib/list-filters';
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
  filters: readonly ListFilter[];
  onChange: (filters: ListFilter[]) => void;
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
        const shown =
          filter.op === 'relative'
            ? t(`dashboards.range.${filter.value}`)
            : field
              ? formatFieldValue(field, filter.value, i18n.language, String(filter.value))
              : String(filter.value);
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
  onAdd: (filter: ListFilter) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const [fieldKey, setFieldKey] = useState(fields[0]?.key ?? '');
  const field = fields.find((candidate) => candidate.key === fieldKey);
  const ops = field ? builderOperatorsFor(field) : [];
  const [op, setOp] = useState<BuilderOp>(ops[0] ?? 'eq');
  const [input, setInput] = useState('');
  const [range, setRange] = useState<RelativeDate>('last_30_days');
  const value = field ? filterValueFor(field.type, input) : null;
  const filter: ListFilter | null = !field ? null : op === 'relative' ? { field: field.key, op, value: range } : value === null ? null : { field: field.key, op, value };

  const changeField = (key: string) => {
    setFieldKey(key);
    const next = fields.find((candidate) => candidate.key === key);
    setOp(next ? (builderOperatorsFor(next)[0] ?? 'eq') : 'eq');
    setInput('');
  };

  return (
    <form
      className="filter-builder"
      onSubmit={(event) => {
        event.preventDefault();
        if (filter) onAdd(filter);
      }}
    >
      <select value={fieldKey} onChange={(event) => changeField(event.target.value)} aria-label={t('records.filterField')} data-testid="filter-field">
        {fields.map((candidate) => (
          <option key={candidate.key} value={candidate.key}>
            {label(candidate.label, candidate.key)}
          </option>
        ))}
      </select>
      <select value={op} onChange={(event) => setOp(event.target.value as BuilderOp)} aria-label={t('records.filterOperator')} data-testid="filter-op">
        {ops.map((candidate) => (
          <option key={candidate} value={candidate}>
            {t(`records.operator.${candidate}`)}
          </option>
        ))}
      </select>
      {field && op === 'relative' ? (
        <select value={range} onChange={(event) => setRange(event.target.value as RelativeDate)} aria-label={t('records.filterRange')} data-testid="filter-range">
          {RELATIVE_DATE_VALUES.map((candidate) => (
            <option key={candidate} value={candidate}>
              {t(`dashboards.range.${candidate}`)}
            </option>
          ))}
        </select>
      ) : field ? (
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
        <button type="submit" className="btn btn-primary btn-sm" disabled={filter === null} data-testid="filter-apply">
          {t('records.addFilter')}
        </button>
      </div>
    </form>
  );
}

type BuilderOp = FilterOp | 'relative';

/** The list's operators for the type, and for dates a range relative to today ("last 30 days"), which stays relative when saved in a view. */
function builderOperatorsFor(field: TModuleConfigView['fields'][number]): BuilderOp[] {
  const ops: BuilderOp[] = operatorsFor(field.type);
  return field.type === 'date' || field.type === 'datetime' ? [...ops, 'relative'] : ops;
}
