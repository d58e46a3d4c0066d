import { useRef, type FocusEvent } from 'react';
import { Controller, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { FieldType } from '@crm/engine/fields/field-definition.js';
import { WORKFLOW_ACTION_TYPES } from '@crm/engine/template/workflow-schema.js';
import { FieldInput } from '../../../components/field-input';
import { ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useTestWorkflow } from '../api/workflow-api';
import type { FieldChoice, WorkflowFormValues } from '../forms/workflow-form-model';
import { EmailDetail, StatusBadge } from './action-outcomes';
import { FieldMessage } from './field-message';

type TextKey = 'to' | 'cc' | 'subject' | 'body' | 'title' | 'description';

/**
 * One action of the workflow. Text inputs take `{{...}}` placeholders; the
 * field picker inserts one where the cursor is. A send_email action can be
 * previewed: the server renders it against the chosen record (no mail sent).
 */
export function ActionEditor({
  form,
  index,
  choices,
  module,
  recordId,
  previewDefinition,
  onRemove,
  canRemove,
}: {
  form: UseFormReturn<WorkflowFormValues>;
  index: number;
  choices: readonly FieldChoice[];
  module: string;
  recordId: string | null;
  /** This action alone as a workflow definition, or null when the form cannot build one yet. */
  previewDefinition: () => Record<string, unknown> | null;
  onRemove: () => void;
  canRemove: boolean;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const { tenantId } = useTenantSession();
  const preview = useTestWorkflow(tenantId);
  const lastText = useRef<{ key: TextKey; element: HTMLInputElement | HTMLTextAreaElement } | null>(null);
  const type = form.watch(`actions.${index}.type`);
  const field = form.watch(`actions.${index}.field`);
  const errors = form.formState.errors.actions?.[index];
  const directFields = choices.filter((choice) => !choice.path.includes('.') && choice.type !== 'relationship' && choice.type !== 'file');
  const updated = directFields.find((choice) => choice.path === field);

  const text = (key: TextKey, props: { multiline?: boolean; placeholder?: string; testId: string }) => {
    const registered = form.register(`actions.${index}.${key}`);
    const common = {
      ...registered,
      onFocus: (event: FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        lastText.current = { key, element: event.currentTarget };
      },
      placeholder: props.placeholder,
      'data-testid': props.testId,
      'aria-invalid': errors?.[key] ? true : undefined,
    };
    return props.multiline ? <textarea rows={5} {...common} /> : <input {...common} />;
  };

  const insert = (placeholder: string) => {
    const target = lastText.current ?? { key: type === 'create_task' ? 'title' : 'body', element: null };
    const name = `actions.${index}.${target.key}` as const;
    const current = form.getValues(name);
    const start = target.element?.selectionStart ?? current.length;
    const end = target.element?.selectionEnd ?? current.length;
    form.setValue(name, `${current.slice(0, start)}${placeholder}${current.slice(end)}`, { shouldDirty: true, shouldValidate: form.formState.isSubmitted });
    target.element?.focus();
  };

  const runPreview = () => {
    const definition = previewDefinition();
    if (!definition || !recordId) return;
    preview.mutate({ recordId, module, definition });
  };

  const outcome = preview.data?.actions[0];

  return (
    <div className="wf-action card" data-testid={`action-${index}`}>
      <div className="wf-action-head">
        <span className="wf-outcome-index">{index + 1}</span>
        <select {...form.register(`actions.${index}.type`)} data-testid={`action-type-${index}`} aria-label={t('workflows.actionType')}>
          {WORKFLOW_ACTION_TYPES.map((candidate) => (
            <option key={candidate} value={candidate}>
              {t(`workflows.action.${candidate}`)}
            </option>
          ))}
        </select>
        {type !== 'update_field' && type !== 'webhook' ? (
          <select
            value=""
            onChange={(event) => {
              if (event.target.value) insert(event.target.value);
            }}
            aria-label={t('workflows.insertField')}
            data-testid={`insert-field-${index}`}
            className="wf-insert"
          >
            <option value="">{t('workflows.insertField')}</option>
            {choices.map((choice) => (
              <option key={choice.path} value={`{{data.${choice.path}}}`}>
                {[...choice.via.map((step) => label(step)), label(choice.label, choice.path)].join(' › ')}
              </option>
            ))}
            <option value="{{record.number}}">{t('workflows.placeholder.recordNumber')}</option>
            <option value="{{tenant.name}}">{t('workflows.placeholder.tenantName')}</option>
            <option value="{{owner.name}}">{t('workflows.placeholder.ownerName')}</option>
            <option value="{{owner.email}}">{t('workflows.placeholder.ownerEmail')}</option>
          </select>
        ) : null}
        <span className="wf-spacer" />
        {canRemove ? (
          <button type="button" className="btn btn-link btn-sm danger" onClick={onRemove}>
            {t('workflows.remove')}
          </button>
        ) : null}
      </div>
      <FieldMessage error={errors?.type} />

      {type === 'send_email' ? (
        <div className="form-grid">
          <label className="field">
            <span className="field-label">{t('workflows.mailTo')}</span>
            {text('to', { placeholder: '{{data.email}}', testId: `action-to-${index}` })}
            <FieldMessage error={errors?.to} />
          </label>
          <label className="field">
            <span className="field-label">{t('workflows.mailCc')}</span>
            {text('cc', { placeholder: t('workflows.listPlaceholder'), testId: `action-cc-${index}` })}
            <FieldMessage error={errors?.cc} />
          </label>
          <label className="field field-wide">
            <span className="field-label">{t('workflows.mailSubject')}</span>
            {text('subject', { testId: `action-subject-${index}` })}
            <FieldMessage error={errors?.subject} testId={`error-action-subject-${index}`} />
          </label>
          <label className="field field-wide">
            <span className="field-label">{t('workflows.mailBody')}</span>
            {text('body', { multiline: true, testId: `action-body-${index}` })}
            <FieldMessage error={errors?.body} />
          </label>
          <div className="field-wide wf-preview">
            <button type="button" className="btn btn-ghost btn-sm" onClick={runPreview} disabled={!recordId || preview.isPending} data-testid={`preview-email-${index}`}>
              {preview.isPending ? t('workflows.previewing') : t('workflows.previewEmail')}
            </button>
            {!recordId ? <span className="muted small">{t('workflows.chooseRecordFirst')}</span> : null}
            {preview.isError ? <ErrorBanner message={toUserError(preview.error).message} details={toUserError(preview.error).issues.map((issue) => `${issue.path}: ${issue.message}`)} /> : null}
            {outcome ? (
              <div className="wf-preview-result" data-testid={`email-preview-${index}`}>
                <div className="wf-outcome-head">
                  <StatusBadge status={outcome.status} />
                  <span className="small">{outcome.message}</span>
                </div>
                {outcome.detail ? <EmailDetail detail={outcome.detail} /> : null}
              </div>
            ) : null}
          </div>
        </div>
      ) : null}

      {type === 'update_field' ? (
        <div className="form-grid">
          <label className="field">
            <span className="field-label">{t('workflows.updateField')}</span>
            <select {...form.register(`actions.${index}.field`)} data-testid={`action-field-${index}`}>
              <option value="">{t('records.selectPlaceholder')}</option>
              {directFields.map((choice) => (
                <option key={choice.path} value={choice.path}>
                  {label(choice.label, choice.path)}
                </option>
              ))}
            </select>
            <FieldMessage error={errors?.field} />
          </label>
          <label className="field">
            <span className="field-label">{t('workflows.updateValue')}</span>
            <Controller
              control={form.control}
              name={`actions.${index}.value`}
              render={({ field: input }) => (
                <FieldInput
                  field={{ key: updated?.path ?? 'value', type: valueInputType(updated?.type), options: updated?.options ?? [] }}
                  variant="criterion"
                  value={input.value}
                  onChange={(next) => input.onChange(typeof next === 'string' ? next : '')}
                  onBlur={input.onBlur}
                  emptyOptionLabel={t('workflows.clearValue')}
                  ariaLabel={t('workflows.updateValue')}
                  testId={`action-value-${index}`}
                />
              )}
            />
            <FieldMessage error={errors?.value} />
          </label>
        </div>
      ) : null}

      {type === 'create_task' ? (
        <div className="form-grid">
          <label className="field field-wide">
            <span className="field-label">{t('workflows.taskTitle')}</span>
            {text('title', { testId: `action-title-${index}` })}
            <FieldMessage error={errors?.title} />
          </label>
          <label className="field field-wide">
            <span className="field-label">{t('workflows.taskDescription')}</span>
            {text('description', { multiline: true, testId: `action-description-${index}` })}
            <FieldMessage error={errors?.description} />
          </label>
          <label className="field">
            <span className="field-label">{t('workflows.taskDue')}</span>
            <input type="number" min={0} {...form.register(`actions.${index}.due_in_days`)} />
            <FieldMessage error={errors?.due_in_days} />
          </label>
          <label className="field">
            <span className="field-label">{t('workflows.taskAssignee')}</span>
            <select {...form.register(`actions.${index}.assignee`)}>
              <option value="">{t('workflows.assignee.default')}</option>
              <option value="owner">{t('workflows.assignee.owner')}</option>
              <option value="creator">{t('workflows.assignee.creator')}</option>
            </select>
          </label>
        </div>
      ) : null}

      {type === 'webhook' ? (
        <div className="form-grid">
          <label className="field field-wide">
            <span className="field-label">{t('workflows.webhookUrl')}</span>
            <input {...form.register(`actions.${index}.url`)} placeholder="https://" data-testid={`action-url-${index}`} />
            <FieldMessage error={errors?.url} />
          </label>
          <label className="field">
            <span className="field-label">{t('workflows.webhookSecret')}</span>
            <input {...form.register(`actions.${index}.secret_ref`)} placeholder="default" />
            <span className="field-help">{t('workflows.webhookSecretHelp')}</span>
            <FieldMessage error={errors?.secret_ref} />
          </label>
        </div>
      ) : null}
    </div>
  );
}

/**
 * The kit input type for a value an action writes: money is typed as a plain
 * number here (the field's currency applies when stored) and a multi-select
 * takes its options as comma-separated text.
 */
function valueInputType(type: FieldType | undefined): FieldType {
  if (type === 'currency') return 'number';
  if (type === 'multi_select' || type === undefined) return 'text';
  return type;
}
