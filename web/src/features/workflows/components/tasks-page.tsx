import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useTasks } from '../api/workflow-api';
import { TaskList } from './task-list';

/** /tasks — open tasks workflows created: one's own, or everyone's for admins. */
export function TasksPage() {
  const { t } = useTranslation();
  const { tenantId, bootstrap } = useTenantSession();
  const isAdmin = bootstrap.canManageConfiguration;
  const [assignee, setAssignee] = useState<'me' | 'all'>('me');
  const tasks = useTasks(tenantId, { assignee: isAdmin ? assignee : 'me' });
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>{t('workflows.tasksTitle')}</h1>
          <p className="muted">{t('workflows.tasksSubtitle')}</p>
        </div>
        {isAdmin ? (
          <div className="segmented" role="group" aria-label={t('workflows.tasksTitle')}>
            <button type="button" className={assignee === 'me' ? 'active' : ''} onClick={() => setAssignee('me')} data-testid="tasks-mine">
              {t('workflows.tasksMine')}
            </button>
            <button type="button" className={assignee === 'all' ? 'active' : ''} onClick={() => setAssignee('all')} data-testid="tasks-all">
              {t('workflows.tasksAll')}
            </button>
          </div>
        ) : null}
      </div>
      {tasks.isPending ? <Spinner /> : null}
      {tasks.isError ? <ErrorBanner message={toUserError(tasks.error).message} onRetry={() => void tasks.refetch()} /> : null}
      {tasks.data?.length === 0 ? <EmptyState title={t('workflows.tasksEmpty')} hint={t('workflows.tasksEmptyHint')} /> : null}
      {tasks.data && tasks.data.length > 0 ? (
        <section className="card">
          <TaskList tasks={tasks.data} showRecord />
        </section>
      ) : null}
    </div>
  );
}
