import { useTranslation } from 'react-i18next';
import { BulkResultSchema } from '@crm/api/bulk-schemas.js';
import type { TJobView } from '@crm/api/job-schemas.js';

const OUTCOMES = ['updated', 'unchanged', 'ran', 'skipped', 'forbidden', 'conflict', 'invalid', 'not_found', 'failed'] as const;
/** Outcomes of "Run a workflow" only; their words live with the manual-run keys. */
const RUN_OUTCOMES: ReadonlyArray<string> = ['ran', 'skipped'];

/** What a finished bulk action did: a count per outcome, then the records left alone and why. */
export function BulkResult({ job }: { job: TJobView }) {
  const { t } = useTranslation();
  const parsed = BulkResultSchema.safeParse(job.result);
  const issues = parsed.success ? parsed.data.issues : [];
  const counts = job.progress.counts;
  return (
    <div className="stack" data-testid="bulk-result">
      <ul className="bulk-counts">
        {OUTCOMES.filter((outcome) => (counts[outcome] ?? 0) > 0).map((outcome) => (
          <li key={outcome} data-testid={`bulk-outcome-${outcome}`}>
            {t(RUN_OUTCOMES.includes(outcome) ? `manualRuns.outcome.${outcome}` : `exportBulk.outcome.${outcome}`, { count: counts[outcome] ?? 0 })}
          </li>
        ))}
      </ul>
      {issues.length > 0 ? (
        <>
          <h3 className="small">{t('exportBulk.bulk.issuesTitle')}</h3>
          <ul className="bulk-issues" data-testid="bulk-issues">
            {issues.map((issue) => (
              <li key={issue.id}>
                <strong>{issue.number ?? issue.id}</strong> —{' '}
                {issue.outcome === 'skipped' ? t('manualRuns.reason.skipped', { reason: issue.message }) : t(`exportBulk.reason.${issue.outcome}`)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
