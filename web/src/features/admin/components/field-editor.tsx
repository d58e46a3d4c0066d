import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { FIELD_TYPES } from '@crm/engine/fields/field-definition.js';
import { fieldTypeModule } from '@crm/engine/fields/types/registry.js';
import { ErrorBanner } from '../../../components/status-views';
import { toUserError, type UserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { activeFields, orderedModules, useTenantSession } from '../../../lib/tenant/tenant-session';
import { keyFromLabel } from '../forms/derive-key';
import { FormulaInputs } from './formula-inputs';
import { buildFieldFormSchema, FIELD_INPUT_NAMES, inputForIssue, isIndexable, optionEditorOf, optionsFormOf, sayServerIssue, type FieldFormValues } from './field-form-model';
import { useOptionContext } from './option-context';
import { RollupInputs } from './rollup-inputs';

/**
 * Add or edit one field. Validation is the template field schema's, run by
 * the callable client before sending and by the server after; either way
 * each issue lands on the input it is about.
 */
export function FieldEditor({
  mode,
  initial,
  pathPrefix,
  onSubmit,
  onCancel,
  moduleSlug,
}: {
  /** The module the field belongs to (formulas are checked against its fields). */
  moduleSlug?: string;
  mode: 'add' | 'edit';
  initial: FieldFormValues;
  /** Where the field sits in the request (`field` for add; edit maps `changes.*`). */
  pathPrefix: string;
  onSubmit: (values: FieldFormValues) => Promise<unknown>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const schema = useMemo(() => buildFieldFormSchema(t), [t]);
  const form = useForm<FieldFormValues>({ resolver: zodResolver(schema), defaultValues: initial });
  // The key follows the label until the admin edits it (adding only: a saved key never changes).
  const keyEdited = useRef(mode === 'edit' || initial.key !== '');
  const [failure, setFailure] = useState<string[] | null>(null);
  const type = form.watch('type');
  const editor = optionEditorOf(type);
  // Options a saved field may not change are shown, not editable (the server keeps them anyway).
  const optionsLocked = mode === 'edit' && optionsFormOf(type)?.editable !== true;
  const optionContext = useOptionContext(session.config);
  const relatedModule = form.watch('relatedModule');
  const related = orderedModules(session.config).find((module) => module.slug === relatedModule);
  const { errors, isSubmitting } = form.formState;

  const showError = (error: UserError) => {
    const rest: string[] = [];
    for (const issue of error.issues) {
      const path = issue.path.startsWith(`${pathPrefix}.`) ? issue.path.slice(pathPrefix.length + 1) : issue.path;
      const input = inputForIssue(path, type);
      if (input) form.setError(input, { type: 'server', message: sayServerIssue(t, issue, FIELD_INPUT_NAMES[input]) });
      else rest.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
    if (error.issues.length === 0 || rest.length > 0) setFailure([error.message, ...rest]);
  };

  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      await onSubmit(values);
    } catch (error) {
      showError(toUserError(error));
    }
  });

  const err = (name: keyof FieldFormValues) =>
    errors[name]?.message ? (
      <span className="field-error" role="alert" data-testid={`field-error-${name}`}>
        {errors[name]?.message}
      </span>
    ) : null;

  return (
    <form className="field-editor card" onSubmit={submit} noValidate data-testid="field-editor">
      <h2 className="card-title">{mode === 'add' ? t('admin.addField') : t('admin.editField')}</h2>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('admin.label')}</span>
          <input
            {...form.register('label', {
              onChange: (event: { target: { value: string } }) => {
                if (!keyEdited.current) form.setValue('key', keyFromLabel(event.target.value, 63));
              },
            })}
            data-testid="field-label"
            aria-invalid={errors.label ? true : undefined}
          />
          {err('label')}
        </label>
        <label className="field">
          <span className="field-label">{t('admin.labelEs')}</span>
          <input {...form.register('labelEs')} />
        </label>
        <label className="field">
          <span className="field-label">{t('admin.key')}</span>
          <input
            {...form.register('key', { onChange: () => (keyEdited.current = true) })}
            disabled={mode === 'edit'}
            placeholder="blood_type"
            data-testid="field-key"
            aria-invalid={errors.key ? true : undefined}
            aria-describedby={mode === 'add' ? 'field-key-hint' : undefined}
          />
          {mode === 'add' && !errors.key ? (
            <span className="field-help" id="field-key-hint">
              {t('admin.derived')}
            </span>
          ) : null}
          {err('key')}
        </label>
        <label className="field">
          <span className="field-label">{t('admin.type')}</span>
          <select {...form.register('type')} disabled={mode === 'edit'} data-testid="field-type">
            {FIELD_TYPES.map((fieldType) => (
              <option key={fieldType} value={fieldType}>
                {t(`admin.fieldType.${fieldType}`)}
              </option>
            ))}
          </select>
          {err('type')}
        </label>
        {editor === 'choices' ? (
          <label className="field field-wide">
            <span className="field-label">{t('admin.options')}</span>
            <textarea rows={4} {...form.register('optionsText')} data-testid="field-options" aria-invalid={errors.optionsText ? true : undefined} />
            {err('optionsText')}
          </label>
        ) : null}
        {editor === 'relationship' ? (
          <>
            <label className="field">
              <span className="field-label">{t('admin.relatedModule')}</span>
              <select {...form.register('relatedModule')} disabled={optionsLocked} data-testid="field-related">
                <option value="">{t('records.selectPlaceholder')}</option>
                {orderedModules(session.config).map((module) => (
                  <option key={module.slug} value={module.slug}>
                    {label(module.label, module.slug)}
                  </option>
                ))}
              </select>
              {err('relatedModule')}
            </label>
            <label className="field">
              <span className="field-label">{t('admin.displayField')}</span>
              <select {...form.register('displayField')} disabled={optionsLocked}>
                <option value="">{t('records.selectPlaceholder')}</option>
                {related
                  ? activeFields(related).map((field) => (
                      <option key={field.key} value={field.key}>
                        {label(field.label, field.key)}
                      </option>
                    ))
                  : null}
              </select>
              {err('displayField')}
            </label>
          </>
        ) : null}
        {editor === 'formula' && moduleSlug ? <FormulaInputs form={form} moduleSlug={moduleSlug} /> : null}
        {editor === 'rollup' && moduleSlug ? <RollupInputs form={form} moduleSlug={moduleSlug} disabled={optionsLocked} /> : null}
        {editor === 'currency' ? (
          <label className="field">
            <span className="field-label">{t('admin.currency')}</span>
            <input {...form.register('currency')} maxLength={3} disabled={optionsLocked} />
            {err('currency')}
          </label>
        ) : null}
        <label className="field field-wide">
          <span className="field-label">{t('admin.helpText')}</span>
          <input {...form.register('helpText')} />
          {err('helpText')}
        </label>
        {fieldTypeModule(type).traits.computed ? null : (
          <label className="check-row">
            <input type="checkbox" {...form.register('required')} data-testid="field-required" />
            <span>{t('admin.required')}</span>
          </label>
        )}
        {isIndexable(form.watch(), optionContext) ? (
          <label className="check-row">
            <input type="checkbox" {...form.register('indexed')} data-testid="field-indexed" />
            <span>{t('admin.indexed')}</span>
            <span className="muted small">{t('admin.indexedHint')}</span>
          </label>
        ) : null}
      </div>
      {failure ? <ErrorBanner message={failure[0] ?? ''} details={failure.slice(1)} /> : null}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="save-field">
          {t('app.save')}
        </button>
      </div>
    </form>
  );
}
