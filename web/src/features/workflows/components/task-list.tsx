import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../../lib/format/format-value';
import { toUserError } from '../../../lib/api/to-user-error';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useSetTaskStatus, type TTaskView } from '../api/workflow-api';
import '../workflows.css';

/** Tasks with a done checkbox; the assignee or an admin may tick it (the server decides). */
export function TaskList({ tasks, showRecord }: { tasks: readonly TTaskView[]; showRecord: boolean }) {
  const { t, i18n } = useTranslation();
  const session = useTenantSession();
  const { tenantId, bootstrap } = session;
  const setStatus = useSetTaskStatus(tenantId);
  // The box follows the click at once; the list catches up when the server has answered (and refetched).
  const [ticked, setTicked] = useState<Record<string, 'open' | 'done'>>({});
  const toggle = (taskId: string, status: 'open' | 'done') => {
    setTicked((current) => ({ ...current, [taskId]: status }));
    setStatus.mutate(
      { taskId, status },
      {
        onSettled: () =>
          setTicked((current) => {
            const { [taskId]: _done, ...rest } = current;
            return rest;
          }),
      },
    );
  };
  // "Overdue" is about the tenant's calendar day, the zone due dates are planned in.
  const today = tenantToday(session.config?.timezone);
  const me = bootstrap.user.uid;
  return (
    <>
      {setStatus.isError ? (
        <p className="form-error" role="alert" data-testid="task-error">
          {toUserError(setStatus.error).message}
        </p>
      ) : null}
      <ul className="wf-tasks" data-testid="task-list">
        {tasks.map((task) => {
          const done = task.status === 'done';
          const overdue = !done && task.dueDate.slice(0, 10) < today;
          const pending = ticked[task.id] !== undefined;
          return (
            <li key={task.id} className={done ? 'done' : ''} data-testid="task">
              <input
                type="checkbox"
                checked={pending ? ticked[task.id] === 'done' : done}
                disabled={pending}
                onChange={(event) => toggle(task.id, event.target.checked ? 'done' : 'open')}
                aria-label={t('workflows.markDone', { title: task.title })}
                data-testid="task-done"
              />
              <div className="wf-task-main">
                {task.kind === 'mention' && task.mention ? (
                  <>
                    <span className="wf-task-title">{t('timeline.myTasks.mentionedBy', { name: task.mention.byName ?? t('timeline.teammate') })}</span>
                    <span className="muted small" data-testid="task-excerpt">{task.mention.excerpt}</span>
                  </>
                ) : (
                  <span className="wf-task-title">{task.title}</span>
                )}
                {task.description ? <span className="muted small">{task.description}</span> : null}
                <span className="small wf-task-meta">
                  <span className={overdue ? 'wf-bad' : 'muted'}>
                    {t(overdue ? 'workflows.overdue' : 'workflows.due', { date: formatDate(task.dueDate.slice(0, 10), i18n.language) })}
                  </span>
                  {showRecord ? (
                    <Link to={paths.record(tenantId, task.module, task.recordId)} data-testid="task-record">
                      {task.recordDisplay ?? task.recordNumber}
                    </Link>
                  ) : null}
                  <span className="muted" data-testid="task-assignee">
                    {task.assigneeId === me ? t('workflows.assignedToYou') : t('timeline.assignedTo', { name: task.assigneeName ?? t('timeline.teammate') })}
                  </span>
                </span>
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** Today's date (YYYY-MM-DD) in the tenant's zone, the zone task due dates are written in; the browser's when unknown. */
export function tenantToday(timeZone: string | undefined, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
}
