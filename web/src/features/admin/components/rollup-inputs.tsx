import { useEffect, useMemo } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { optionValuesOf } from '@crm/engine/fields/types/field-options.js';
import { storedValueModule } from '@crm/engine/fields/types/registry.js';
import { rollupFilterFields, rollupRelationsTo, rollupResultFor, rollupSourceFields } from '@crm/engine/rollups/rollup-choices.js';
import { ROLLUP_AGGREGATES, type RollupAggregate } from '@crm/engine/rollups/rollup-definition.js';
import { useLabel } from '../../../lib/i18n/use-label';
import { orderedModules, useTenantSession } from '../../../lib/tenant/tenant-session';
import type { FieldFormValues } from './field-form-model';

type RollupInput = 'rollupRelation' | 'rollupAggregate' | 'rollupField' | 'rollupFilterField' | 'rollupFilterOperator' | 'rollupFilterValue';

function aggregateOf(text: string): RollupAggregate {
  return (ROLLUP_AGGREGATES as readonly string[]).includes(text) ? (text as RollupAggregate) : 'count';
}

/**
 * The roll-up part of the field editor: which child records (a relationship
 * on another module that points here), the calculation, the child field it
 * reads, and an optional filter with the list filter's operators. Only
 * choices the server accepts are offered (engine/rollups/rollup-choices.ts);
 * the server's own refusals land on the picker they are about. Native
 * selects: keyboard and phone pickers for free, and the editor's other
 * inputs are native too.
 */
export function RollupInputs({ form, moduleSlug, disabled }: { form: UseFormReturn<FieldFormValues>; moduleSlug: string; disabled: boolean }) {
  const { t } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const modules = orderedModules(session.config);
  const relation = form.watch('rollupRelation');
  const aggregate = aggregateOf(form.watch('rollupAggregate'));
  const sourceKey = form.watch('rollupField');
  const filterKey = form.watch('rollupFilterField');
  const filterOperator = form.watch('rollupFilterOperator');
  const { errors } = form.formState;

  const relations = useMemo(() => rollupRelationsTo(moduleSlug, modules), [moduleSlug, modules]);
  const [childSlug = ''] = relation.split('.');
  const child = modules.find((module) => module.slug === childSlug);
  const childFields = useMemo(() => child?.fields ?? [], [child]);
  const sources = rollupSourceFields(aggregate, childFields);
  const filters = rollupFilterFields(childFields);
  const filterChoice = filters.find((choice) => choice.field.key === filterKey);
  const source = sources.find((field) => field.key === sourceKey);
  const stores = rollupResultFor(aggregate, source?.type);

  // A choice that no longer fits (another child module, another calculation) is cleared, never sent stale.
  useEffect(() => {
    if (disabled) return;
    if (sourceKey !== '' && !sources.some((field) => field.key === sourceKey)) form.setValue('rollupField', '');
    if (filterKey !== '' && !filterChoice) form.setValue('rollupFilterField', '');
    if (filterChoice && !filterChoice.operators.includes(filterOperator as never)) form.setValue('rollupFilterOperator', filterChoice.operators[0] ?? 'eq');
  }, [disabled, form, sourceKey, sources, filterKey, filterChoice, filterOperator]);

  const err = (name: RollupInput) =>
    errors[name]?.message ? (
      <span className="field-error" role="alert" data-testid={`field-error-${name}`}>
        {errors[name]?.message}
      </span>
    ) : null;
  const invalid = (name: RollupInput) => (errors[name] ? true : undefined);
  const moduleLabel = (slug: string) => {
    const module = modules.find((candidate) => candidate.slug === slug);
    return module ? label(module.label_plural ?? module.label, slug) : slug;
  };
  const fieldLabel = (slug: string, key: string) => {
    const field = modules.find((candidate) => candidate.slug === slug)?.fields.find((candidate) => candidate.key === key);
    return field ? label(field.label, key) : key;
  };

  const filterValueInput = () => {
    if (!filterChoice) return null;
    const field = filterChoice.field;
    const valueKind = storedValueModule(field).traits.valueKind;
    const common = {
      ...form.register('rollupFilterValue'),
      id: 'rollup-filter-value',
      disabled,
      'data-testid': 'rollup-filter-value',
      'aria-invalid': invalid('rollupFilterValue'),
    };
    if (valueKind === 'choice' || valueKind === 'choices') {
      return (
        <select {...common}>
          <option value="">{t('records.selectPlaceholder')}</option>
          {optionValuesOf(field.options).map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      );
    }
    if (valueKind === 'boolean') {
      return (
        <select {...common}>
          <option value="">{t('records.selectPlaceholder')}</option>
          <option value="true">{t('records.yes')}</option>
          <option value="false">{t('records.no')}</option>
        </select>
      );
    }
    const inputType = valueKind === 'date' ? 'date' : valueKind === 'datetime' ? 'datetime-local' : 'text';
    return <input {...common} type={inputType} inputMode={valueKind === 'number' ? 'decimal' : undefined} />;
  };

  return (
    <fieldset className="field-wide rollup-inputs" data-testid="rollup-inputs" disabled={disabled}>
      <div className="form-grid">
        <label className="field field-wide">
          <span className="field-label">{t('computedFields.rollup.relation')}</span>
          <select {...form.register('rollupRelation')} data-testid="rollup-relation" aria-invalid={invalid('rollupRelation')} aria-describedby="rollup-relation-hint">
            <option value="">{t('records.selectPlaceholder')}</option>
            {relations.map((choice) => (
              <option key={`${choice.module}.${choice.field}`} value={`${choice.module}.${choice.field}`}>
                {t('computedFields.rollup.relationChoice', { module: moduleLabel(choice.module), field: fieldLabel(choice.module, choice.field) })}
              </option>
            ))}
          </select>
          <span className="field-help" id="rollup-relation-hint">
            {relations.length === 0 ? t('computedFields.rollup.noRelation') : t('computedFields.rollup.relationHint')}
          </span>
          {err('rollupRelation')}
        </label>
        <label className="field">
          <span className="field-label">{t('computedFields.rollup.aggregate')}</span>
          <select {...form.register('rollupAggregate')} data-testid="rollup-aggregate" aria-invalid={invalid('rollupAggregate')}>
            {ROLLUP_AGGREGATES.map((choice) => (
              <option key={choice} value={choice}>
                {t(`computedFields.rollup.aggregates.${choice}`)}
              </option>
            ))}
          </select>
          {err('rollupAggregate')}
        </label>
        {aggregate === 'count' ? null : (
          <label className="field">
            <span className="field-label">{t('computedFields.rollup.field')}</span>
            <select {...form.register('rollupField')} data-testid="rollup-field" aria-invalid={invalid('rollupField')}>
              <option value="">{t('records.selectPlaceholder')}</option>
              {sources.map((field) => (
                <option key={field.key} value={field.key}>
                  {label(field.label, field.key)}
                </option>
              ))}
            </select>
            {child && sources.length === 0 ? <span className="field-help">{t('computedFields.rollup.noSourceField')}</span> : null}
            {err('rollupField')}
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('computedFields.rollup.filterField')}</span>
          <select {...form.register('rollupFilterField')} data-testid="rollup-filter-field" aria-invalid={invalid('rollupFilterField')}>
            <option value="">{t('computedFields.rollup.noFilter')}</option>
            {filters.map(({ field }) => (
              <option key={field.key} value={field.key}>
                {label(field.label, field.key)}
              </option>
            ))}
          </select>
          {err('rollupFilterField')}
        </label>
        {filterChoice ? (
          <>
            <label className="field">
              <span className="field-label">{t('computedFields.rollup.filterOperator')}</span>
              <select {...form.register('rollupFilterOperator')} data-testid="rollup-filter-operator" aria-invalid={invalid('rollupFilterOperator')}>
                {filterChoice.operators.map((operator) => (
                  <option key={operator} value={operator}>
                    {t(`records.operator.${operator}`)}
                  </option>
                ))}
              </select>
              {err('rollupFilterOperator')}
            </label>
            <div className="field">
              <label className="field-label" htmlFor="rollup-filter-value">
                {t('computedFields.rollup.filterValue')}
              </label>
              {filterValueInput()}
              {err('rollupFilterValue')}
            </div>
          </>
        ) : null}
        <p className="muted small field-wide" data-testid="rollup-stores">
          {t('computedFields.rollup.stores', { type: t(`formulas.resultTypes.${stores}`) })}
        </p>
      </div>
    </fieldset>
  );
}
