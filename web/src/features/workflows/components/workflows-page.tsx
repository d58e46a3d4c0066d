import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { PlusIcon } from '../../../components/module-icon';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { ModulePicker } from '../../../components/module-picker';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { useRouteModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useReorderWorkflows, useSetWorkflowActive, useWorkflows, type TWorkflowView } from '../api/workflow-api';
import '../workflows.css';

/** /admin/workflows/:module? — a module's workflows in execution order: switch on/off, reorder, open the builder. */
export function WorkflowsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useTenantSession();
  const { modules, module } = useRouteModule();
  if (!session.bootstrap.canManageConfiguration) return <ErrorBanner message={t('workflows.adminOnly')} />;
  if (!module) return <EmptyState title={t('shell.noModulesAdmin')} />;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('workflows.title')}</h1>
          <p className="muted">{t('workflows.subtitle')}</p>
        </div>
        <div className="page-actions">
          <ModulePicker
            modules={modules}
            value={module.slug}
            onChange={(next) => void navigate(paths.workflows(session.tenantId, next))}
            plural
            testId="workflows-module"
          />
        </div>
      </div>
      <ModuleWorkflows key={module.slug} module={module} />
    </div>
  );
}

function ModuleWorkflows({ module }: { module: TModuleConfigView }) {
  const { t } = useTranslation();
  const label = useLabel();
  const { tenantId } = useTenantSession();
  const workflows = useWorkflows(tenantId, module.slug);
  const setActive = useSetWorkflowActive(tenantId);
  // The switch moves at once; the list takes over again once the server has answered.
  const [switching, setSwitching] = useState<Record<string, boolean>>({});
  const toggle = (workflowId: string, active: boolean) => {
    setSwitching((current) => ({ ...current, [workflowId]: active }));
    setActive.mutate(
      { workflowId, active },
      {
        onSettled: () =>
          setSwitching((current) => {
            const { [workflowId]: _done, ...rest } = current;
            return rest;
          }),
      },
    );
  };
  const reorder = useReorderWorkflows(tenantId);
  const failure = setActive.error ?? reorder.error;
  const moduleLabel = label(module.label_plural ?? module.label, module.slug);

  const move = (list: readonly TWorkflowView[], index: number, delta: -1 | 1) => {
    const ids = list.map((workflow) => workflow.id);
    const moved = ids[index];
    const other = ids[index + delta];
    if (moved === undefined || other === undefined) return;
    ids[index + delta] = moved;
    ids[index] = other;
    reorder.mutate({ module: module.slug, workflowIds: ids });
  };

  return (
    <section className="card">
      <div className="card-head">
        <h2 className="card-title">{moduleLabel}</h2>
        <Link to={paths.newWorkflow(tenantId, module.slug)} className="btn btn-primary btn-sm" data-testid="new-workflow">
          <PlusIcon /> {t('workflows.new')}
        </Link>
      </div>
      {failure ? <ErrorBanner message={toUserError(failure).message} /> : null}
      {workflows.isPending ? <Spinner /> : null}
      {workflows.isError ? <ErrorBanner message={toUserError(workflows.error).message} onRetry={() => void workflows.refetch()} /> : null}
      {workflows.data?.length === 0 ? <p className="muted" data-testid="workflows-empty">{t('workflows.empty', { module: moduleLabel })}</p> : null}
      {workflows.data && workflows.data.length > 0 ? (
        <ol className="wf-list" data-testid="workflow-list">
          {workflows.data.map((workflow, index, list) => {
            const pending = switching[workflow.id] !== undefined;
            const active = switching[workflow.id] ?? workflow.is_active;
            return (
              <li key={workflow.id} className={active ? '' : 'inactive'} data-testid="workflow-row" data-workflow-id={workflow.id}>
                <div className="field-order">
                  <button type="button" className="icon-btn" aria-label={t('admin.moveUp')} disabled={index === 0 || reorder.isPending} onClick={() => move(list, index, -1)}>
                    ↑
                  </button>
                  <button type="button" className="icon-btn" aria-label={t('admin.moveDown')} disabled={index === list.length - 1 || reorder.isPending} onClick={() => move(list, index, 1)}>
                    ↓
                  </button>
                </div>
                <div className="wf-list-main">
                  <Link to={paths.workflow(tenantId, module.slug, workflow.id)} className="wf-list-name" data-testid="workflow-link">
                    {workflow.name}
                  </Link>
                  <span className="muted small">
                    {t(`workflows.trigger.${workflow.trigger_type}`)}
                    {' · '}
                    {workflow.actions.map((action) => t(`workflows.action.${String(action.type)}`, { defaultValue: String(action.type) })).join(', ')}
                  </span>
                </div>
                <span className="badge badge-soft">{workflow.source === 'template' ? t('admin.system') : t('admin.custom')}</span>
                <label className="wf-switch">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={active}
                    disabled={pending}
                    onChange={(event) => toggle(workflow.id, event.target.checked)}
                    aria-label={t('workflows.activeFor', { name: workflow.name })}
                    data-testid="workflow-toggle"
                  />
                  <span className="wf-switch-track" aria-hidden="true" />
                  <span className="small" data-testid="workflow-state">
                    {active ? t('workflows.on') : t('workflows.off')}
                  </span>
                </label>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}
