import { useTranslation } from 'react-i18next';
import type { TRecordView } from '@crm/api';
import { Menu } from '../../../components/menu';
import { useToast } from '../../../components/toast';
import { toUserError } from '../../../lib/api/to-user-error';
import { useManualWorkflows, useRunWorkflow } from '../api/manual-runs-api';

/**
 * "Run a workflow" on a record: the module's manual workflows the user may
 * run (the server leaves out those it would refuse), one click each; the
 * outcome (ran, skipped and why, failed) comes back as a toast. Shown only
 * to roles that may edit the record, the server's rule for manual runs.
 */
export function RunWorkflowMenu({ tenantId, record }: { tenantId: string; record: TRecordView }) {
  const { t } = useTranslation();
  const toast = useToast();
  const workflows = useManualWorkflows(tenantId, record.module, true);
  const run = useRunWorkflow(tenantId);
  const list = workflows.data ?? [];
  if (list.length === 0) return null;
  return (
    <Menu
      label={t('manualRuns.menu')}
      testId="run-workflow-menu"
      entries={list.map((workflow) => ({
        label: workflow.name,
        testId: `run-workflow-${workflow.id}`,
        disabled: run.isPending,
        onSelect: () =>
          run.mutate(
            { workflowId: workflow.id, recordId: record.id },
            {
              onSuccess: (answer) =>
                toast.show({
                  message:
                    answer.outcome === 'ran'
                      ? t('manualRuns.ran', { name: workflow.name })
                      : answer.outcome === 'skipped'
                        ? t('manualRuns.skipped', { name: workflow.name, reason: answer.reason ?? '' })
                        : t('manualRuns.failed', { name: workflow.name, reason: answer.reason ?? '' }),
                  tone: answer.outcome === 'failed' ? 'danger' : 'neutral',
                }),
              onError: (error) => toast.show({ message: toUserError(error).message, tone: 'danger' }),
            },
          ),
      }))}
    >
      {t('manualRuns.menu')}
    </Menu>
  );
}
