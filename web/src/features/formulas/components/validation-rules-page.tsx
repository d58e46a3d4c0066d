import { useState } from 'react';
import type { TModuleConfigView } from '@crm/api';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { checkFormula } from '@crm/engine/formulas/check-formula.js';
import { ModulePicker } from '../../../components/module-picker';
import { EmptyState, ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { activeFields, findModule, orderedModules, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useSaveValidationRules } from '../api/formulas-api';

interface RuleDraft {
  key: string;
  expression: string;
  message: string;
  messageEs: string;
  field: string;
}

function localizedText(value: unknown, lang: 'en' | 'es'): string {
  if (typeof value === 'string') return lang === 'en' ? value : '';
  if (value !== null && typeof value === 'object') return String((value as Record<string, unknown>)[lang] ?? '');
  return '';
}

/** A module's validation rules: condition (checked as typed, with the position of a problem), message, and the field it is shown at. */
export function ValidationRulesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useTenantSession();
  const { module: slug } = useParams();
  const modules = orderedModules(session.config);
  const module = slug ? findModule(session, slug) : modules[0];
  if (!module) return <EmptyState title={t('formulas.rules.title')} />;
  return (
    <div className="admin-page" data-testid="validation-rules-page">
      <ModulePicker modules={modules} value={module.slug} onChange={(next) => navigate(paths.adminRules(session.tenantId, next))} testId="rules-module" />
      {/* Keyed by module (and revision): another module, or the saved configuration, starts from its own rules. */}
      <RulesEditor key={`${module.slug}:${session.config?.revision ?? 0}`} module={module} />
    </div>
  );
}

function RulesEditor({ module }: { module: TModuleConfigView }) {
  const { t } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const save = useSaveValidationRules(session.tenantId);
  const [rules, setRules] = useState<RuleDraft[]>(() =>
    (module.validation_rules ?? []).map((rule) => ({
      key: rule.key,
      expression: rule.expression,
      message: localizedText(rule.message, 'en'),
      messageEs: localizedText(rule.message, 'es'),
      field: rule.field ?? '',
    })),
  );
  const [notice, setNotice] = useState<string | null>(null);
  const fields = activeFields(module);
  const fieldsOf = (moduleSlug: string) => session.config?.modules.find((candidate) => candidate.slug === moduleSlug)?.fields;
  const change = (index: number, patch: Partial<RuleDraft>) => setRules((current) => current.map((rule, at) => (at === index ? { ...rule, ...patch } : rule)));

  const submit = async () => {
    setNotice(null);
    await save.mutateAsync({
      module: module.slug,
      rules: rules.map((rule) => ({
        key: rule.key.trim(),
        expression: rule.expression.trim(),
        message: rule.messageEs.trim() === '' ? rule.message.trim() : { en: rule.message.trim(), es: rule.messageEs.trim() },
        ...(rule.field ? { field: rule.field } : {}),
      })),
    });
    setNotice(t('formulas.rules.saved'));
  };

  return (
      <section className="card">
        <div className="card-head">
          <h2 className="card-title">{t('formulas.rules.title')}</h2>
          <button
            type="button"
            className="btn btn-primary btn-sm"
            data-testid="add-rule"
            onClick={() => setRules((current) => [...current, { key: `rule_${current.length + 1}`, expression: '', message: '', messageEs: '', field: '' }])}
          >
            {t('formulas.rules.add')}
          </button>
        </div>
        <p className="muted small">{t('formulas.rules.intro')}</p>
        {save.error ? <ErrorBanner message={toUserError(save.error).message} details={toUserError(save.error).issues.map((issue) => `${issue.path}: ${issue.message}`)} /> : null}
        {notice ? <p className="success-note">{notice}</p> : null}
        {rules.length === 0 ? <p className="muted">{t('formulas.rules.empty')}</p> : null}
        {rules.map((rule, index) => {
          const checked = rule.expression.trim() === '' ? null : checkFormula({ expression: rule.expression, module: module.slug, fieldsOf });
          const problem = checked && !checked.ok ? checked.problem : checked?.ok && checked.formula.type !== 'boolean' && checked.formula.type !== 'blank' ? { position: 0, message: `a rule must be a condition (true or false), not a ${checked.formula.type}` } : null;
          return (
            <fieldset key={index} className="form-grid rule-row" data-testid={`rule-${index}`}>
              <legend className="sr-only">{`${t('formulas.rules.key')} ${rule.key}`}</legend>
              <label className="field">
                <span className="field-label">{t('formulas.rules.key')}</span>
                <input value={rule.key} onChange={(event) => change(index, { key: event.target.value })} />
              </label>
              <label className="field field-wide">
                <span className="field-label">{t('formulas.rules.condition')}</span>
                <input
                  value={rule.expression}
                  spellCheck={false}
                  onChange={(event) => change(index, { expression: event.target.value })}
                  aria-invalid={problem ? true : undefined}
                  data-testid={`rule-expression-${index}`}
                />
                {problem ? (
                  <span className="field-error" role="alert">
                    {t('formulas.errorAt', { position: problem.position + 1, message: problem.message })}
                  </span>
                ) : null}
              </label>
              <label className="field">
                <span className="field-label">{t('formulas.rules.message')}</span>
                <input value={rule.message} onChange={(event) => change(index, { message: event.target.value })} data-testid={`rule-message-${index}`} />
              </label>
              <label className="field">
                <span className="field-label">{t('formulas.rules.messageEs')}</span>
                <input value={rule.messageEs} onChange={(event) => change(index, { messageEs: event.target.value })} />
              </label>
              <label className="field">
                <span className="field-label">{t('formulas.rules.field')}</span>
                <select value={rule.field} onChange={(event) => change(index, { field: event.target.value })} data-testid={`rule-field-${index}`}>
                  <option value="">{t('formulas.rules.anyField')}</option>
                  {fields.map((field) => (
                    <option key={field.key} value={field.key}>
                      {label(field.label, field.key)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="btn btn-link btn-sm danger" onClick={() => setRules((current) => current.filter((_, at) => at !== index))}>
                {t('formulas.rules.remove')}
              </button>
            </fieldset>
          );
        })}
        <div className="form-actions">
          <button type="button" className="btn btn-primary" disabled={save.isPending} onClick={() => void submit()} data-testid="save-rules">
            {t('formulas.rules.save')}
          </button>
        </div>
      </section>
  );
}
