import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import type { Widget } from '@crm/engine/template/dashboard-schema.js';
import { isRelativeDate } from '@crm/engine/template/relative-dates.js';
import { ModuleIcon } from '../../../components/module-icon';
import { formatDateTime, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { findModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import type { WidgetData } from '../api/dashboards-api';
import { figureScale, formatChange, formatFigure } from '../forms/format-figure';
import { ChartWidget } from './chart-widget';

type Module = TModuleConfigView;
type Ok<T extends WidgetData['type']> = Extract<WidgetData, { type: T; status: 'ok' }>;

/** The body of one widget: its figures, a "hidden" notice, or the server's reason it could not be drawn. */
export function WidgetBody({ widget, data, interactive }: { widget: Widget; data: WidgetData | undefined; interactive: boolean }) {
  const { t } = useTranslation();
  const session = useTenantSession();
  const module = findModule(session, widget.config.module);
  if (!data) return <p className="dash-no-data muted">{t('dashboards.preview')}</p>;
  if (data.status === 'hidden') {
    return (
      <div className="dash-hidden" data-testid="widget-hidden">
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
          <rect x="5" y="11" width="14" height="10" rx="2" />
          <path d="M8 11V8a4 4 0 0 1 8 0v3" />
        </svg>
        <span>{t('dashboards.hidden')}</span>
      </div>
    );
  }
  if (data.status === 'error') return <p className="dash-error" role="alert">{data.message}</p>;
  switch (data.type) {
    case 'metric_card':
      return <MetricBody widget={widget} data={data} module={module} />;
    case 'chart': {
      const yAxis = widget.type === 'chart' ? widget.config.y_axis : 'count';
      const valueField = yAxis === 'count' ? undefined : module?.fields.find((field) => field.key === yAxis.field);
      return (
        <div className="dash-chart" data-testid={`chart-${widget.id}`} data-chart-type={data.chartType}>
          <ChartWidget data={data} valueField={valueField} />
        </div>
      );
    }
    case 'recent_records':
      return <RecentBody data={data} module={module} />;
    case 'pipeline':
      return <PipelineBody widgetId={widget.id} data={data} module={module} interactive={interactive} />;
  }
}

function MetricBody({ widget, data, module }: { widget: Widget; data: Ok<'metric_card'>; module: Module | undefined }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const fieldKey = widget.type === 'metric_card' ? widget.config.field : undefined;
  const field = module?.fields.find((candidate) => candidate.key === fieldKey);
  const filter = (widget.config.filter ?? {}) as Record<string, unknown>;
  const relative = Object.values(filter).find(isRelativeDate);
  const comparison = data.comparison;
  const trend = comparison?.change == null ? 'flat' : comparison.change > 0 ? 'up' : comparison.change < 0 ? 'down' : 'flat';
  return (
    <div className="dash-metric">
      <div className="dash-metric-row">
        <span className="dash-metric-value" data-testid={`metric-value-${widget.id}`} title={formatFigure(data.value, { aggregation: data.aggregation, field, language })}>
          {formatFigure(data.value, { aggregation: data.aggregation, field, language })}
        </span>
        {widget.type === 'metric_card' && widget.config.icon ? (
          <span className={`dash-metric-icon dash-color-${widget.config.color ?? 'blue'}`}>
            <ModuleIcon name={widget.config.icon} label="" size={20} />
          </span>
        ) : null}
      </div>
      <p className="dash-metric-meta">
        {relative ? <span className="muted">{t(`dashboards.range.${relative}`)}</span> : null}
        {comparison ? (
          comparison.change !== null ? (
            <span className={`dash-trend dash-trend-${trend}`} data-testid={`metric-change-${widget.id}`}>
              {trend === 'up' ? '▲' : trend === 'down' ? '▼' : '•'} {formatChange(comparison.change, comparison.changePercent, language)}{' '}
              <span className="muted">{t('dashboards.vsPrevious')}</span>
            </span>
          ) : (
            <span className="muted">{t('dashboards.noPrevious')}</span>
          )
        ) : null}
      </p>
    </div>
  );
}

function RecentBody({ data, module }: { data: Ok<'recent_records'>; module: Module | undefined }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { tenantId } = useTenantSession();
  const language = i18n.language;
  const yesNo = { yes: t('records.yes'), no: t('records.no') };
  const header = (key: string) => {
    if (key === 'record_number') return t('records.number');
    if (key === 'created_at') return t('records.created');
    if (key === 'updated_at') return t('records.updated');
    if (key === 'owner') return t('records.owner');
    const field = module?.fields.find((candidate) => candidate.key === key);
    return field ? label(field.label, key) : key;
  };
  const cell = (key: string, value: unknown, number: string) => {
    if (key === 'record_number') return number;
    if (key === 'created_at' || key === 'updated_at') return typeof value === 'string' ? formatDateTime(value, language) : '';
    const field = module?.fields.find((candidate) => candidate.key === key);
    if (!field) return value === null || value === undefined ? '' : String(value);
    if (field.type === 'relationship' && typeof value === 'object' && value !== null) {
      const related = value as { id?: unknown; display?: unknown };
      return typeof related.display === 'string' ? related.display : String(related.id ?? '');
    }
    return formatFieldValue(field, value, language, null, yesNo);
  };
  if (data.records.length === 0) return <p className="dash-no-data muted">{t('dashboards.noData')}</p>;
  return (
    <div className="dash-recent">
      <table>
        <thead>
          <tr>
            {data.fields.map((key) => (
              <th key={key}>{header(key)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.records.map((record) => (
            <tr key={record.id}>
              {data.fields.map((key, index) => (
                <td key={key}>
                  {index === 0 && module ? (
                    <Link to={paths.record(tenantId, module.slug, record.id)}>{cell(key, record.values[key], record.number) || record.number}</Link>
                  ) : (
                    cell(key, record.values[key], record.number)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PipelineBody({ widgetId, data, module, interactive }: { widgetId: string; data: Ok<'pipeline'>; module: Module | undefined; interactive: boolean }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { tenantId } = useTenantSession();
  const language = i18n.language;
  const valueField = module?.fields.find((field) => field.key === data.valueField);
  const most = Math.max(1, ...data.stages.map((stage) => stage.count));
  const sumScale = figureScale(data.stages.map((stage) => stage.sum));
  return (
    <ol className="dash-pipeline" data-testid={`pipeline-${widgetId}`}>
      {data.stages.map((stage) => (
        <li key={stage.stage}>
          <button
            type="button"
            className="dash-stage"
            disabled={!interactive}
            title={t('dashboards.openStage', { stage: stage.label })}
            onClick={() => void navigate(paths.moduleWhere(tenantId, stage.listFilter.module, stage.listFilter.filters))}
            data-testid={`pipeline-stage-${stage.stage}`}
          >
            <span className="dash-stage-label">{stage.label}</span>
            <span className="dash-stage-count" data-testid="stage-count">
              {formatFigure(stage.count, { aggregation: 'count', field: undefined, language })}
            </span>
            <span className="dash-stage-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(4, (stage.count / most) * 100)}%` }} />
            </span>
            {stage.sum !== null ? <span className="dash-stage-sum">{formatFigure(stage.sum, { aggregation: 'sum', field: valueField, language, scale: sumScale })}</span> : null}
          </button>
        </li>
      ))}
    </ol>
  );
}
