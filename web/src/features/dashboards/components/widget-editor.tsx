import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Widget, WidgetType } from '@crm/engine/template/dashboard-schema.js';
import { WIDGET_TYPES } from '@crm/engine/template/dashboard-schema.js';
import { Dialog } from '../../../components/dialog';
import { choiceLabel } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { findModule, orderedModules, useTenantSession } from '../../../lib/tenant/tenant-session';
import {
  CHART_AGGREGATIONS,
  DEFAULT_SIZES,
  fieldChoices,
  filterKind,
  isDateAxis,
  METRIC_AGGREGATIONS,
  pathFilterKeys,
  pathFilterTarget,
  RELATIVE_DATES,
  SYSTEM_DATE_KEYS,
  SYSTEM_LIST_KEYS,
  widgetFromDraft,
  type FilterRow,
  type WidgetDraft,
} from '../forms/widget-form-model';

interface WidgetEditorProps {
  readonly initial: WidgetDraft;
  readonly isNew: boolean;
  readonly onApply: (widget: Widget) => void;
  readonly onCancel: () => void;
}

/** Add or configure one widget: pickers for module, fields, aggregation and filters; checked with the template's widget schema. */
export function WidgetEditor({ initial, isNew, onApply, onCancel }: WidgetEditorProps) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const modules = orderedModules(session.config);
  const [draft, setDraft] = useState<WidgetDraft>(initial);
  const [error, setError] = useState<string | null>(null);
  const module = findModule(session, draft.module);
  const choices = fieldChoices(module);
  const set = (patch: Partial<WidgetDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const fieldName = (key: string) => {
    if (key === 'record_number') return t('records.number');
    if (key === 'created_at') return t('records.created');
    if (key === 'updated_at') return t('records.updated');
    const path = pathFilterTarget(module, modules, key);
    if (path) return `${label(path.relation.label, path.relation.key)} › ${label(path.field.label, path.field.key)}`;
    const field = module?.fields.find((candidate) => candidate.key === key);
    return field ? label(field.label, key) : key;
  };
  /** The module and field a filter key compares: the widget's own, or a related record's (`patient.gender`). */
  const filterTarget = (key: string) => {
    const path = pathFilterTarget(module, modules, key);
    return path ? { module: path.module, key: path.field.key } : { module, key };
  };

  const changeType = (type: WidgetType) => {
    const size = DEFAULT_SIZES[type];
    // Charts plot count, sum or average only: a metric's min/max does not carry over.
    const aggregation = type === 'chart' && (draft.aggregation === 'min' || draft.aggregation === 'max') ? 'count' : draft.aggregation;
    set({ type, aggregation, position: isNew ? { ...draft.position, ...size } : draft.position });
  };
  const changeModule = (slug: string) => {
    const next = fieldChoices(findModule(session, slug));
    set({
      module: slug,
      field: '',
      xAxis: next.axis[0]?.key ?? 'created_at',
      stageField: next.stage[0]?.key ?? '',
      valueField: '',
      fields: next.listable.slice(0, 3).map((field) => field.key),
      filters: [],
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const widget = widgetFromDraft({ ...draft, titleEn: draft.titleEn.trim() || defaultTitle() }, module, modules);
    if ('error' in widget) {
      setError(widget.error);
      return;
    }
    onApply(widget);
  };
  const defaultTitle = () => `${t(`dashboards.type.${draft.type}`)} · ${module ? label(module.label_plural ?? module.label, module.slug) : ''}`;

  const aggregations = draft.type === 'chart' ? CHART_AGGREGATIONS : METRIC_AGGREGATIONS;
  const dateAxis = isDateAxis(module, draft.xAxis);

  return (
    <Dialog
      open
      onClose={onCancel}
      onSubmit={submit}
      className="dash-editor"
      testId="widget-editor"
      title={isNew ? t('dashboards.addWidget') : t('dashboards.editWidget')}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="widget-apply">
            {isNew ? t('dashboards.addWidget') : t('app.save')}
          </button>
        </>
      }
    >
      <div className="dash-form-grid">
        <Labelled text={t('dashboards.widgetType')}>
          <select value={draft.type} onChange={(event) => changeType(event.target.value as WidgetType)} data-testid="widget-type">
            {WIDGET_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`dashboards.type.${type}`)}
              </option>
            ))}
          </select>
        </Labelled>
        <Labelled text={t('dashboards.module')}>
          <select value={draft.module} onChange={(event) => changeModule(event.target.value)} data-testid="widget-module">
            {modules.map((candidate) => (
              <option key={candidate.slug} value={candidate.slug}>
                {label(candidate.label_plural ?? candidate.label, candidate.slug)}
              </option>
            ))}
          </select>
        </Labelled>
        <Labelled text={t('dashboards.widgetTitle')}>
          <input value={draft.titleEn} placeholder={defaultTitle()} onChange={(event) => set({ titleEn: event.target.value })} data-testid="widget-title" />
        </Labelled>
        <Labelled text={t('dashboards.widgetTitleEs')}>
          <input value={draft.titleEs} onChange={(event) => set({ titleEs: event.target.value })} data-testid="widget-title-es" />
        </Labelled>

        {draft.type === 'metric_card' || draft.type === 'chart' ? (
          <>
            <Labelled text={draft.type === 'chart' ? t('dashboards.series') : t('dashboards.aggregation')}>
              <select
                value={aggregations.includes(draft.aggregation as never) ? draft.aggregation : 'count'}
                onChange={(event) => set({ aggregation: event.target.value as WidgetDraft['aggregation'], field: draft.field || (choices.numeric[0]?.key ?? '') })}
                data-testid="widget-aggregation"
              >
                {aggregations.map((aggregation) => (
                  <option key={aggregation} value={aggregation}>
                    {t(`dashboards.agg.${aggregation}`)}
                  </option>
                ))}
              </select>
            </Labelled>
            {draft.aggregation !== 'count' ? (
              <Labelled text={t('dashboards.field')}>
                <select value={draft.field} onChange={(event) => set({ field: event.target.value })} data-testid="widget-field">
                  <option value="">{t('records.selectPlaceholder')}</option>
                  {choices.numeric.map((field) => (
                    <option key={field.key} value={field.key}>
                      {fieldName(field.key)}
                    </option>
                  ))}
                </select>
                <span className="muted small">{t('dashboards.indexedOnly')}</span>
              </Labelled>
            ) : null}
          </>
        ) : null}

        {draft.type === 'chart' ? (
          <>
            <Labelled text={t('dashboards.chartType')}>
              <select value={draft.chartType} onChange={(event) => set({ chartType: event.target.value as WidgetDraft['chartType'] })} data-testid="widget-chart-type">
                {(['bar', 'line', 'pie', 'donut'] as const).map((type) => (
                  <option key={type} value={type}>
                    {t(`dashboards.chart.${type}`)}
                  </option>
                ))}
              </select>
            </Labelled>
            <Labelled text={t('dashboards.groupBy')}>
              <select value={draft.xAxis} onChange={(event) => set({ xAxis: event.target.value })} data-testid="widget-x-axis">
                {choices.axis.map((field) => (
                  <option key={field.key} value={field.key}>
                    {fieldName(field.key)}
                  </option>
                ))}
                {SYSTEM_DATE_KEYS.map((key) => (
                  <option key={key} value={key}>
                    {fieldName(key)}
                  </option>
                ))}
              </select>
            </Labelled>
            {dateAxis ? (
              <Labelled text={t('dashboards.groupByDate')}>
                <select value={draft.groupBy || 'day'} onChange={(event) => set({ groupBy: event.target.value as WidgetDraft['groupBy'] })} data-testid="widget-group-by">
                  {(['day', 'week', 'month'] as const).map((grouping) => (
                    <option key={grouping} value={grouping}>
                      {t(`dashboards.grouping.${grouping}`)}
                    </option>
                  ))}
                </select>
              </Labelled>
            ) : null}
            <Labelled text={t('dashboards.dateRange')}>
              <select value={draft.dateRange} onChange={(event) => set({ dateRange: event.target.value as WidgetDraft['dateRange'] })} data-testid="widget-date-range">
                <option value="">{t('dashboards.anyTime')}</option>
                {RELATIVE_DATES.map((word) => (
                  <option key={word} value={word}>
                    {t(`dashboards.range.${word}`)}
                  </option>
                ))}
              </select>
            </Labelled>
          </>
        ) : null}

        {draft.type === 'pipeline' ? (
          <>
            <Labelled text={t('dashboards.stageField')}>
              <select value={draft.stageField} onChange={(event) => set({ stageField: event.target.value })} data-testid="widget-stage-field">
                {choices.stage.map((field) => (
                  <option key={field.key} value={field.key}>
                    {fieldName(field.key)}
                  </option>
                ))}
              </select>
            </Labelled>
            <Labelled text={t('dashboards.valueField')}>
              <select value={draft.valueField} onChange={(event) => set({ valueField: event.target.value })} data-testid="widget-value-field">
                <option value="">{t('dashboards.none_')}</option>
                {choices.numeric.map((field) => (
                  <option key={field.key} value={field.key}>
                    {fieldName(field.key)}
                  </option>
                ))}
              </select>
            </Labelled>
          </>
        ) : null}

        {draft.type === 'recent_records' ? (
          <Labelled text={t('dashboards.limit')}>
            <input type="number" min={1} max={50} value={draft.limit} onChange={(event) => set({ limit: Number(event.target.value) || 1 })} data-testid="widget-limit" />
          </Labelled>
        ) : null}
      </div>

      {draft.type === 'recent_records' ? (
        <fieldset className="dash-fieldset">
          <legend>{t('dashboards.fields')}</legend>
          <div className="dash-checks">
            {[...SYSTEM_LIST_KEYS, ...choices.listable.map((field) => field.key)].map((key) => (
              <label key={key} className="check-row">
                <input
                  type="checkbox"
                  checked={draft.fields.includes(key)}
                  onChange={(event) => set({ fields: event.target.checked ? [...draft.fields, key] : draft.fields.filter((item) => item !== key) })}
                />
                {fieldName(key)}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      <FilterEditor
        rows={draft.filters}
        onChange={(filters) => set({ filters })}
        fields={[...choices.filterable.map((field) => field.key), ...SYSTEM_DATE_KEYS, ...pathFilterKeys(module, modules)]}
        fieldName={fieldName}
        kindOf={(key) => filterKind(filterTarget(key).module, filterTarget(key).key)}
        optionsOf={(key) => {
          const target = filterTarget(key);
          const field = target.module?.fields.find((candidate) => candidate.key === target.key);
          const options = field && Array.isArray(field.options) ? field.options : [];
          return options.map((option) => {
            const value = typeof option === 'string' ? option : option.value;
            return { value, label: field ? choiceLabel(field, value, i18n.language) : value };
          });
        }}
      />

      {error ? (
        <p className="form-error" role="alert" data-testid="widget-error">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

function Labelled({ text, children }: { text: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{text}</span>
      {children}
    </label>
  );
}

interface FilterEditorProps {
  readonly rows: readonly FilterRow[];
  readonly onChange: (rows: FilterRow[]) => void;
  readonly fields: readonly string[];
  readonly fieldName: (key: string) => string;
  readonly kindOf: (key: string) => ReturnType<typeof filterKind>;
  readonly optionsOf: (key: string) => Array<{ value: string; label: string }>;
}

/** Widget filters: field = value; a choice field takes several values ("any of"), a date field a relative range. */
function FilterEditor({ rows, onChange, fields, fieldName, kindOf, optionsOf }: FilterEditorProps) {
  const { t } = useTranslation();
  const update = (index: number, row: FilterRow) => onChange(rows.map((current, at) => (at === index ? row : current)));
  const used = new Set(rows.map((row) => row.field));
  return (
    <fieldset className="dash-fieldset" data-testid="widget-filters">
      <legend>{t('dashboards.filters')}</legend>
      {rows.map((row, index) => {
        const kind = kindOf(row.field);
        return (
          <div key={`${row.field}-${index}`} className="dash-filter-row">
            <select value={row.field} onChange={(event) => update(index, { field: event.target.value, values: [] })} aria-label={t('dashboards.field')} data-testid={`filter-field-${index}`}>
              {fields
                .filter((key) => key === row.field || !used.has(key))
                .map((key) => (
                  <option key={key} value={key}>
                    {fieldName(key)}
                  </option>
                ))}
            </select>
            {kind === 'choice' ? (
              <div className="dash-filter-options">
                <span className="muted small">{t('dashboards.anyOf')}</span>
                {optionsOf(row.field).map((option) => (
                  <label key={option.value} className="chip dash-option">
                    <input
                      type="checkbox"
                      checked={row.values.includes(option.value)}
                      onChange={(event) =>
                        update(index, { ...row, values: event.target.checked ? [...row.values, option.value] : row.values.filter((value) => value !== option.value) })
                      }
                    />
                    {option.label}
                  </label>
                ))}
              </div>
            ) : kind === 'date' ? (
              <select value={row.values[0] ?? ''} onChange={(event) => update(index, { ...row, values: event.target.value ? [event.target.value] : [] })} aria-label={t('dashboards.dateRange')} data-testid={`filter-value-${index}`}>
                <option value="">{t('records.selectPlaceholder')}</option>
                {RELATIVE_DATES.map((word) => (
                  <option key={word} value={word}>
                    {t(`dashboards.range.${word}`)}
                  </option>
                ))}
              </select>
            ) : kind === 'boolean' ? (
              <select value={row.values[0] ?? ''} onChange={(event) => update(index, { ...row, values: event.target.value ? [event.target.value] : [] })} data-testid={`filter-value-${index}`}>
                <option value="">{t('records.selectPlaceholder')}</option>
                <option value="true">{t('records.yes')}</option>
                <option value="false">{t('records.no')}</option>
              </select>
            ) : (
              <input
                type={kind === 'number' ? 'number' : 'text'}
                value={row.values[0] ?? ''}
                onChange={(event) => update(index, { ...row, values: event.target.value ? [event.target.value] : [] })}
                data-testid={`filter-value-${index}`}
              />
            )}
            <button type="button" className="btn btn-link danger" onClick={() => onChange(rows.filter((_, at) => at !== index))}>
              {t('dashboards.removeFilter')}
            </button>
          </div>
        );
      })}
      {fields.some((key) => !used.has(key)) ? (
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => onChange([...rows, { field: fields.find((key) => !used.has(key)) ?? '', values: [] }])}
          data-testid="widget-add-filter"
        >
          {t('dashboards.addFilter')}
        </button>
      ) : null}
    </fieldset>
  );
}
