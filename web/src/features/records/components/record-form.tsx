import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useState } from 'react';
import { Controller, useForm, type Control, type UseFormRegister } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { currencyCodeFor, optionLabel, relationshipOptions } from '@crm/engine/fields/field-definition.js';
import { ErrorBanner } from '../../../components/status-views';
import { issuesByInput, toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { activeFields, findModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import { buildRecordFormSchema, initialFormValues, recordPayload, type FileValue, type RecordFormValues } from '../forms/record-form-schema';
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
  const fields = activeFields(module);
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
          const sentence = issue?.messageKey
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
        {fields.map((field) => {
          const message = errors[field.key]?.message;
          const help = field.help_text ? label(field.help_text) : null;
          const wide = field.type === 'textarea' || field.type === 'multi_select' || field.type === 'file';
          return (
            <div key={field.key} className={`field${wide ? ' field-wide' : ''}${message ? ' has-error' : ''}`}>
              <label className="field-label" htmlFor={`f-${field.key}`}>
                {label(field.label, field.key)}
                {field.required ? <span className="required" aria-label={t('records.requiredMark')}>*</span> : null}
              </label>
              <FieldInput field={field} control={form.control} register={form.register} invalid={Boolean(message)} record={record} moduleSlug={module.slug} />
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

function FieldInput({
  field,
  control,
  register,
  invalid,
  record,
  moduleSlug,
}: {
  field: Field;
  control: Control<RecordFormValues, unknown, Record<string, unknown>>;
  register: UseFormRegister<RecordFormValues>;
  invalid: boolean;
  record: TRecordView | null;
  moduleSlug: string;
}) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const id = `f-${field.key}`;
  const common = { id, 'aria-invalid': invalid || undefined, 'data-testid': `input-${field.key}` } as const;
  const placeholder = field.placeholder ? label(field.placeholder) : undefined;

  switch (field.type) {
    case 'textarea':
      return <textarea {...common} rows={4} placeholder={placeholder} {...register(field.key)} />;
    case 'number':
      return <input {...common} type="text" inputMode="decimal" placeholder={placeholder} {...register(field.key)} />;
    case 'currency':
      return (
        <div className="input-affix">
          <span className="affix">{currencySymbol(currencyCodeFor(field), i18n.language)}</span>
          <input {...common} type="text" inputMode="decimal" placeholder={placeholder ?? '0.00'} {...register(field.key)} />
        </div>
      );
    case 'date':
      return <input {...common} type="date" {...register(field.key)} />;
    case 'datetime':
      return <input {...common} type="datetime-local" {...register(field.key)} />;
    case 'checkbox':
      return (
        <label className="check-row">
          <input {...common} type="checkbox" {...register(field.key)} />
          <span>{label(field.label, field.key)}</span>
        </label>
      );
    case 'select':
      return (
        <select {...common} {...register(field.key)}>
          <option value="">{t('records.selectPlaceholder')}</option>
          {(Array.isArray(field.options) ? field.options : []).map((option) => {
            const value = typeof option === 'string' ? option : option.value;
            return (
              <option key={value} value={value}>
                {optionLabel(option, i18n.language)}
              </option>
            );
          })}
        </select>
      );
    case 'multi_select':
      return (
        <Controller
          control={control}
          name={field.key}
          render={({ field: input }) => {
            const selected = new Set(Array.isArray(input.value) ? input.value : []);
            return (
              <div className="choice-grid" data-testid={common['data-testid']} role="group" aria-labelledby={id}>
                {(Array.isArray(field.options) ? field.options : []).map((option) => {
                  const value = typeof option === 'string' ? option : option.value;
                  return (
                    <label key={value} className={`choice${selected.has(value) ? ' on' : ''}`}>
                      <input
                        type="checkbox"
                        checked={selected.has(value)}
                        onChange={() => {
                          const next = new Set(selected);
                          if (next.has(value)) next.delete(value);
                          else next.add(value);
                          input.onChange([...next]);
                        }}
                        onBlur={input.onBlur}
                      />
                      <span>{optionLabel(option, i18n.language)}</span>
                    </label>
                  );
                })}
              </div>
            );
          }}
        />
      );
    case 'relationship': {
      const target = relationshipOptions(field)?.related_module ?? '';
      const related = findModule(session, target);
      return (
        <Controller
          control={control}
          name={field.key}
          render={({ field: input }) => (
            <RelationshipPicker
              relatedModule={target}
              relatedLabel={related ? label(related.label_plural ?? related.label, target) : target}
              value={typeof input.value === 'string' ? input.value : ''}
              initialDisplay={record?.related[field.key]?.display ?? null}
              onChange={(value) => {
                input.onChange(value);
                input.onBlur();
              }}
              invalid={invalid}
              testId={common['data-testid']}
            />
          )}
        />
      );
    }
    case 'file':
      return (
        <Controller
          control={control}
          name={field.key}
          render={({ field: input }) => (
            <FileInput
              module={moduleSlug}
              value={typeof input.value === 'object' && input.value !== null && !Array.isArray(input.value) ? (input.value as FileValue) : null}
              onChange={input.onChange}
              testId={common['data-testid']}
            />
          )}
        />
      );
    case 'email':
      return <input {...common} type="email" autoComplete="off" placeholder={placeholder} {...register(field.key)} />;
    case 'phone':
      return <input {...common} type="tel" placeholder={placeholder} {...register(field.key)} />;
    case 'url':
      return <input {...common} type="url" placeholder={placeholder ?? 'https://'} {...register(field.key)} />;
    default:
      return <input {...common} type="text" placeholder={placeholder} {...register(field.key)} />;
  }
}

function currencySymbol(code: string, language: string): string {
  try {
    const part = new Intl.NumberFormat(language, { style: 'currency', currency: code }).formatToParts(0).find((p) => p.type === 'currency');
    return part?.value ?? code;
  } catch {
    return code;
  }
}
