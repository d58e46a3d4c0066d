import { useTranslation } from 'react-i18next';
import { toUserError } from '../../lib/api/to-user-error';
import { isJobFinished, jobRate, useCancelJob, type JobView } from './jobs-api';
import './jobs.css';

/**
 * A job's progress as a bar with its counts, rate and time left, and a
 * cancel button for whoever may cancel it (the server decides; a refusal is
 * shown). Kind-specific results (a file to download) are the caller's.
 */
export function JobProgress({ tenantId, job, canCancel }: { tenantId: string; job: JobView; canCancel: boolean }) {
  const { t, i18n } = useTranslation();
  const cancel = useCancelJob(tenantId);
  const { total, done, counts } = job.progress;
  const percent = isJobFinished(job) && job.status === 'done' ? 100 : total ? Math.min(100, Math.round((done / total) * 100)) : null;
  const rate = jobRate(job);
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <div className="job-progress" data-testid="job-progress" data-status={job.status}>
      <div
        className="job-progress-track"
        role="progressbar"
        aria-label={t('jobs.progressLabel')}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(percent !== null ? { 'aria-valuenow': percent } : { 'aria-valuetext': t('jobs.indeterminate') })}
      >
        <div className={percent === null ? 'job-progress-bar indeterminate' : 'job-progress-bar'} style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
      <p className="small" data-testid="job-progress-counts">
        {total !== null ? t('jobs.doneOfTotal', { done: number.format(done), total: number.format(total) }) : t('jobs.doneCount', { count: done, done: number.format(done) })}
        {Object.entries(counts)
          .filter(([, value]) => value > 0)
          .map(([key, value]) => ` · ${t(`jobs.counts.${key}`, { defaultValue: key })}: ${number.format(value)}`)
          .join('')}
      </p>
      {rate ? (
        <p className="small muted" data-testid="job-progress-rate">
          {t('jobs.rate', { rate: number.format(Math.round(rate.perSecond)) })}
          {rate.secondsLeft !== null ? ` · ${t('jobs.timeLeft', { time: formatDuration(rate.secondsLeft, i18n.language) })}` : ''}
        </p>
      ) : null}
      <p className={job.status === 'failed' ? 'field-error' : job.status === 'done' ? 'success-note' : 'muted'} data-testid="job-progress-status">
        {t(`jobs.status.${job.status}`)}
        {job.error ? ` — ${job.error.messageKey ? t(job.error.messageKey, { defaultValue: job.error.message }) : job.error.message}` : ''}
      </p>
      {canCancel && !isJobFinished(job) ? (
        <button type="button" className="btn btn-ghost btn-sm" disabled={job.cancelRequested || cancel.isPending} onClick={() => cancel.mutate(job.id)}>
          {job.cancelRequested ? t('jobs.cancelling') : t('jobs.cancel')}
        </button>
      ) : null}
      {cancel.isError ? <p className="field-error">{toUserError(cancel.error).message}</p> : null}
    </div>
  );
}

function formatDuration(seconds: number, locale: string): string {
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [['hour', 3600], ['minute', 60], ['second', 1]];
  const [unit, size] = units.find(([, length]) => seconds >= length) ?? ['second', 1];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(Math.ceil(seconds / size));
}
