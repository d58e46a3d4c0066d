import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { AlertDialog } from '../../../components/dialog';
import { PlusIcon } from '../../../components/module-icon';
import { ModulePicker } from '../../../components/module-picker';
import { EmptyState, ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { orderedFields, useRouteModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useConfigMutation } from '../api/config-api';
import { useRecomputeFormulas } from '../api/recompute-formulas-api';
import { useRecomputeRollups } from '../api/recompute-rollups-api';
import { EMPTY_FIELD_FORM, isIndexable, localized, optionEditorOf, optionsFormOf, toFieldDefinition, toFieldForm } from './field-form-model';
import { useOptionContext } from './option-context';
import { FieldEditor } from './field-editor';

type Editing = { mode: 'add' } | { mode: 'edit'; key: string } | null;

/** Custom fields of one module: add, edit, reorder, deactivate. */
export function FieldsAdminPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useTenantSession();
  const { modules, module } = useRouteModule();
  if (!session.bootstrap.canManageConfiguration) return <ErrorBanner message={t('admin.notAllowed')} />;
  if (!module) return <EmptyState title={t('shell.noModulesAdmin')} />;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.fieldsTitle')}</h1>
          <p className="muted">{t('admin.fieldsSubtitle')}</p>
        </div>
        <ModulePicker
          modules={modules}
          value={module.slug}
          onChange={(next) => void navigate(paths.adminFields(session.tenantId, next))}
          testId="admin-module"
        />
      </div>
      <ModuleFields key={module.slug} module={module} />
    </div>
  );
}

function ModuleFields({ module }: { module: TModuleConfigView }) {
  const { t } = useTranslation();
  const label = useLabel();
  // An indexed field's slot is `backfilling` while existing records get its value (a job with progress).
  const indexBadge = (key: string) => {
    const slot = module.index_slots.find((candidate) => candidate.field === key);
    if (!slot) return null;
    return slot.state === 'ready' ? (
      <span className="badge badge-soft" data-testid={`indexed-${key}`}>{t('admin.indexed')}</span>
    ) : (
      <span className="badge badge-accent" data-testid={`indexing-${key}`} title={t('admin.indexingHint')}>{t('admin.indexing')}</span>
    );
  };
  const { tenantId, config } = useTenantSession();
  const optionContext = useOptionContext(config);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const add = useConfigMutation(tenantId, 'crmAddField');
  const update = useConfigMutation(tenantId, 'crmUpdateField');
  const recompute = useRecomputeFormulas(tenantId);
  const recomputeRollups = useRecomputeRollups(tenantId);
  const reorder = useConfigMutation(tenantId, 'crmReorderFields');
  const deactivate = useConfigMutation(tenantId, 'crmDeactivateField');
  const [confirming, setConfirming] = useState<{ key: string; name: string } | null>(null);
  const fields = orderedFields(module);
  const failure = reorder.error ?? deactivate.error ?? update.error;

  const move = (index: number, delta: -1 | 1) => {
    const keys = fields.map((field) => field.key);
    const target = index + delta;
    const moved = keys[index];
    const other = keys[target];
    if (moved === undefined || other === undefined) return;
    keys[target] = moved;
    keys[index] = other;
    setNotice(null);
    reorder.mutate({ module: module.slug, keys }, { onSuccess: () => setNotice(t('admin.saved')) });
  };

  const editingField = editing?.mode === 'edit' ? fields.find((field) => field.key === editing.key) : undefined;

  return (
    <div className="admin-layout">
      <AlertDialog
        open={confirming !== null}
        title={t('admin.deactivate')}
        description={confirming ? t('admin.deactivateConfirm', { field: confirming.name }) : ''}
        confirmLabel={t('admin.deactivate')}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) deactivate.mutate({ module: module.slug, key: confirming.key });
          setConfirming(null);
        }}
      />
      <section className="card">
        <div className="card-head">
          <h2 className="card-title">{label(module.label_plural ?? module.label, module.slug)}</h2>
          <Link className="btn btn-ghost btn-sm" to={paths.adminRules(tenantId, module.slug)} data-testid="validation-rules-link">
            {t('formulas.rules.title')}
          </Link>
          <button type="button" className="btn btn-primary btn-sm" onClick={() => setEditing({ mode: 'add' })} data-testid="add-field">
            <PlusIcon /> {t('admin.addField')}
          </button>
        </div>
        {failure ? <ErrorBanner message={toUserError(failure).message} /> : null}
        {notice ? <p className="success-note">{notice}</p> : null}
        <ol className="field-list" data-testid="field-list">
          {fields.map((field, index) => (
            <li key={field.key} className={field.active ? '' : 'inactive'} data-testid={`field-row-${field.key}`}>
              <div className="field-order">
                <button type="button" className="icon-btn" aria-label={t('admin.moveUp')} disabled={index === 0 || reorder.isPending} onClick={() => move(index, -1)}>
                  ↑
                </button>
                <button type="button" className="icon-btn" aria-label={t('admin.moveDown')} disabled={index === fields.length - 1 || reorder.isPending} onClick={() => move(index, 1)} data-testid={`move-down-${field.key}`}>
                  ↓
                </button>
              </div>
              <div className="field-main">
                <strong>{label(field.label, field.key)}</strong>
                <span className="muted small mono">{field.key}</span>
              </div>
              <div className="field-badges">
                <span className="badge">{field.type}</span>
                {field.required ? <span className="badge badge-accent">{t('admin.required')}</span> : null}
                {indexBadge(field.key)}
                <span className="badge badge-soft">{field.custom ? t('admin.custom') : t('admin.system')}</span>
                {field.active ? null : <span className="badge badge-danger">{t('admin.inactive')}</span>}
              </div>
              <div className="field-actions">
                <button type="button" className="btn btn-link btn-sm" onClick={() => setEditing({ mode: 'edit', key: field.key })} data-testid={`edit-field-${field.key}`}>
                  {t('records.edit')}
                </button>
                {field.active ? (
                  <button
                    type="button"
                    className="btn btn-link btn-sm danger"
                    data-testid={`deactivate-${field.key}`}
                    onClick={() => setConfirming({ key: field.key, name: label(field.label, field.key) })}
                  >
                    {t('admin.deactivate')}
                  </button>
                ) : (
                  <button type="button" className="btn btn-link btn-sm" onClick={() => update.mutate({ module: module.slug, key: field.key, changes: { active: true } })}>
                    {t('admin.reactivate')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      </section>
      <div>
        {editing?.mode === 'add' ? (
          <FieldEditor
            key="add"
            mode="add"
            initial={EMPTY_FIELD_FORM}
            moduleSlug={module.slug}
            pathPrefix="field"
            onCancel={() => setEditing(null)}
            onSubmit={async (values) => {
              await add.mutateAsync({ module: module.slug, field: toFieldDefinition(values, optionContext) });
              // Existing records get the new formula's value from a job (new writes compute it themselves).
              if (optionEditorOf(values.type) === 'formula') await recompute.mutateAsync(module.slug);
              // Likewise a new roll-up: parents that already have children get their value from a job.
              if (optionEditorOf(values.type) === 'rollup') await recomputeRollups.mutateAsync({ module: module.slug, field: values.key.trim() });
              setEditing(null);
              setNotice(t('admin.saved'));
            }}
          />
        ) : null}
        {editingField ? (
          <FieldEditor
            key={editingField.key}
            mode="edit"
            initial={toFieldForm(editingField)}
            moduleSlug={module.slug}
            pathPrefix="changes"
            onCancel={() => setEditing(null)}
            onSubmit={async (values) => {
              const definition = toFieldDefinition(values, optionContext);
              await update.mutateAsync({
                module: module.slug,
                key: editingField.key,
                changes: {
                  label: localized(values.label, values.labelEs),
                  required: values.required,
                  ...(isIndexable(values, optionContext) ? { indexed: values.indexed } : {}),
                  ...(definition.help_text !== undefined ? { help_text: definition.help_text } : {}),
                  ...(optionsFormOf(values.type)?.editable ? { options: definition.options } : {}),
                },
              });
              if (optionEditorOf(values.type) === 'formula') await recompute.mutateAsync(module.slug);
              setEditing(null);
              setNotice(t('admin.saved'));
            }}
          />
        ) : null}
      </div>
    </div>
  );
}
