import { useTranslation } from 'react-i18next';
import type { TActionOutcome } from '../api/workflow-api';
import '../workflows.css';

/** A run's or a dry run's status as a coloured badge (success, failed, skipped, would_run, ...). */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`wf-status wf-status-${status}`} data-testid={testId}>
      {t(`workflows.status.${status}`, { defaultValue: status })}
    </span>
  );
}

/** What each action did (or would do): its status, the sentence the runner wrote, and an email's rendered parts. */
export function ActionOutcomes({ outcomes }: { outcomes: readonly TActionOutcome[] }) {
  const { t } = useTranslation();
  if (outcomes.length === 0) return <p className="muted small">{t('workflows.noActionsRan')}</p>;
  return (
    <ol className="wf-outcomes">
      {outcomes.map((outcome) => (
        <li key={outcome.index} data-testid={`outcome-${outcome.index}`}>
          <div className="wf-outcome-head">
            <span className="wf-outcome-index">{outcome.index + 1}</span>
            <span className="badge">{t(`workflows.action.${outcome.type}`)}</span>
            <StatusBadge status={outcome.status} />
          </div>
          <p className={outcome.status === 'failed' ? 'wf-outcome-message wf-error-text' : 'wf-outcome-message'}>{outcome.message}</p>
          {outcome.type === 'send_email' && outcome.detail ? <EmailDetail detail={outcome.detail} /> : null}
        </li>
      ))}
    </ol>
  );
}

/** The rendered mail a send_email action produced or would produce. */
export function EmailDetail({ detail, testId }: { detail: Record<string, unknown>; testId?: string }) {
  const { t } = useTranslation();
  const to = Array.isArray(detail.to) ? detail.to.map(String).join(', ') : '';
  const cc = Array.isArray(detail.cc) ? detail.cc.map(String).join(', ') : '';
  const missing = Array.isArray(detail.missing) ? detail.missing.map(String) : [];
  const subject = typeof detail.subject === 'string' ? detail.subject : null;
  const body = typeof detail.text === 'string' ? detail.text : null;
  if (to === '' && subject === null) return null;
  return (
    <div className="wf-mail" data-testid={testId}>
      <dl className="wf-mail-head">
        <dt>{t('workflows.mailTo')}</dt>
        <dd data-testid="mail-to">{to}</dd>
        {cc !== '' ? (
          <>
            <dt>{t('workflows.mailCc')}</dt>
            <dd>{cc}</dd>
          </>
        ) : null}
        {subject !== null ? (
          <>
            <dt>{t('workflows.mailSubject')}</dt>
            <dd data-testid="mail-subject">{subject}</dd>
          </>
        ) : null}
      </dl>
      {body !== null ? (
        <div className="wf-mail-body" data-testid="mail-body">
          {body}
        </div>
      ) : null}
      {missing.length > 0 ? (
        <p className="notice small">{t('workflows.missingPlaceholders', { list: missing.map((path) => `{{${path}}}`).join(', ') })}</p>
      ) : null}
    </div>
  );
}
