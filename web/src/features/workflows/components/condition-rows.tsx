import { useFieldArray, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { DAY_COUNT_OPERATORS, LIST_OPERATORS, VALUELESS_OPERATORS } from '@crm/engine/template/condition-schema.js';
import { PlusIcon } from '../../../components/module-icon';
import { useLabel } from '../../../lib/i18n/use-label';
import { conditionOperatorsFor, EMPTY_CONDITION, type FieldChoice, type WorkflowFormValues } from '../forms/workflow-form-model';
import { FieldMessage } from './field-message';

/** The trigger's conditions: rows of field / operator / value, all or any of them; deeper trees as JSON. */
export function ConditionRows({ form, choices }: { form: UseFormReturn<WorkflowFormValues>; choices: readonly FieldChoice[] }) {
  const { t } = useTranslation();
  const label = useLabel();
  const rows = useFieldArray({ control: form.control, name: 'conditions' });
  const errors = form.formState.errors;
  const json = form.watch('conditionsJson');
  const trigger = form.watch('trigger_type');
  const values = form.watch('conditions');
  const choiceLabel = (choice: FieldChoice) => [...choice.via.map((step) => label(step)), label(choice.label, choice.path)].join(' › ');

  if (json !== null) {
    return (
      <label className="field">
        <span className="field-help">{t('workflows.conditionsJsonHelp')}</span>
        <textarea rows={8} className="mono" {...form.register('conditionsJson')} data-testid="conditions-json" />
        <FieldMessage error={errors.conditionsJson} />
      </label>
    );
  }

  return (
    <div className="wf-conditions" data-testid="conditions">
      {rows.fields.length === 0 ? <p className="muted small">{t('workflows.noConditionsHint')}</p> : null}
      {rows.fields.length > 1 ? (
        <label className="wf-inline small">
          <span>{t('workflows.matchPrefix')}</span>
          <select {...form.register('match')} data-testid="conditions-match">
            <option value="all">{t('workflows.matchAll')}</option>
            <option value="any">{t('workflows.matchAny')}</option>
          </select>
          <span>{t('workflows.matchSuffix')}</span>
        </label>
      ) : null}
      {rows.fields.map((row, index) => {
        const current = values[index] ?? EMPTY_CONDITION;
        const choice = choices.find((candidate) => candidate.path === current.field);
        const operator = current.operator;
        const rowErrors = errors.conditions?.[index];
        const valueless = VALUELESS_OPERATORS.includes(operator);
        const list = LIST_OPERATORS.includes(operator);
        const days = DAY_COUNT_OPERATORS.includes(operator);
        return (
          <div key={row.id} className="wf-condition-row" data-testid={`condition-${index}`}>
            <label className="field">
              <span className="field-label">{t('workflows.conditionField')}</span>
              <select {...form.register(`conditions.${index}.field`)} data-testid={`condition-field-${index}`} aria-invalid={rowErrors?.field ? true : undefined}>
                <option value="">{t('records.selectPlaceholder')}</option>
                {current.field !== '' && !choice ? <option value={current.field}>{current.field}</option> : null}
                {choices.map((candidate) => (
                  <option key={candidate.path} value={candidate.path}>
                    {choiceLabel(candidate)}
                  </option>
                ))}
              </select>
              <FieldMessage error={rowErrors?.field} />
            </label>
            <label className="field">
              <span className="field-label">{t('workflows.conditionOperator')}</span>
              <select {...form.register(`conditions.${index}.operator`)} data-testid={`condition-operator-${index}`}>
                {conditionOperatorsFor(choice?.type, trigger).map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {t(`workflows.operator.${candidate}`)}
                  </option>
                ))}
              </select>
              <FieldMessage error={rowErrors?.operator} />
            </label>
            <label className="field">
              <span className="field-label">{t('workflows.conditionValue')}</span>
              {valueless ? (
                <input disabled value="" placeholder={t('workflows.noValueNeeded')} />
              ) : choice && choice.options.length > 0 && !list ? (
                <select {...form.register(`conditions.${index}.value`)} data-testid={`condition-value-${index}`} aria-invalid={rowErrors?.value ? true : undefined}>
                  <option value="">{t('records.selectPlaceholder')}</option>
                  {choice.options.map((option) => (
                    <option key={option} value={option}>
                      {option}
                    </option>
                  ))}
                </select>
              ) : choice?.type === 'checkbox' && !list ? (
                <select {...form.register(`conditions.${index}.value`)} data-testid={`condition-value-${index}`}>
                  <option value="">{t('records.selectPlaceholder')}</option>
                  <option value="true">{t('records.yes')}</option>
                  <option value="false">{t('records.no')}</option>
                </select>
              ) : (
                <input
                  {...form.register(`conditions.${index}.value`)}
                  type={days ? 'number' : 'text'}
                  placeholder={list ? t('workflows.listPlaceholder') : days ? t('workflows.daysPlaceholder') : ''}
                  data-testid={`condition-value-${index}`}
                  aria-invalid={rowErrors?.value ? true : undefined}
                />
              )}
              <FieldMessage error={rowErrors?.value} testId={`condition-error-${index}`} />
            </label>
            <button type="button" className="btn btn-link btn-sm danger wf-row-remove" onClick={() => rows.remove(index)} aria-label={t('workflows.removeCondition')}>
              {t('workflows.remove')}
            </button>
          </div>
        );
      })}
      <FieldMessage error={errors.conditions?.root ?? (errors.conditions as { message?: string } | undefined)} />
      <button type="button" className="btn btn-ghost btn-sm wf-add" onClick={() => rows.append({ ...EMPTY_CONDITION })} data-testid="add-condition">
        <PlusIcon /> {t('workflows.addCondition')}
      </button>
    </div>
  );
}
