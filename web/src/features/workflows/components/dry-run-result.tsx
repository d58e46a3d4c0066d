import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/format/format-value';
import type { TTestWorkflowResponse } from '../api/workflow-api';
import { ActionOutcomes } from './action-outcomes';

function shown(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

/** What a dry run found: whether the conditions hold (leaf by leaf), when a schedule would fire, what each action would do. */
export function DryRunResult({ result }: { result: TTestWorkflowResponse }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="wf-dry-run" data-testid="dry-run-result">
      <p className={result.wouldRun ? 'wf-verdict wf-verdict-yes' : 'wf-verdict wf-verdict-no'} data-testid="dry-run-verdict">
        {result.wouldRun ? t('workflows.wouldRun') : t('workflows.wouldNotRun')}
      </p>
      <p className="muted small">{t('workflows.dryRunNote')}</p>
      {result.conditions.leaves.length > 0 ? (
        <table className="wf-table wf-leaves">
          <thead>
            <tr>
              <th>{t('workflows.conditionField')}</th>
              <th>{t('workflows.conditionOperator')}</th>
              <th>{t('workflows.expected')}</th>
              <th>{t('workflows.actual')}</th>
              <th aria-label={t('workflows.result')} />
            </tr>
          </thead>
          <tbody>
            {result.conditions.leaves.map((leaf, index) => (
              <tr key={index}>
                <td className="mono">{leaf.field}</td>
                <td>{t(`workflows.operator.${leaf.operator}`, { defaultValue: leaf.operator })}</td>
                <td>{shown(leaf.value)}</td>
                <td>{shown(leaf.actual)}</td>
                <td className={leaf.result ? 'wf-ok' : 'wf-bad'}>{leaf.result ? '✓' : '✗'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">{t('workflows.noConditions')}</p>
      )}
      {result.scheduledAt ? <p className="small">{t('workflows.scheduledAt', { when: formatDateTime(result.scheduledAt, i18n.language) })}</p> : null}
      <h3 className="wf-subtitle">{t('workflows.actionsWouldDo')}</h3>
      <ActionOutcomes outcomes={result.actions} />
    </div>
  );
}
