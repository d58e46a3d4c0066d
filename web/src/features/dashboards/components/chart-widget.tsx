import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import type { WidgetData } from '../api/dashboards-api';
import { figureScale, formatBucket, formatCompact, formatFigure } from '../forms/format-figure';

type ChartData = Extract<WidgetData, { type: 'chart'; status: 'ok' }>;
type Field = TModuleConfigView['fields'][number];

/** Calm, distinguishable colours; the first is the app's accent. */
export const CHART_COLORS = ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6', '#f97316', '#64748b', '#ec4899'];

export function ChartWidget({ data, valueField }: { data: ChartData; valueField: Field | undefined }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const rows = data.series.map((point) => ({
    key: point.key,
    name: data.groupBy === 'value' ? point.label : formatBucket(point.key, data.groupBy, language),
    value: point.value ?? 0,
  }));
  const scale = figureScale(rows.map((row) => row.value));
  const figure = (value: number) => formatFigure(value, { aggregation: data.aggregation, field: valueField, language, scale });
  const tooltip = (value: unknown) => figure(Number(value));
  const seriesName = t(`dashboards.agg.${data.aggregation}`);

  if (data.chartType === 'pie' || data.chartType === 'donut') {
    const slices = rows.filter((row) => row.value > 0);
    if (slices.length === 0) return <p className="dash-no-data muted">{t('dashboards.noData')}</p>;
    return (
      <ResponsiveContainer width="100%" height="100%">
        <PieChart>
          <Pie
            data={slices}
            dataKey="value"
            nameKey="name"
            innerRadius={data.chartType === 'donut' ? '52%' : 0}
            outerRadius="80%"
            paddingAngle={data.chartType === 'donut' ? 2 : 0}
            isAnimationActive={false}
          >
            {slices.map((slice, index) => (
              <Cell key={slice.key} fill={CHART_COLORS[index % CHART_COLORS.length]} />
            ))}
          </Pie>
          <Tooltip formatter={tooltip} />
          <Legend layout="vertical" align="right" verticalAlign="middle" iconType="circle" wrapperStyle={{ fontSize: 12 }} />
        </PieChart>
      </ResponsiveContainer>
    );
  }

  // Every category gets its label; many of them are slanted so they do not run into each other.
  const slanted = data.groupBy === 'value' && rows.length > 4;
  const axis = {
    x: (
      <XAxis
        dataKey="name"
        tick={slanted ? { fontSize: 11, angle: -30, textAnchor: 'end' } : { fontSize: 11 }}
        height={slanted ? 58 : 30}
        tickLine={false}
        axisLine={{ stroke: '#d0d5dd' }}
        interval={data.groupBy === 'value' ? 0 : 'preserveStartEnd'}
        minTickGap={8}
        tickFormatter={(name: string) => (name.length > 16 ? `${name.slice(0, 15)}…` : name)}
      />
    ),
    y: <YAxis tick={{ fontSize: 11 }} tickLine={false} axisLine={false} width={48} allowDecimals={data.aggregation !== 'count'} tickFormatter={(value: number) => formatCompact(value, language)} />,
  };
  if (data.chartType === 'line') {
    return (
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#eef0f3" vertical={false} />
          {axis.x}
          {axis.y}
          <Tooltip formatter={tooltip} />
          <Line type="monotone" dataKey="value" name={seriesName} stroke={CHART_COLORS[0]} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    );
  }
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#eef0f3" vertical={false} />
        {axis.x}
        {axis.y}
        <Tooltip formatter={tooltip} cursor={{ fill: 'rgba(79, 70, 229, 0.06)' }} />
        <Bar dataKey="value" name={seriesName} fill={CHART_COLORS[0]} radius={[4, 4, 0, 0]} maxBarSize={48} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
