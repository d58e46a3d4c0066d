import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import type { TBulkActionName, TBulkSelection } from '@crm/api/bulk-schemas.js';
import { ConfirmButton, Dialog } from '../../../components/dialog';
import { FieldInput, type FieldInputValue } from '../../../components/field-input';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { useLabel } from '../../../lib/i18n/use-label';
import { readOnlyFieldsOf, useTenantSession, type ModulePermissions } from '../../../lib/tenant/tenant-session';
import { useStartBulkAction, useTenantMembers, viewOfList } from '../api/export-bulk-api';
import { useManualWorkflows } from '../api/manual-runs-api';
import { recordsKey, type ListParams } from '../api/records-api';
import { toWireValue } from '../forms/record-form-schema';
import { isInlineEditable } from '../grid/inline-edit-model';
import { BulkResult } from './bulk-result';
import { JobWatch } from './job-watch';

export interface SelectedRecord {
  readonly id: string;
  readonly version: number;
}

/**
 * Acts on the ticked rows (with the versions the user saw) or on every
 * record matching the view. Runs as a job; the result says how many were
 * changed, and which were skipped and why (not yours, changed meanwhile,
 * refused). Actions the role has no right to at all are not offered.
 */
export function BulkActionBar({
  tenantId,
  module,
  params,
  selected,
  allMatching,
  onSelectAllMatching,
  onClear,
  loaded,
  hasMore,
  scopes,
}: {
  tenantId: string;
  module: TModuleConfigView;
  params: ListParams;
  selected: ReadonlyMap<string, SelectedRecord>;
  allMatching: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
  loaded: number;
  hasMore: boolean;
  scopes: ModulePermissions;
}) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { user } = useBackend();
  const client = useQueryClient();
  const start = useStartBulkAction();
  const [dialog, setDialog] = useState<'edit_field' | 'change_owner' | 'run_workflow' | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const readOnly = readOnlyFieldsOf(useTenantSession(), module.slug);
  const editable = module.fields.filter((field) => isInlineEditable(field, readOnly));
  const [fieldKey, setFieldKey] = useState(editable[0]?.key ?? '');
  const [value, setValue] = useState<FieldInputValue>('');
  const [ownerId, setOwnerId] = useState('');
  const members = useTenantMembers(tenantId, dialog === 'change_owner');
  const [workflowId, setWorkflowId] = useState('');
  const manualWorkflows = useManualWorkflows(tenantId, module.slug, dialog === 'run_workflow');
  const chosenWorkflow = workflowId || (manualWorkflows.data?.[0]?.id ?? '');
  const field = editable.find((candidate) => candidate.key === fieldKey);
  const count = allMatching ? null : selected.size;
  const trash = params.deleted === true;

  const selection = (): TBulkSelection =>
    allMatching ? { view: viewOfList(params) } : { ids: [...selected.values()].map(({ id, version }) => ({ id, version })) };

  const run = (action: TBulkActionName, extra: { field?: string; value?: unknown; ownerId?: string; workflowId?: string } = {}) => {
    start.mutate(
      { tenantId, module: module.slug, selection: selection(), action, ...extra },
      {
        onSuccess: (id) => setJobId(id),
      },
    );
  };

  const finish = async () => {
    setJobId(null);
    setDialog(null);
    start.reset();
    onClear();
    await client.invalidateQueries({ queryKey: [...recordsKey(tenantId), 'list'] });
  };

  if (selected.size === 0 && !allMatching && !jobId) return null;
  const startError = start.isError ? toUserError(start.error) : null;
  // In a dialog the refusal names the input it is about when there is one.
  const dialogError = startError ? (
    <p className="form-error" role="alert" data-testid="bulk-error">
      {startError.issues[0]?.message ?? startError.message}
    </p>
  ) : null;
  return (
    <div className="bulk-bar" role="region" aria-label={t('exportBulk.bulk.region')} data-testid="bulk-bar">
      <p className="bulk-count" aria-live="polite" data-testid="bulk-count">
        {count === null ? t('exportBulk.bulk.allMatching') : t('exportBulk.bulk.selected', { count })}
      </p>
      {!allMatching ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={onSelectAllMatching} data-testid="bulk-select-all-matching">
          {hasMore ? t('exportBulk.bulk.selectAllMatching') : t('exportBulk.bulk.selectAllN', { count: loaded })}
        </button>
      ) : null}
      <div className="bulk-actions">
        {!trash && scopes.update !== 'none' ? (
          <>
            <button type="button" className="btn btn-sm" onClick={() => setDialog('edit_field')} data-testid="bulk-edit">
              {t('exportBulk.bulk.edit')}
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setDialog('change_owner')} data-testid="bulk-owner">
              {t('exportBulk.bulk.owner')}
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setDialog('run_workflow')} data-testid="bulk-run-workflow">
              {t('manualRuns.bulk.action')}
            </button>
          </>
        ) : null}
        {!trash && scopes.delete !== 'none' ? (
          <ConfirmButton
            className="btn btn-sm btn-danger"
            testId="bulk-delete"
            title={t('exportBulk.bulk.deleteTitle')}
            description={count === null ? t('exportBulk.bulk.deleteAllBody') : t('exportBulk.bulk.deleteBody', { count })}
            confirmLabel={t('exportBulk.bulk.delete')}
            onConfirm={() => run('delete')}
          >
            {t('exportBulk.bulk.delete')}
          </ConfirmButton>
        ) : null}
        {trash && scopes.delete !== 'none' ? (
          <button type="button" className="btn btn-sm" onClick={() => run('restore')} data-testid="bulk-restore">
            {t('exportBulk.bulk.restore')}
          </button>
        ) : null}
        <button type="button" className="btn btn-ghost btn-sm" onClick={onClear} data-testid="bulk-clear">
          {t('exportBulk.bulk.clear')}
        </button>
      </div>
      {startError && !dialog ? (
        <p className="form-error" role="alert">
          {startError.message}
        </p>
      ) : null}

      {/* One dialog from the form to the result: closing one dialog while opening another loses focus to the page, which Ariakit reads as a dismissal. */}
      <Dialog
        open={dialog !== null || jobId !== null}
        onClose={() => (jobId ? void finish() : setDialog(null))}
        title={
          jobId
            ? t('exportBulk.bulk.progressTitle')
            : dialog === 'change_owner'
              ? t('exportBulk.bulk.ownerTitle')
              : dialog === 'run_workflow'
                ? t('manualRuns.bulk.title')
                : t('exportBulk.bulk.editTitle')
        }
        testId={jobId ? 'bulk-progress-dialog' : dialog === 'change_owner' ? 'bulk-owner-dialog' : dialog === 'run_workflow' ? 'bulk-run-dialog' : 'bulk-edit-dialog'}
        onSubmit={(event) => {
          event.preventDefault();
          if (jobId) return;
          if (dialog === 'edit_field' && field) run('edit_field', { field: field.key, value: toWireValue(field, value, i18n.language) });
          if (dialog === 'change_owner' && ownerId.trim() !== '') run('change_owner', { ownerId: ownerId.trim() });
          if (dialog === 'run_workflow' && chosenWorkflow !== '') run('run_workflow', { workflowId: chosenWorkflow });
        }}
        footer={
          jobId ? (
            <button type="button" className="btn btn-ghost" onClick={() => void finish()} data-testid="bulk-close">
              {t('app.close')}
            </button>
          ) : (
            <>
              <button type="button" className="btn btn-ghost" onClick={() => setDialog(null)}>
                {t('app.cancel')}
              </button>
              <button
                type="submit"
                className="btn btn-primary"
                disabled={start.isPending || (dialog === 'edit_field' ? !field : dialog === 'run_workflow' ? chosenWorkflow === '' : ownerId.trim() === '')}
                data-testid={dialog === 'change_owner' ? 'bulk-owner-apply' : dialog === 'run_workflow' ? 'bulk-run-apply' : 'bulk-edit-apply'}
              >
                {dialog === 'run_workflow' ? t('manualRuns.bulk.run') : t('exportBulk.bulk.apply')}
              </button>
            </>
          )
        }
      >
        {jobId ? (
          <JobWatch tenantId={tenantId} jobId={jobId} renderResult={(job) => <BulkResult job={job} />} />
        ) : dialog === 'run_workflow' ? (
          <div className="stack">
            <p className="muted small">{t('manualRuns.bulk.help')}</p>
            {manualWorkflows.isPending ? null : (manualWorkflows.data ?? []).length === 0 ? (
              <p className="notice" data-testid="bulk-run-none">
                {t('manualRuns.bulk.none')}
              </p>
            ) : (
              <>
                <label className="field-label" htmlFor="bulk-workflow">
                  {t('manualRuns.bulk.workflow')}
                </label>
                <select id="bulk-workflow" value={chosenWorkflow} onChange={(event) => setWorkflowId(event.target.value)} data-testid="bulk-workflow">
                  {(manualWorkflows.data ?? []).map((workflow) => (
                    <option key={workflow.id} value={workflow.id}>
                      {workflow.name}
                    </option>
                  ))}
                </select>
              </>
            )}
            {manualWorkflows.isError ? (
              <p className="form-error" role="alert">
                {toUserError(manualWorkflows.error).message}
              </p>
            ) : null}
            {dialogError}
          </div>
        ) : dialog === 'edit_field' ? (
          <div className="stack">
            <label className="field-label" htmlFor="bulk-field">
              {t('exportBulk.bulk.field')}
            </label>
            <select
              id="bulk-field"
              value={fieldKey}
              onChange={(event) => {
                setFieldKey(event.target.value);
                setValue('');
              }}
              data-testid="bulk-field"
            >
              {editable.map((candidate) => (
                <option key={candidate.key} value={candidate.key}>
                  {label(candidate.label, candidate.key)}
                </option>
              ))}
            </select>
            {field ? (
              <>
                <label className="field-label" htmlFor="bulk-value">
                  {t('exportBulk.bulk.value')}
                </label>
                <FieldInput
                  field={field}
                  value={value}
                  onChange={setValue}
                  id="bulk-value"
                  testId="bulk-value"
                  ariaLabel={t('exportBulk.bulk.value')}
                  checkboxLabel={label(field.label, field.key)}
                  special={
                    field.type === 'relationship' ? (
                      <input
                        id="bulk-value"
                        type="text"
                        value={typeof value === 'string' ? value : ''}
                        onChange={(event) => setValue(event.target.value)}
                        placeholder={t('exportBulk.bulk.recordId')}
                        data-testid="bulk-value"
                      />
                    ) : undefined
                  }
                />
              </>
            ) : null}
            {dialogError}
          </div>
        ) : (
          <div className="stack">
            <label className="field-label" htmlFor="bulk-owner-id">
              {t('exportBulk.bulk.ownerId')}
            </label>
            <select id="bulk-owner-id" value={ownerId} onChange={(event) => setOwnerId(event.target.value)} data-testid="bulk-owner-id">
              <option value="" />
              {(members.data ?? []).map((member) => (
                <option key={member.uid} value={member.uid}>
                  {member.name ?? member.email ?? member.uid}
                  {member.name && member.email ? ` (${member.email})` : ''}
                </option>
              ))}
            </select>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOwnerId(user.uid)}>
              {t('exportBulk.bulk.ownerMe')}
            </button>
            {dialogError}
          </div>
        )}
      </Dialog>
    </div>
  );
}
