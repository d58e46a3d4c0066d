import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { formatDateTime } from '../../../lib/format/format-value';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useWorkflowRuns } from '../api/workflow-api';
import { ActionOutcomes, StatusBadge } from './action-outcomes';

/**
 * Runs of a workflow (or of a record), newest first: when, on which record,
 * what happened, and per action what it did or why it failed.
 */
export function RunHistory({ workflowId, recordId, compact = false }: { workflowId?: string; recordId?: string; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const { tenantId, bootstrap } = useTenantSession();
  const runs = useWorkflowRuns(tenantId, { ...(workflowId ? { workflowId } : {}), ...(recordId ? { recordId } : {}) });

  if (runs.isPending) return <Spinner />;
  if (runs.isError) return <ErrorBanner message={toUserError(runs.error).message} onRetry={() => void runs.refetch()} />;
  const list = runs.data.pages.flat();
  if (list.length === 0) return <p className="muted small" data-testid="runs-empty">{t('workflows.noRuns')}</p>;
  return (
    <ol className={`wf-runs${compact ? ' wf-runs-compact' : ''}`} data-testid="run-history">
      {list.map((run) => (
        <li key={run.id} className="wf-run" data-testid="run">
          <details open={!compact && run.status === 'failed'}>
            <summary>
              <StatusBadge status={run.status} />
              {/* Text only: a link inside <summary> is a control inside a control (the link goes in the body). */}
              {recordId ? <span className="wf-run-title">{run.workflowName}</span> : <span className="record-link">{run.recordNumber}</span>}
              <span className="muted small">{t(`workflows.event.${run.eventKind}`, { defaultValue: run.eventKind })}</span>
              <span className="muted small wf-run-when">{run.startedAt ? formatDateTime(run.startedAt, i18n.language) : '—'}</span>
            </summary>
            <div className="wf-run-body">
              {recordId ? (
                bootstrap.canManageConfiguration ? (
                  <Link to={paths.workflow(tenantId, run.module, run.workflowId)} className="small">
                    {run.workflowName}
                  </Link>
                ) : null
              ) : (
                <Link to={paths.record(tenantId, run.module, run.recordId)} className="record-link small">
                  {run.recordNumber}
                </Link>
              )}
              {run.reason ? <p className="muted small">{run.reason}</p> : null}
              {run.error ? <p className="wf-error-text small">{run.error}</p> : null}
              {run.depth > 0 ? <p className="muted small">{t('workflows.chainDepth', { depth: run.depth })}</p> : null}
              <ActionOutcomes outcomes={run.actions} />
              {run.durationMs !== null ? <p className="muted small">{t('workflows.duration', { ms: run.durationMs })}</p> : null}
            </div>
          </details>
        </li>
      ))}
      {runs.hasNextPage ? (
        <li className="wf-run-more">
          <button type="button" className="btn btn-link btn-sm" onClick={() => void runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
            {runs.isFetchingNextPage ? t('app.loading') : t('workflows.olderRuns')}
          </button>
        </li>
      ) : null}
    </ol>
  );
}
