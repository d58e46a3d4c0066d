import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useTasks } from '../api/workflow-api';
import { TaskList, tenantToday } from './task-list';

/**
 * /tasks — "My tasks": open tasks assigned to the user (workflow follow-ups,
 * mentions in notes), overdue first, then today's, then upcoming ones; admins
 * may switch to everyone's. The server lists them by due date, so the groups
 * are consecutive runs of that order.
 */
export function TasksPage() {
  const { t } = useTranslation();
  const session = useTenantSession();
  const { tenantId, bootstrap } = session;
  const isAdmin = bootstrap.canManageConfiguration;
  const [assignee, setAssignee] = useState<'me' | 'all'>('me');
  const tasks = useTasks(tenantId, { assignee: isAdmin ? assignee : 'me' });
  const today = tenantToday(session.config?.timezone);
  const groups = [
    { key: 'overdue', tasks: (tasks.data ?? []).filter((task) => task.dueDate.slice(0, 10) < today) },
    { key: 'today', tasks: (tasks.data ?? []).filter((task) => task.dueDate.slice(0, 10) === today) },
    { key: 'upcoming', tasks: (tasks.data ?? []).filter((task) => task.dueDate.slice(0, 10) > today) },
  ].filter((group) => group.tasks.length > 0);
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>{t('timeline.myTasks.title')}</h1>
          <p className="muted">{t(assignee === 'all' && isAdmin ? 'timeline.myTasks.allSubtitle' : 'timeline.myTasks.subtitle')}</p>
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
      {groups.map((group) => (
        <section className="card" key={group.key} data-testid={`tasks-${group.key}`} aria-labelledby={`tasks-${group.key}-title`}>
          <h2 className="card-title" id={`tasks-${group.key}-title`}>
            {t(`timeline.myTasks.${group.key}`)} <span className="muted small">{group.tasks.length}</span>
          </h2>
          <TaskList tasks={group.tasks} showRecord />
        </section>
      ))}
    </div>
  );
}
