import { useMemo, useState } from 'react';
import { useFieldArray, useForm, type FieldPath } from 'react-hook-form';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { AlertDialog } from '../../../components/dialog';
import { PlusIcon } from '../../../components/module-icon';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { findModule, orderedModules, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useDeleteWorkflow, useSaveWorkflow, useTestWorkflow, useWorkflows, type TWorkflowView } from '../api/workflow-api';
import {
  EMPTY_ACTION,
  EMPTY_WORKFLOW_FORM,
  fieldChoices,
  fieldTypesOf,
  formPathFor,
  toDefinition,
  toWorkflowForm,
  workflowResolver,
  type WorkflowFormValues,
} from '../forms/workflow-form-model';
import { ActionEditor } from './action-editor';
import { ConditionRows } from './condition-rows';
import { DryRunResult } from './dry-run-result';
import { FieldMessage } from './field-message';
import { RecordChooser, useChosenRecord } from './record-chooser';
import { RunHistory } from './run-history';
import { TriggerEditor } from './trigger-editor';
import '../workflows.css';

/** /admin/workflows/:module/new and /admin/workflows/:module/w/:workflowId */
export function WorkflowBuilderPage() {
  const { t } = useTranslation();
  const session = useTenantSession();
  const { module: slug = '', workflowId } = useParams();
  const module = findModule(session, slug);
  const workflows = useWorkflows(session.tenantId, slug, session.bootstrap.canManageConfiguration && workflowId !== undefined);
  if (!session.bootstrap.canManageConfiguration) return <ErrorBanner message={t('workflows.adminOnly')} />;
  if (!module) return <ErrorBanner message={t('errors.notFound')} />;
  if (!workflowId) return <WorkflowEditor key="new" module={module} workflow={null} />;
  if (workflows.isPending) return <Spinner />;
  if (workflows.isError) return <ErrorBanner message={toUserError(workflows.error).message} onRetry={() => void workflows.refetch()} />;
  const workflow = workflows.data.find((candidate) => candidate.id === workflowId);
  if (!workflow) return <ErrorBanner message={t('workflows.notFound')} />;
  return <WorkflowEditor key={workflow.id} module={module} workflow={workflow} />;
}

function WorkflowEditor({ module, workflow }: { module: TModuleConfigView; workflow: TWorkflowView | null }) {
  const { t } = useTranslation();
  const label = useLabel();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useTenantSession();
  const { tenantId } = session;
  const choices = useMemo(() => fieldChoices(module, orderedModules(session.config)), [module, session.config]);
  const fieldTypes = useMemo(() => fieldTypesOf(choices), [choices]);
  const resolver = useMemo(() => workflowResolver(fieldTypes), [fieldTypes]);
  const form = useForm<WorkflowFormValues>({ resolver, defaultValues: workflow ? toWorkflowForm(workflow) : EMPTY_WORKFLOW_FORM });
  const actions = useFieldArray({ control: form.control, name: 'actions' });
  const save = useSaveWorkflow(tenantId);
  const remove = useDeleteWorkflow(tenantId);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const test = useTestWorkflow(tenantId);
  const [failure, setFailure] = useState<string[] | null>(null);
  // A new workflow reopens at its own URL once saved; the confirmation travels with the navigation.
  const [notice, setNotice] = useState<string | null>((location.state as { saved?: boolean } | null)?.saved ? t('workflows.saved') : null);
  const [chosenRecord, setChosenRecord] = useState<string | null>(null);
  const recordId = useChosenRecord(module.slug, chosenRecord);
  const [previousJson, setPreviousJson] = useState('');
  const [previousError, setPreviousError] = useState<string | null>(null);
  const errors = form.formState.errors;
  const moduleLabel = label(module.label_plural ?? module.label, module.slug);

  const showServerError = (error: unknown) => {
    const userError = toUserError(error);
    const unplaced: string[] = [];
    for (const issue of userError.issues) {
      const path = formPathFor(issue.path, form.getValues());
      if (path) form.setError(path as FieldPath<WorkflowFormValues>, { type: 'server', message: issue.message });
      else unplaced.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
    if (userError.issues.length === 0 || unplaced.length > 0) setFailure([userError.message, ...unplaced].filter((line, index, all) => all.indexOf(line) === index));
  };

  const onSave = form.handleSubmit(async (values) => {
    setFailure(null);
    setNotice(null);
    try {
      const saved = await save.mutateAsync({ module: module.slug, definition: toDefinition(values, fieldTypes).definition, ...(workflow ? { workflowId: workflow.id } : {}) });
      form.reset(toWorkflowForm(saved));
      setNotice(t('workflows.saved'));
      if (!workflow) void navigate(paths.workflow(tenantId, module.slug, saved.id), { replace: true, state: { saved: true } });
    } catch (error) {
      showServerError(error);
    }
  });

  const readPrevious = (): Record<string, unknown> | undefined | null => {
    if (previousJson.trim() === '') return undefined;
    try {
      const parsed: unknown = JSON.parse(previousJson);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through to the message
    }
    setPreviousError(t('workflows.previousDataInvalid'));
    return null;
  };

  const onTest = form.handleSubmit((values) => {
    setPreviousError(null);
    const previousData = readPrevious();
    if (previousData === null || !recordId) return;
    test.mutate({ recordId, module: module.slug, definition: toDefinition(values, fieldTypes).definition, ...(previousData ? { previousData } : {}) });
  });

  const previewDefinition = (index: number) => () => {
    const values = form.getValues();
    const action = values.actions[index];
    if (!action) return null;
    const { definition } = toDefinition({ ...EMPTY_WORKFLOW_FORM, name: values.name.trim() || 'Preview', actions: [action] }, fieldTypes);
    return definition;
  };

  return (
    <div className="page">
      <nav className="breadcrumbs">
        <Link to={paths.workflows(tenantId, module.slug)}>{t('workflows.title')}</Link>
        <span aria-hidden="true">/</span>
        <Link to={paths.workflows(tenantId, module.slug)}>{moduleLabel}</Link>
      </nav>
      <div className="page-header">
        <div>
          <h1 data-testid="workflow-title">{workflow ? workflow.name : t('workflows.newTitle', { module: label(module.label, module.slug) })}</h1>
          <p className="muted">
            {workflow ? <span className="badge badge-soft">{workflow.source === 'template' ? t('admin.system') : t('admin.custom')}</span> : null}{' '}
            {t('workflows.builderSubtitle', { module: moduleLabel })}
          </p>
        </div>
        <div className="page-actions">
          {workflow ? (
            <button
              type="button"
              className="btn btn-danger-ghost"
              disabled={remove.isPending}
              onClick={() => setConfirmDelete(true)}
              data-testid="delete-workflow"
            >
              {t('records.delete')}
            </button>
          ) : null}
          {workflow ? (
            <AlertDialog
              open={confirmDelete}
              title={t('kit.deleteTitle', { name: workflow.name })}
              description={t('workflows.deleteConfirm', { name: workflow.name })}
              confirmLabel={t('records.delete')}
              onCancel={() => setConfirmDelete(false)}
              onConfirm={() => {
                setConfirmDelete(false);
                remove.mutate(workflow.id, { onSuccess: () => void navigate(paths.workflows(tenantId, module.slug)) });
              }}
            />
          ) : null}
          <button type="button" className="btn btn-primary" onClick={() => void onSave()} disabled={form.formState.isSubmitting} data-testid="save-workflow">
            {form.formState.isSubmitting ? t('records.saving') : t('app.save')}
          </button>
        </div>
      </div>
      {remove.isError ? <ErrorBanner message={toUserError(remove.error).message} /> : null}
      {failure ? <ErrorBanner message={failure[0] ?? ''} details={failure.slice(1)} /> : null}
      {errors.root?.message ? <ErrorBanner message={errors.root.message} /> : null}
      {notice && !form.formState.isDirty ? <p className="success-note" data-testid="workflow-saved">{notice}</p> : null}

      <div className="wf-builder">
        <form className="wf-form" onSubmit={(event) => void onSave(event)} noValidate data-testid="workflow-form">
          <section className="card">
            <h2 className="card-title">{t('workflows.general')}</h2>
            <div className="form-grid">
              <label className="field">
                <span className="field-label">{t('workflows.name')}</span>
                <input {...form.register('name')} data-testid="workflow-name" aria-invalid={errors.name ? true : undefined} />
                <FieldMessage error={errors.name} testId="error-name" />
              </label>
              <label className="check-row">
                <input type="checkbox" {...form.register('is_active')} data-testid="workflow-active" />
                <span>{t('workflows.active')}</span>
              </label>
              <label className="field field-wide">
                <span className="field-label">{t('workflows.description')}</span>
                <input {...form.register('description')} />
                <FieldMessage error={errors.description} />
              </label>
            </div>
          </section>

          <section className="card">
            <h2 className="card-title">{t('workflows.when')}</h2>
            <TriggerEditor form={form} module={module} />
          </section>

          <section className="card">
            <h2 className="card-title">{t('workflows.onlyIf')}</h2>
            <ConditionRows form={form} choices={choices} />
          </section>

          <section className="wf-actions-section">
            <h2 className="card-title">{t('workflows.then')}</h2>
            {actions.fields.map((row, index) => (
              <ActionEditor
                key={row.id}
                form={form}
                index={index}
                choices={choices}
                module={module.slug}
                recordId={recordId}
                previewDefinition={previewDefinition(index)}
                onRemove={() => actions.remove(index)}
                canRemove={actions.fields.length > 1}
              />
            ))}
            <FieldMessage error={errors.actions?.root ?? (errors.actions as { message?: string } | undefined)} />
            <button type="button" className="btn btn-ghost btn-sm wf-add" onClick={() => actions.append({ ...EMPTY_ACTION })} disabled={actions.fields.length >= 20} data-testid="add-action">
              <PlusIcon /> {t('workflows.addAction')}
            </button>
          </section>
        </form>

        <aside className="wf-side">
          <section className="card" data-testid="test-panel">
            <h2 className="card-title">{t('workflows.testTitle')}</h2>
            <p className="muted small">{t('workflows.testHelp', { module: label(module.label, module.slug) })}</p>
            <RecordChooser module={module.slug} value={recordId} onChange={setChosenRecord} />
            <details className="wf-previous">
              <summary className="small">{t('workflows.previousData')}</summary>
              <textarea rows={3} className="mono" value={previousJson} onChange={(event) => setPreviousJson(event.target.value)} placeholder='{"status": "Scheduled"}' />
              <span className="field-help">{t('workflows.previousDataHelp')}</span>
              {previousError ? <span className="field-error">{previousError}</span> : null}
            </details>
            <button type="button" className="btn btn-primary btn-block" onClick={() => void onTest()} disabled={!recordId || test.isPending} data-testid="test-workflow">
              {test.isPending ? t('workflows.testing') : t('workflows.testButton')}
            </button>
            {test.isError ? (
              <ErrorBanner message={toUserError(test.error).message} details={toUserError(test.error).issues.map((issue) => `${issue.path}: ${issue.message}`)} />
            ) : null}
            {test.data ? <DryRunResult result={test.data} /> : null}
          </section>
          {workflow ? (
            <section className="card" data-testid="run-history-card">
              <h2 className="card-title">{t('workflows.runHistory')}</h2>
              <RunHistory workflowId={workflow.id} />
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
