import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ConfirmButton, Dialog } from '../../../components/dialog';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { issuesByInput, toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import {
  useConsoleTemplate,
  useConsoleTemplates,
  useDeleteTemplate,
  useSetTemplateActive,
  useStartDraft,
  ZCloneRequestSchema,
  type PublishedTemplate,
} from '../api/console-api';
import { asArray, fieldsOf, isRecord, modulesOf, readLocalized, templateLanguages, type TemplateDoc } from '../model/draft-doc';
import { ConsoleFrame, ConsoleRefusal } from './console-frame';
import { DraftBadge } from './draft-badge';

/** One template: its versions with usage and change notes, a version's modules, and what can be done with it. */
export function TemplatePage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const [search] = useSearchParams();
  const version = search.get('version') ?? undefined;
  const template = useConsoleTemplate(slug, version);
  const location = useLocation();
  const publishedNote = (location.state as { published?: string } | null)?.published;

  if (template.isError && toUserError(template.error).code === 'permission-denied') {
    return (
      <ConsoleFrame>
        <ConsoleRefusal message={toUserError(template.error).message} />
      </ConsoleFrame>
    );
  }
  return (
    <ConsoleFrame>
      <div className="page">
        <nav className="breadcrumbs">
          <Link to={paths.console()}>{t('templateConsole.back')}</Link>
          <span aria-hidden="true">/</span>
          <span>{slug}</span>
        </nav>
        {publishedNote ? (
          <p className="success-note" data-testid="published-note">
            {t('templateConsole.publishedNote', { version: publishedNote })}
          </p>
        ) : null}
        {template.isPending ? (
          <Spinner />
        ) : template.isError ? (
          <ErrorBanner message={toUserError(template.error).message} onRetry={() => void template.refetch()} />
        ) : (
          <TemplateDetails published={template.data} />
        )}
      </div>
    </ConsoleFrame>
  );
}

function TemplateDetails({ published }: { published: PublishedTemplate }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { summary, versions, usage } = published;
  const doc = (isRecord(published.template) ? published.template : {}) as TemplateDoc;
  const viewed = typeof doc.version === 'string' ? doc.version : summary.latestVersion;
  const start = useStartDraft();
  const setActive = useSetTemplateActive();
  const remove = useDeleteTemplate();
  const list = useConsoleTemplates();
  const drafts = list.data?.find((row) => row.summary.slug === summary.slug)?.drafts ?? [];
  const [cloning, setCloning] = useState(false);
  const failure = start.error ?? setActive.error ?? remove.error;

  return (
    <>
      <div className="page-header">
        <div>
          <h1 data-testid="template-name">{summary.name}</h1>
          <div className="console-badges">
            <code className="mono small muted">{summary.slug}</code>
            {summary.isSystem ? <span className="badge badge-soft">{t('templateConsole.system')}</span> : null}
            <span className={`badge ${summary.isActive ? 'badge-valid' : 'badge-danger'}`} data-testid="template-active">
              {summary.isActive ? t('templateConsole.active') : t('templateConsole.inactive')}
            </span>
          </div>
        </div>
        <div className="page-actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="draft-from-version"
            disabled={start.isPending}
            onClick={() =>
              start.mutate({ kind: 'from', slug: summary.slug, version: viewed }, { onSuccess: (draft) => void navigate(paths.consoleDraft(draft.draftId)) })
            }
          >
            {t('templateConsole.draftFrom', { version: viewed })}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setCloning(true)} data-testid="clone-template">
            {t('templateConsole.clone')}
          </button>
          <ConfirmButton
            className="btn btn-ghost"
            testId="toggle-active"
            disabled={setActive.isPending}
            skipConfirm={!summary.isActive}
            title={t('templateConsole.deactivate')}
            description={t('templateConsole.deactivateConfirm', { name: summary.name })}
            confirmLabel={t('templateConsole.deactivate')}
            onConfirm={() => setActive.mutate({ slug: summary.slug, active: !summary.isActive })}
          >
            {summary.isActive ? t('templateConsole.deactivate') : t('templateConsole.activate')}
          </ConfirmButton>
          {!summary.isSystem ? (
            <ConfirmButton
              className="btn btn-danger-ghost"
              disabled={remove.isPending}
              title={t('templateConsole.deleteTemplate')}
              description={t('templateConsole.deleteConfirm', { name: summary.name })}
              confirmLabel={t('templateConsole.deleteTemplate')}
              onConfirm={() => remove.mutate({ slug: summary.slug }, { onSuccess: () => void navigate(paths.console()) })}
            >
              {t('templateConsole.deleteTemplate')}
            </ConfirmButton>
          ) : null}
        </div>
      </div>
      {!summary.isActive ? <p className="notice">{t('templateConsole.deactivatedNote')}</p> : null}
      {failure ? <ErrorBanner message={toUserError(failure).message} /> : null}
      {cloning ? <CloneDialog slug={summary.slug} version={viewed} name={summary.name} onClose={() => setCloning(false)} /> : null}

      <div className="console-columns">
        <section className="card">
          <h2 className="card-title">{t('templateConsole.versions')}</h2>
          <table className="console-table" data-testid="template-versions">
            <thead>
              <tr>
                <th>{t('templateConsole.version')}</th>
                <th>{t('templateConsole.published')}</th>
                <th>{t('templateConsole.changeNote')}</th>
                <th className="num">{t('templateConsole.tenants')}</th>
              </tr>
            </thead>
            <tbody>
              {[...versions].reverse().map((version) => (
                <tr key={version.version} className={version.version === viewed ? 'console-row-current' : undefined}>
                  <td>
                    <Link to={`${paths.consoleTemplate(summary.slug)}?version=${encodeURIComponent(version.version)}`}>{version.version}</Link>
                  </td>
                  <td className="small">{version.publishedAt ? new Date(version.publishedAt).toLocaleString() : '—'}</td>
                  <td>{version.changeNote || <span className="muted">—</span>}</td>
                  <td className="num" data-testid={`usage-${version.version}`}>{usage.byVersion[version.version] ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">{t('templateConsole.tenantsCount', { count: usage.tenants })}</p>
        </section>
        <section className="card">
          <h2 className="card-title">{t('templateConsole.drafts')}</h2>
          {drafts.length === 0 ? <p className="muted">{t('templateConsole.noDrafts')}</p> : null}
          <ul className="console-drafts">
            {drafts.map((draft) => (
              <li key={draft.draftId}>
                <Link to={paths.consoleDraft(draft.draftId)}>
                  {draft.name} {draft.version}
                </Link>
                <DraftBadge valid={draft.valid} errorCount={draft.errorCount} />
              </li>
            ))}
          </ul>
        </section>
      </div>
      <TemplateModules doc={doc} version={viewed} />
    </>
  );
}

function TemplateModules({ doc, version }: { doc: TemplateDoc; version: string }) {
  const { t } = useTranslation();
  const label = useLabel();
  const languages = templateLanguages(doc);
  return (
    <section className="card">
      <h2 className="card-title">
        {t('templateConsole.modules')} · {version}
      </h2>
      <div className="console-module-grid">
        {modulesOf(doc).map(({ slug, module }) => (
          <div key={slug} className="console-module-card">
            <strong>{label(module.label as never, slug)}</strong>
            <p className="small muted">
              {languages.map((code) => `${code}: ${readLocalized(module.label, code) || '—'}`).join(' · ')}
            </p>
            <p className="small">{t('templateConsole.fieldsCount', { count: fieldsOf(doc, slug).length })}</p>
            {asArray(module.default_statuses).length > 0 ? (
              <div className="chip-row">
                {asArray(module.default_statuses).map((status) => (
                  <span key={String(status)} className="chip chip-muted">
                    {String(status)}
                  </span>
                ))}
              </div>
            ) : null}
          </div>
        ))}
      </div>
    </section>
  );
}

const CloneFormSchema = ZCloneRequestSchema.pick({ newSlug: true, name: true });

function CloneDialog({ slug, version, name, onClose }: { slug: string; version: string; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const start = useStartDraft();
  const form = useForm({ resolver: zodResolver(CloneFormSchema), defaultValues: { newSlug: `${slug}-copy`, name: `${name} (copy)` } });
  const serverIssues = start.error ? issuesByInput(toUserError(start.error), '').byInput : new Map<string, string>();
  const submit = form.handleSubmit((values) =>
    start.mutate({ kind: 'clone', slug, version, newSlug: values.newSlug, ...(values.name ? { name: values.name } : {}) }, {
      onSuccess: (draft) => void navigate(paths.consoleDraft(draft.draftId)),
    }),
  );
  const slugError = form.formState.errors.newSlug?.message ?? serverIssues.get('newSlug');
  return (
    <Dialog
      open
      onClose={onClose}
      onSubmit={(event) => void submit(event)}
      title={t('templateConsole.cloneTitle', { name })}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={start.isPending}>
            {t('templateConsole.cloneAction')}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">{t('templateConsole.newSlug')}</span>
        <input {...form.register('newSlug')} aria-invalid={slugError ? true : undefined} />
        {slugError ? <span className="field-error">{slugError}</span> : null}
      </label>
      <label className="field">
        <span className="field-label">{t('templateConsole.newName')}</span>
        <input {...form.register('name')} />
      </label>
      {start.isError && serverIssues.size === 0 ? <ErrorBanner message={toUserError(start.error).message} /> : null}
    </Dialog>
  );
}
