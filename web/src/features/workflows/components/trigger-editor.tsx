import { Controller, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { selectOptionValues } from '@crm/engine/fields/field-definition.js';
import { WORKFLOW_TRIGGER_TYPES } from '@crm/engine/template/workflow-schema.js';
import { useLabel } from '../../../lib/i18n/use-label';
import type { WorkflowFormValues } from '../forms/workflow-form-model';
import { ChoiceToggles } from './choice-toggles';
import { FieldMessage } from './field-message';

/** When the workflow runs: the trigger type and, where it takes one, its configuration. */
export function TriggerEditor({ form, module }: { form: UseFormReturn<WorkflowFormValues>; module: TModuleConfigView }) {
  const { t } = useTranslation();
  const label = useLabel();
  const type = form.watch('trigger_type');
  const errors = form.formState.errors;
  const fields = module.fields.filter((field) => field.active);
  const statusField = fields.find((field) => field.key === module.status_field);
  const statuses = statusField ? selectOptionValues(statusField).map((value) => ({ value, label: value })) : [];
  const dateFields = fields.filter((field) => field.type === 'date' || field.type === 'datetime');

  return (
    <div className="form-grid">
      <label className="field field-wide">
        <span className="field-label">{t('workflows.triggerType')}</span>
        <select {...form.register('trigger_type')} data-testid="trigger-type">
          {WORKFLOW_TRIGGER_TYPES.map((trigger) => (
            <option key={trigger} value={trigger}>
              {t(`workflows.trigger.${trigger}`)}
            </option>
          ))}
        </select>
        <span className="field-help">{t(`workflows.triggerHelp.${type}`)}</span>
        <FieldMessage error={errors.trigger_type ?? errors.config} testId="error-trigger" />
      </label>
      {type === 'field_changed' ? (
        <div className="field field-wide">
          <span className="field-label">{t('workflows.watchedFields')}</span>
          <Controller
            control={form.control}
            name="config.fields"
            render={({ field }) => (
              <ChoiceToggles options={fields.map((candidate) => ({ value: candidate.key, label: label(candidate.label, candidate.key) }))} value={field.value} onChange={field.onChange} />
            )}
          />
          <span className="field-help">{t('workflows.watchedFieldsHelp')}</span>
          <FieldMessage error={errors.config?.fields} />
        </div>
      ) : null}
      {type === 'status_changed' ? (
        statuses.length === 0 ? (
          <p className="notice field-wide">{t('workflows.noStatusField')}</p>
        ) : (
          <>
            <div className="field field-wide">
              <span className="field-label">{t('workflows.statusFrom')}</span>
              <Controller control={form.control} name="config.from" render={({ field }) => <ChoiceToggles options={statuses} value={field.value} onChange={field.onChange} testId="trigger-from" />} />
              <FieldMessage error={errors.config?.from} />
            </div>
            <div className="field field-wide">
              <span className="field-label">{t('workflows.statusTo')}</span>
              <Controller control={form.control} name="config.to" render={({ field }) => <ChoiceToggles options={statuses} value={field.value} onChange={field.onChange} testId="trigger-to" />} />
              <FieldMessage error={errors.config?.to} />
            </div>
          </>
        )
      ) : null}
      {type === 'scheduled' ? (
        <>
          <label className="field">
            <span className="field-label">{t('workflows.scheduleField')}</span>
            <select {...form.register('config.field')} data-testid="schedule-field">
              <option value="">{t('records.selectPlaceholder')}</option>
              {dateFields.map((field) => (
                <option key={field.key} value={field.key}>
                  {label(field.label, field.key)}
                </option>
              ))}
            </select>
            <FieldMessage error={errors.config?.field} />
          </label>
          <div className="field">
            <span className="field-label">{t('workflows.scheduleWhen')}</span>
            <div className="wf-inline">
              <input type="number" min={0} {...form.register('config.offset')} className="wf-narrow" aria-label={t('workflows.scheduleOffset')} />
              <select {...form.register('config.unit')} aria-label={t('workflows.scheduleUnit')}>
                {(['minutes', 'hours', 'days'] as const).map((unit) => (
                  <option key={unit} value={unit}>
                    {t(`workflows.unit.${unit}`)}
                  </option>
                ))}
              </select>
              <select {...form.register('config.direction')} aria-label={t('workflows.scheduleDirection')}>
                <option value="before">{t('workflows.before')}</option>
                <option value="after">{t('workflows.after')}</option>
              </select>
            </div>
            <FieldMessage error={errors.config?.offset ?? errors.config?.unit ?? errors.config?.direction} />
          </div>
        </>
      ) : null}
    </div>
  );
}
