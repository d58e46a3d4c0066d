import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TTemplateCard } from '@crm/api';
import { Dialog } from '../../../components/dialog';
import { ModuleIcon } from '../../../components/module-icon';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useSelectTemplate, useTemplates } from '../api/use-templates';

const PREVIEW_FIELDS = 4;

/** First launch for owners and admins: one card per template, a review, then the workspace. */
export function TemplateSelectionPage() {
  const { t } = useTranslation();
  const { tenantId, bootstrap } = useTenantSession();
  const templates = useTemplates(tenantId);
  const [chosen, setChosen] = useState<TTemplateCard | null>(null);

  return (
    <main className="setup-page">
      <header className="setup-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">C</span>
          <span>CRM Pro</span>
        </div>
        <h1>{t('setup.title', { tenant: bootstrap.tenant.name })}</h1>
        <p className="muted">{t('setup.subtitle')}</p>
      </header>
      {templates.isPending ? <Spinner /> : null}
      {templates.isError ? <ErrorBanner message={toUserError(templates.error).message} onRetry={() => void templates.refetch()} /> : null}
      {templates.data ? (
        <div className="template-grid">
          {templates.data.templates.map((template) => (
            <TemplateCard key={template.slug} template={template} onChoose={() => setChosen(template)} />
          ))}
        </div>
      ) : null}
      {chosen ? <ReviewDialog template={chosen} onClose={() => setChosen(null)} /> : null}
    </main>
  );
}

function TemplateCard({ template, onChoose }: { template: TTemplateCard; onChoose: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  return (
    <article className="template-card" data-testid={`template-${template.slug}`}>
      <div className="template-card-head">
        <h2>{template.name}</h2>
        <span className="badge">{template.industryType}</span>
      </div>
      <p className="template-description">{template.description}</p>
      <p className="template-meta">
        {t('setup.modules', { count: template.modules.length })} · {t('setup.workflows', { count: template.workflowCount })}
      </p>
      <ul className="template-modules">
        {template.modules.map((module) => {
          const moduleLabel = label(module.label, module.slug);
          return (
            <li key={module.slug}>
              <div className="template-module-name">
                <ModuleIcon name={module.icon} label={moduleLabel} size={16} />
                <strong>{moduleLabel}</strong>
                <span className="muted small">{t('setup.fields', { count: module.fields.length })}</span>
              </div>
              <div className="chip-row">
                {module.fields.slice(0, PREVIEW_FIELDS).map((field) => (
                  <span key={field.key} className="chip" title={field.type}>
                    {label(field.label, field.key)}
                  </span>
                ))}
                {module.fields.length > PREVIEW_FIELDS ? (
                  <span className="chip chip-muted">{t('setup.moreFields', { count: module.fields.length - PREVIEW_FIELDS })}</span>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      <button type="button" className="btn btn-primary" onClick={onChoose}>
        {t('setup.choose')}
      </button>
    </article>
  );
}

function ReviewDialog({ template, onClose }: { template: TTemplateCard; onClose: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const navigate = useNavigate();
  const { tenantId, bootstrap } = useTenantSession();
  const select = useSelectTemplate(tenantId);

  const confirm = () =>
    select.mutate(template.slug, {
      onSuccess: () => void navigate(paths.tenant(tenantId), { replace: true }),
    });

  return (
    <Dialog
      open
      // Closing while the template is being applied would hide its outcome.
      onClose={() => (select.isPending ? undefined : onClose())}
      title={t('setup.reviewTitle', { template: template.name })}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={select.isPending}>
            {t('app.cancel')}
          </button>
          <button type="button" className="btn btn-primary" onClick={confirm} disabled={select.isPending} data-testid="confirm-template">
            {select.isPending ? t('setup.creating') : t('setup.confirm')}
          </button>
        </>
      }
    >
      <p className="muted">{t('setup.reviewBody', { tenant: bootstrap.tenant.name })}</p>
      <div className="review-modules">
        {template.modules.map((module) => (
          <section key={module.slug} className="review-module">
            <h3>
              <ModuleIcon name={module.icon} label={label(module.label, module.slug)} size={16} /> {label(module.label, module.slug)}
            </h3>
            <ul>
              {module.fields.map((field) => (
                <li key={field.key}>
                  <span>{label(field.label, field.key)}</span>
                  <span className="muted small">
                    {field.type}
                    {field.required ? ` · ${t('setup.required')}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      {select.isError ? <ErrorBanner message={toUserError(select.error).message} /> : null}
    </Dialog>
  );
}
