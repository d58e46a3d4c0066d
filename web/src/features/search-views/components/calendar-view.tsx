import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TRecordView } from '@crm/api';
import { addDays, addMonths, dayToUtcMs, localDayOf, startOfMonth, startOfWeek } from '@crm/engine/dashboards/calendar.js';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import type { ListViewSlotProps } from '../../../lib/list-view-state';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useCalendar } from '../api/search-views-api';
import '../search-views.css';
import { todayIn } from '../../../lib/list-filters';

type Mode = 'day' | 'week' | 'month';

/** The days a mode shows around `anchor`: one day, a Monday-first week, or the 6-week grid of a month. */
export function calendarRange(mode: Mode, anchor: string): { from: string; to: string } {
  if (mode === 'day') return { from: anchor, to: anchor };
  if (mode === 'week') {
    const from = startOfWeek(anchor);
    return { from, to: addDays(from, 6) };
  }
  const from = startOfWeek(startOfMonth(anchor));
  return { from, to: addDays(from, 41) };
}

/** The tenant-local day a record falls on (a date field is already a day). */
export function dayOfValue(value: unknown, type: string, timeZone: string): string | null {
  if (typeof value !== 'string') return null;
  if (type === 'date') return value.slice(0, 10);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : localDayOf(ms, timeZone);
}

/**
 * Records on a calendar by a date or datetime field: day, week or month,
 * fetching only the visible range from the server (crmListCalendar).
 */
export function CalendarView({ module, state, apply }: ListViewSlotProps) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { tenantId, config } = useTenantSession();
  const zone = config?.timezone ?? 'UTC';
  const today = todayIn(zone);
  const [anchor, setAnchor] = useState(today);
  const field = module.fields.find((candidate) => candidate.key === state.calendarField);
  const mode = state.calendarMode;
  const range = calendarRange(mode, anchor);
  const calendar = useCalendar(tenantId, { module: module.slug, field: field?.key ?? '', from: range.from, to: range.to });
  if (!field) return null;

  const byDay = new Map<string, TRecordView[]>();
  for (const record of calendar.data?.records ?? []) {
    const day = dayOfValue(record.data[field.key], field.type, zone);
    if (day) byDay.set(day, [...(byDay.get(day) ?? []), record]);
  }
  const days: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) days.push(day);
  const step = (direction: 1 | -1) => setAnchor(mode === 'day' ? addDays(anchor, direction) : mode === 'week' ? addDays(anchor, 7 * direction) : addMonths(startOfMonth(anchor), direction));
  const dayName = (day: string, style: 'short' | 'long') => new Intl.DateTimeFormat(i18n.language, { weekday: style, timeZone: 'UTC' }).format(dayToUtcMs(day));
  const title =
    mode === 'month'
      ? new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(dayToUtcMs(startOfMonth(anchor)))
      : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(dayToUtcMs(range.from), dayToUtcMs(range.to));
  const timeOf = (record: TRecordView) => {
    const value = record.data[field.key];
    if (field.type !== 'datetime' || typeof value !== 'string') return null;
    return new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short', timeZone: zone }).format(Date.parse(value));
  };

  return (
    <section className="calendar" aria-label={t('searchViews.calendar.title', { field: label(field.label, field.key) })} data-testid="calendar">
      <div className="calendar-toolbar">
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => step(-1)} aria-label={t('searchViews.calendar.previous')} data-testid="calendar-previous">
          ‹
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAnchor(today)}>
          {t('searchViews.calendar.today')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => step(1)} aria-label={t('searchViews.calendar.next')} data-testid="calendar-next">
          ›
        </button>
        <h2 className="calendar-title" data-testid="calendar-title">{title}</h2>
        <div className="segmented" role="group" aria-label={t('searchViews.calendar.mode')}>
          {(['day', 'week', 'month'] as const).map((option) => (
            <button key={option} type="button" className={mode === option ? 'active' : ''} aria-pressed={mode === option} onClick={() => apply({ ...state, calendarMode: option })} data-testid={`calendar-mode-${option}`}>
              {t(`searchViews.calendar.${option}`)}
            </button>
          ))}
        </div>
      </div>
      {calendar.isError ? <ErrorBanner message={toUserError(calendar.error).message} onRetry={() => void calendar.refetch()} /> : null}
      {calendar.isPending ? <Spinner /> : null}
      {calendar.data?.truncated ? <p className="notice">{t('searchViews.calendar.truncated', { count: calendar.data.records.length })}</p> : null}
      <ol className={`calendar-grid calendar-${mode}`}>
        {days.map((day) => {
          const records = byDay.get(day) ?? [];
          const outside = mode === 'month' && day.slice(0, 7) !== startOfMonth(anchor).slice(0, 7);
          return (
            <li key={day} className={`calendar-day${outside ? ' is-outside' : ''}${day === today ? ' is-today' : ''}`} data-day={day} data-testid="calendar-day">
              <div className="calendar-day-head">
                <span className="calendar-weekday">{dayName(day, mode === 'day' ? 'long' : 'short')}</span>
                <span className="calendar-date">{Number(day.slice(8, 10))}</span>
              </div>
              <ul className="calendar-events">
                {records.map((record) => (
                  <li key={record.id}>
                    <Link to={paths.record(tenantId, module.slug, record.id)} className="calendar-event" data-testid="calendar-event">
                      {timeOf(record) ? <span className="calendar-time">{timeOf(record)}</span> : null}
                      <span>{record.display ?? record.number}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
