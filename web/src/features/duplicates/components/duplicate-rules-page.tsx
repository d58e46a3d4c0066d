import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView } from '@crm/api';
import { DUPLICATE_FIELD_TYPES, DEFAULT_FUZZY_THRESHOLD, MAX_DUPLICATE_RULES, MAX_RULE_CONDITIONS, type DuplicateRule } from '@crm/engine/duplicates/duplicate-rules.js';
import { ModulePicker } from '../../../components/module-picker';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { activeFields, useRouteModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import { paths } from '../../../lib/routes';
import { useDuplicateRules, useSaveDuplicateRules } from '../api/duplicates-api';

/** Duplicate rules of one module: which fields, compared exactly or fuzzily, make two records likely the same. */
export function DuplicateRulesPage() {
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
          <h1>{t('rollupsMerge.duplicates.rules.title')}</h1>
          <p className="muted">{t('rollupsMerge.duplicates.rules.subtitle')}</p>
        </div>
        <ModulePicker modules={modules} value={module.slug} onChange={(next) => void navigate(paths.duplicateRules(session.tenantId, next))} testId="duplicates-module" />
      </div>
      <RulesLoader key={module.slug} module={module} />
    </div>
  );
}

function RulesLoader({ module }: { module: TModuleConfigView }) {
  const { tenantId } = useTenantSession();
  const rules = useDuplicateRules(tenantId, module.slug);
  if (rules.isPending) return <Spinner />;
  if (rules.isError) return <ErrorBanner message={toUserError(rules.error).message} onRetry={() => void rules.refetch()} />;
  return <RulesEditor module={module} initial={rules.data.rules} />;
}

function RulesEditor({ module, initial }: { module: TModuleConfigView; initial: DuplicateRule[] }) {
  const { t } = useTranslation();
  const label = useLabel();
  const { tenantId } = useTenantSession();
  const save = useSaveDuplicateRules(tenantId, module.slug);
  const [rules, setRules] = useState<DuplicateRule[]>(initial);
  const [saved, setSaved] = useState(false);
  const fields = activeFields(module).filter((field) => (DUPLICATE_FIELD_TYPES[field.type] ?? []).length > 0);
  const firstField = fields[0];
  const update = (index: number, change: (rule: DuplicateRule) => DuplicateRule) => {
    setSaved(false);
    setRules((current) => current.map((rule, position) => (position === index ? change(rule) : rule)));
  };
  const newRule = (): DuplicateRule => ({
    // The first free "rule-N": ids only need to be unique within the module.
    id: `rule-${Array.from({ length: rules.length + 1 }, (_, index) => index + 1).find((n) => !rules.some((rule) => rule.id === `rule-${n}`)) ?? rules.length + 1}`,
    name: t('rollupsMerge.duplicates.rules.newName', { number: rules.length + 1 }),
    active: true,
    conditions: firstField ? [{ field: firstField.key, match: 'exact' }] : [],
  });
  const failure = save.error ? toUserError(save.error) : null;
  const issueAt = (path: string) => failure?.issues.find((issue) => issue.path.startsWith(path))?.message;

  if (fields.length === 0) return <EmptyState title={t('rollupsMerge.duplicates.rules.noFields')} />;
  return (
    <form
      className="card duplicate-rules"
      data-testid="duplicate-rules"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(rules, { onSuccess: () => setSaved(true) });
      }}
    >
      {rules.length === 0 ? <p className="muted">{t('rollupsMerge.duplicates.rules.none')}</p> : null}
      {rules.map((rule, ruleIndex) => (
        <fieldset key={rule.id} className="duplicate-rule" data-testid={`duplicate-rule-${ruleIndex}`}>
          <legend className="sr-only">{rule.name}</legend>
          <div className="form-row">
            <label className="field">
              <span className="field-label">{t('rollupsMerge.duplicates.rules.name')}</span>
              <input value={rule.name} onChange={(event) => update(ruleIndex, (current) => ({ ...current, name: event.target.value }))} data-testid={`rule-name-${ruleIndex}`} />
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={rule.active} onChange={(event) => update(ruleIndex, (current) => ({ ...current, active: event.target.checked }))} />
              {t('rollupsMerge.duplicates.rules.active')}
            </label>
            <button type="button" className="btn btn-ghost" onClick={() => setRules((current) => current.filter((_, position) => position !== ruleIndex))} data-testid={`rule-remove-${ruleIndex}`}>
              {t('rollupsMerge.duplicates.rules.removeRule')}
            </button>
          </div>
          <p className="muted small">{t('rollupsMerge.duplicates.rules.allMustMatch')}</p>
          {rule.conditions.map((condition, index) => {
            const field = fields.find((candidate) => candidate.key === condition.field);
            const kinds = field ? (DUPLICATE_FIELD_TYPES[field.type] ?? []) : [];
            const setCondition = (patch: Partial<DuplicateRule['conditions'][number]>) =>
              update(ruleIndex, (current) => ({ ...current, conditions: current.conditions.map((item, position) => (position === index ? { ...item, ...patch } : item)) }));
            const path = `rules.${ruleIndex}.conditions.${index}`;
            return (
              <div key={index} className="form-row duplicate-condition">
                <label className="field">
                  <span className="field-label">{t('rollupsMerge.duplicates.rules.field')}</span>
                  <select
                    value={condition.field}
                    onChange={(event) => setCondition({ field: event.target.value, match: 'exact', threshold: undefined })}
                    data-testid={`condition-field-${ruleIndex}-${index}`}
                  >
                    {fields.map((option) => (
                      <option key={option.key} value={option.key}>
                        {label(option.label, option.key)}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span className="field-label">{t('rollupsMerge.duplicates.rules.match')}</span>
                  <select
                    value={condition.match}
                    onChange={(event) => setCondition(event.target.value === 'fuzzy' ? { match: 'fuzzy', threshold: DEFAULT_FUZZY_THRESHOLD } : { match: 'exact', threshold: undefined })}
                    data-testid={`condition-match-${ruleIndex}-${index}`}
                  >
                    {kinds.map((kind) => (
                      <option key={kind} value={kind}>
                        {t(`rollupsMerge.duplicates.rules.kind.${kind}`)}
                      </option>
                    ))}
                  </select>
                </label>
                {condition.match === 'fuzzy' ? (
                  <label className="field">
                    <span className="field-label">{t('rollupsMerge.duplicates.rules.threshold')}</span>
                    <input
                      type="number"
                      min={50}
                      max={100}
                      step={1}
                      value={Math.round((condition.threshold ?? DEFAULT_FUZZY_THRESHOLD) * 100)}
                      onChange={(event) => setCondition({ threshold: Math.min(1, Math.max(0.5, Number(event.target.value) / 100)) })}
                      data-testid={`condition-threshold-${ruleIndex}-${index}`}
                    />
                  </label>
                ) : null}
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={rule.conditions.length <= 1}
                  onClick={() => update(ruleIndex, (current) => ({ ...current, conditions: current.conditions.filter((_, position) => position !== index) }))}
                >
                  {t('rollupsMerge.duplicates.rules.removeCondition')}
                </button>
                {issueAt(path) ? (
                  <span className="field-error" role="alert">
                    {issueAt(path)}
                  </span>
                ) : null}
              </div>
            );
          })}
          <button
            type="button"
            className="btn"
            disabled={rule.conditions.length >= MAX_RULE_CONDITIONS || !firstField}
            onClick={() => update(ruleIndex, (current) => ({ ...current, conditions: [...current.conditions, { field: firstField?.key ?? '', match: 'exact' }] }))}
            data-testid={`condition-add-${ruleIndex}`}
          >
            {t('rollupsMerge.duplicates.rules.addCondition')}
          </button>
        </fieldset>
      ))}
      {failure ? <ErrorBanner message={failure.message} /> : null}
      {saved ? (
        <p role="status" className="muted" data-testid="duplicate-rules-saved">
          {t('rollupsMerge.duplicates.rules.saved')}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="btn" disabled={rules.length >= MAX_DUPLICATE_RULES} onClick={() => setRules((current) => [...current, newRule()])} data-testid="rule-add">
          {t('rollupsMerge.duplicates.rules.addRule')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="duplicate-rules-save">
          {t('rollupsMerge.duplicates.rules.save')}
        </button>
      </div>
    </form>
  );
}
