import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useState, type ReactNode } from 'react';
import { Controller, useForm, type Control } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { relationshipOptions } from '@crm/engine/fields/field-definition.js';
import { FieldInput } from '../../../components/field-input';
import { ErrorBanner } from '../../../components/status-views';
import { issuesByInput, toUserError } from '../../../lib/api/to-user-error';
import { formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { activeFields, findModule, readOnlyFieldsOf, useTenantSession } from '../../../lib/tenant/tenant-session';
import { isComputedField } from '../grid/inline-edit-model';
import { buildRecordFormSchema, initialFormValues, recordPayload, type FileValue, type FormValue, type RecordFormValues } from '../forms/record-form-schema';
import { FileInput } from './file-input';
import { RelationshipPicker } from './relationship-picker';

type Field = TModuleConfigView['fields'][number];

/**
 * A form generated from the module's field schema. The resolver runs the
 * engine's own per-field check (the server's), and the server's answer is
 * mapped back onto the same inputs when it still refuses something
 * (uniqueness, a related record gone, a concurrent edit).
 */
export function RecordForm({
  module,
  record,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  module: TModuleConfigView;
  record: TRecordView | null;
  submitLabel: string;
  onSubmit: (data: Record<string, unknown>) => Promise<unknown>;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  // Computed fields (formulas, roll-ups) are written by the server, never typed in. Fields read-only
  // for the user's role are shown with their value but are not inputs, and are never sent.
  const readOnly = useMemo(() => readOnlyFieldsOf(session, module.slug), [session, module.slug]);
  const shown = useMemo(() => activeFields(module).filter((field) => !isComputedField(field)), [module]);
  const fields = useMemo(() => shown.filter((field) => !readOnly.has(field.key)), [shown, readOnly]);
  const language = i18n.language;
  // The engine's refusal, said in the user's language with the field's label in that language.
  const schema = useMemo(
    () =>
      buildRecordFormSchema(fields, {
        locale: language,
        describe: (failure, field) => t(failure.messageKey, { ...failure.params, field: label(field.label, field.key) }),
      }),
    [fields, language, t, label],
  );
  const form = useForm<RecordFormValues, unknown, Record<string, unknown>>({
    resolver: zodResolver(schema),
    defaultValues: initialFormValues(fields, record?.data ?? null, language),
    mode: 'onTouched',
  });
  const [formError, setFormError] = useState<{ message: string; details: string[] } | null>(null);
  const { errors, isSubmitting, dirtyFields } = form.formState;

  const submit = form.handleSubmit(async (parsed) => {
    setFormError(null);
    const dirtyKeys = new Set(Object.keys(dirtyFields));
    const data = recordPayload({ mode: record ? 'update' : 'create', parsed, dirtyKeys });
    try {
      await onSubmit(data);
    } catch (error) {
      const userError = toUserError(error);
      const { byInput, rest } = issuesByInput(userError, 'data');
      let placed = 0;
      for (const [key, message] of byInput) {
        const field = fields.find((candidate) => candidate.key === key);
        if (field) {
          const issue = userError.issues.find((candidate) => candidate.path.startsWith(`data.${key}`));
          // A keyed issue is said again with the label in the user's language; an old-style one
          // ("is already used by …") names no subject, so the label is put in front.
          // A validation rule's message is the tenant's own text, in the user's language when the rule has it.
          const rule = issue?.messageKey === 'formulas.ruleFailed' ? module.validation_rules?.find((candidate) => candidate.key === issue.params?.rule) : undefined;
          const sentence = rule
            ? label(rule.message, rule.key)
            : issue?.messageKey
            ? t(issue.messageKey, { ...issue.params, field: label(field.label, key) })
            : /^[a-z]/.test(message)
              ? `${label(field.label, key)} ${message}`
              : message;
          form.setError(key, { type: 'server', message: sentence }, { shouldFocus: placed === 0 });
          placed += 1;
        } else {
          rest.push({ path: `data.${key}`, message });
        }
      }
      const message = userError.code === 'aborted' ? t('records.conflict') : userError.message;
      if (placed === 0 || rest.length > 0) setFormError({ message, details: rest.map((issue) => issue.message) });
    }
  });

  return (
    <form className="record-form" onSubmit={submit} noValidate data-testid="record-form">
      <div className="form-grid">
        {shown.map((field) => {
          if (readOnly.has(field.key)) return <ReadOnlyField key={field.key} field={field} record={record} />;
          const message = errors[field.key]?.message;
          const help = field.help_text ? label(field.help_text) : null;
          const wide = field.type === 'textarea' || field.type === 'multi_select' || field.type === 'file';
          return (
            <div key={field.key} className={`field${wide ? ' field-wide' : ''}${message ? ' has-error' : ''}`}>
              <label className="field-label" htmlFor={`f-${field.key}`} id={`f-${field.key}-label`}>
                {label(field.label, field.key)}
                {field.required ? (
                  <>
                    <span className="required" aria-hidden="true">
                      *
                    </span>
                    <span className="sr-only"> ({t('kit.required')})</span>
                  </>
                ) : null}
              </label>
              <RecordFieldInput field={field} control={form.control} invalid={Boolean(message)} record={record} moduleSlug={module.slug} />
              {message ? (
                <span className="field-error" role="alert" data-testid={`error-${field.key}`}>
                  {message}
                </span>
              ) : help ? (
                <span className="field-help">{help}</span>
              ) : null}
            </div>
          );
        })}
      </div>
      {formError ? <ErrorBanner message={formError.message} details={formError.details} /> : null}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="submit-record">
          {isSubmitting ? t('records.saving') : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The record form's binding of the kit's `<FieldInput>`: relationship and file inputs come from this feature. */
function RecordFieldInput({
  field,
  control,
  invalid,
  record,
  moduleSlug,
}: {
  field: Field;
  control: Control<RecordFormValues, unknown, Record<string, unknown>>;
  invalid: boolean;
  record: TRecordView | null;
  moduleSlug: string;
}) {
  const label = useLabel();
  const session = useTenantSession();
  const id = `f-${field.key}`;
  const testId = `input-${field.key}`;
  const placeholder = field.placeholder ? label(field.placeholder) : undefined;
  return (
    <Controller
      control={control}
      name={field.key}
      render={({ field: input }) => {
        let special: ReactNode = undefined;
        if (field.type === 'relationship') {
          const target = relationshipOptions(field)?.related_module ?? '';
          const related = findModule(session, target);
          special = (
            <RelationshipPicker
              id={id}
              relatedModule={target}
              relatedLabel={related ? label(related.label_plural ?? related.label, target) : target}
              value={typeof input.value === 'string' ? input.value : ''}
              initialDisplay={record?.related[field.key]?.display ?? null}
              onChange={(value) => {
                input.onChange(value);
                input.onBlur();
              }}
              invalid={invalid}
              testId={testId}
            />
          );
        } else if (field.type === 'file') {
          special = (
            <FileInput
              module={moduleSlug}
              value={typeof input.value === 'object' && input.value !== null && !Array.isArray(input.value) ? (input.value as FileValue) : null}
              onChange={input.onChange}
              testId={testId}
            />
          );
        }
        return (
          <FieldInput
            field={field}
            value={input.value}
            onChange={(value) => input.onChange(value as FormValue)}
            onBlur={input.onBlur}
            id={id}
            invalid={invalid}
            testId={testId}
            placeholder={placeholder}
            checkboxLabel={label(field.label, field.key)}
            special={special}
          />
        );
      }}
    />
  );
}

/** A field the user's role may read but not change: its value, and why there is no input. */
function ReadOnlyField({ field, record }: { field: Field; record: TRecordView | null }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const value = record ? formatFieldValue(field, record.data[field.key], i18n.language, record.related[field.key]?.display ?? null, { yes: t('records.yes'), no: t('records.no') }) : '';
  return (
    <div className="field field-readonly" data-testid={`readonly-${field.key}`}>
      <span className="field-label" id={`f-${field.key}-label`}>
        {label(field.label, field.key)}
      </span>
      <span className="field-readonly-value" aria-labelledby={`f-${field.key}-label`} aria-describedby={`f-${field.key}-help`}>
        {value === '' ? <span className="muted">—</span> : value}
      </span>
      <span className="field-help" id={`f-${field.key}-help`}>
        {t('records.readOnlyForRole')}
      </span>
    </div>
  );
}
