import { useTranslation } from 'react-i18next';
import type { TRecordView } from '@crm/api';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useTasks } from '../api/workflow-api';
import { RunHistory } from './run-history';
import { TaskList } from './task-list';

/**
 * A record's tasks and workflow runs, for the record detail page's side
 * column. The app passes it to the records feature as a render slot, so
 * records never imports workflows.
 */
export function RecordAutomation({ record }: { record: TRecordView }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const tasks = useTasks(tenantId, { recordId: record.id });
  return (
    <>
      <section className="card" data-testid="record-tasks">
        <h2 className="card-title">{t('workflows.recordTasks')}</h2>
        {tasks.isPending ? <Spinner /> : null}
        {tasks.isError ? <ErrorBanner message={toUserError(tasks.error).message} /> : null}
        {tasks.data?.length === 0 ? <p className="muted small">{t('workflows.noRecordTasks')}</p> : null}
        {tasks.data && tasks.data.length > 0 ? <TaskList tasks={tasks.data} showRecord={false} /> : null}
      </section>
      <section className="card" data-testid="record-runs">
        <h2 className="card-title">{t('workflows.recordRuns')}</h2>
        <RunHistory recordId={record.id} compact />
      </section>
    </>
  );
}
