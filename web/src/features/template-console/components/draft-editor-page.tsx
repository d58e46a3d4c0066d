import { useDeferredValue, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/dialog';
import { Tabs } from '../../../components/tabs';
import { validateTemplate } from '@crm/engine/template/template-schema.js';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { paths } from '../../../lib/routes';
import { useDeleteTemplate, useDraft, useSaveDraft, type DraftView } from '../api/console-api';
import { isRecord, modulesOf, type PathError, type TemplateDoc } from '../model/draft-doc';
import { ConsoleFrame, ConsoleRefusal } from './console-frame';
import { DraftForm, type Update } from './draft-form';
import { JsonView } from './json-view';
import { DraftErrorsContext } from './path-inputs';
import { PublishDialog } from './publish-dialog';

/** A draft in the console: the form and the JSON view edit one working copy, checked by the template validator as it changes. */
export function DraftEditorPage() {
  const { draftId = '' } = useParams();
  const draft = useDraft(draftId);
  const refused = draft.isError && toUserError(draft.error).code === 'permission-denied';
  return (
    <ConsoleFrame>
      {refused ? (
        <ConsoleRefusal message={toUserError(draft.error).message} />
      ) : (
        <div className="page console-editor-page">
          {draft.isSuccess ? null : <DraftBreadcrumbs slug={undefined} linked={false} />}
          {draft.isPending ? (
            <Spinner />
          ) : draft.isError ? (
            <ErrorBanner message={toUserError(draft.error).message} onRetry={() => void draft.refetch()} />
          ) : (
            <DraftEditor key={draft.data.draftId} draft={draft.data} />
          )}
        </div>
      )}
    </ConsoleFrame>
  );
}

/** Console / template slug / Draft — the slug as it is being edited, linked when it names a published template. */
function DraftBreadcrumbs({ slug, linked }: { slug: string | undefined; linked: boolean }) {
  const { t } = useTranslation();
  return (
    <nav className="breadcrumbs" aria-label={t('templateConsole.breadcrumbs')} data-testid="draft-breadcrumbs">
      <Link to={paths.console()}>{t('templateConsole.back')}</Link>
      <span aria-hidden="true">/</span>
      {slug && linked ? <Link to={paths.consoleTemplate(slug)}>{slug}</Link> : <span>{slug}</span>}
      <span aria-hidden="true">/</span>
      <span>{t('templateConsole.draft')}</span>
    </nav>
  );
}

function DraftEditor({ draft }: { draft: DraftView }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [doc, setDoc] = useState<TemplateDoc>(() => (isRecord(draft.template) ? draft.template : {}));
  const [savedJson, setSavedJson] = useState(() => JSON.stringify(draft.template));
  const [view, setView] = useState<'form' | 'json'>('form');
  const [activeModule, setActiveModule] = useState<string | null>(null);
  const [jsonFocus, setJsonFocus] = useState<{ path: string; seq: number } | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [jsonPending, setJsonPending] = useState(false);
  const save = useSaveDraft(draft.draftId);
  const remove = useDeleteTemplate();

  // The validator runs on a deferred copy so typing stays responsive on big templates.
  const checked = useDeferredValue(doc);
  const errors = useMemo<PathError[]>(() => {
    const result = validateTemplate(checked);
    return result.ok ? [] : result.errors;
  }, [checked]);
  const dirty = JSON.stringify(doc) !== savedJson;
  const update: Update = (change) => setDoc((current) => change(current));

  const onSave = () =>
    save.mutate(doc, {
      onSuccess: (saved) => setSavedJson(JSON.stringify(saved.template)),
    });

  /** Brings the input an error belongs to into view: its module's tab in the form, else its line in the JSON view. */
  const goToError = (path: string) => {
    const slug = moduleOfPath(doc, path);
    if (slug !== null) setActiveModule(slug);
    if (view === 'form') {
      requestAnimationFrame(() => {
        const target = closestPathElement(path);
        if (target) {
          target.scrollIntoView({ block: 'center', behavior: 'smooth' });
          if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) target.focus({ preventScroll: true });
          return;
        }
        setView('json');
        setJsonFocus((current) => ({ path, seq: (current?.seq ?? 0) + 1 }));
      });
    } else {
      setJsonFocus((current) => ({ path, seq: (current?.seq ?? 0) + 1 }));
    }
  };

  const name = typeof doc.name === 'string' ? doc.name : draft.name;
  const version = typeof doc.version === 'string' ? doc.version : draft.version;
  const publishBlocked = dirty || jsonPending ? t('templateConsole.publishNeedsSave') : errors.length > 0 ? t('templateConsole.publishNeedsValid') : null;

  // The working copy's slug: renaming "new-template" shows at once, not after a save.
  const slug = typeof doc.slug === 'string' && doc.slug !== '' ? doc.slug : draft.slug;

  return (
    <DraftErrorsContext.Provider value={errors}>
      <DraftBreadcrumbs slug={slug ?? undefined} linked={Boolean(draft.baseVersion) && slug === draft.slug} />
      <div className="page-header console-editor-head">
        <div>
          <h1>
            {name} <span className="muted">{version}</span>
          </h1>
          <div className="console-badges">
            {errors.length === 0 ? (
              <span className="badge badge-valid" data-testid="draft-status">{t('templateConsole.valid')}</span>
            ) : (
              <span className="badge badge-danger" data-testid="draft-status">{t('templateConsole.errorCount', { count: errors.length })}</span>
            )}
            {dirty ? <span className="badge badge-soft" data-testid="draft-dirty">{t('templateConsole.unsaved')}</span> : null}
            {save.isSuccess && !dirty ? <span className="success-note small" data-testid="draft-saved">{t('templateConsole.saved')}</span> : null}
          </div>
        </div>
        <div className="page-actions">
          <ConfirmButton
            className="btn btn-danger-ghost"
            disabled={remove.isPending}
            title={t('templateConsole.deleteDraft')}
            description={t('templateConsole.deleteDraftConfirm')}
            confirmLabel={t('templateConsole.deleteDraft')}
            onConfirm={() => remove.mutate({ draftId: draft.draftId }, { onSuccess: () => void navigate(paths.console()) })}
          >
            {t('templateConsole.deleteDraft')}
          </ConfirmButton>
          <button type="button" className="btn btn-ghost" onClick={onSave} disabled={save.isPending || !dirty || jsonPending} title={jsonPending ? t('templateConsole.jsonPending') : undefined} data-testid="save-draft">
            {save.isPending ? t('templateConsole.saving') : t('templateConsole.save')}
          </button>
          <button type="button" className="btn btn-primary" disabled={publishBlocked !== null} title={publishBlocked ?? undefined} onClick={() => setPublishing(true)} data-testid="publish-draft">
            {t('templateConsole.publish')}
          </button>
        </div>
      </div>
      {save.isError ? <ErrorBanner message={toUserError(save.error).message} /> : null}
      {remove.isError ? <ErrorBanner message={toUserError(remove.error).message} /> : null}
      {publishing ? (
        <PublishDialog
          draft={draft}
          onClose={() => setPublishing(false)}
          onPublished={(publishedVersion, slug) => void navigate(paths.consoleTemplate(slug), { state: { published: publishedVersion } })}
        />
      ) : null}

      <Tabs
        className="console-views"
        label={t('templateConsole.formView')}
        selected={view}
        onSelect={(id) => setView(id === 'json' ? 'json' : 'form')}
        tabs={[
          { id: 'form', label: t('templateConsole.formView'), testId: 'view-form', disabled: jsonPending, title: jsonPending ? t('templateConsole.jsonPending') : undefined },
          { id: 'json', label: t('templateConsole.jsonView'), testId: 'view-json' },
        ]}
      />

      <div className="console-editor">
        <div className="console-editor-main">
          {view === 'form' ? (
            <DraftForm doc={doc} update={update} activeModule={activeModule} onSelectModule={setActiveModule} />
          ) : (
            <JsonView doc={doc} errors={errors} onApply={setDoc} focus={jsonFocus} onPendingChange={setJsonPending} />
          )}
        </div>
        <aside className="console-editor-side">
          <section className="card" data-testid="draft-errors">
            <h2 className="card-title">{t('templateConsole.errorsTitle')}</h2>
            {errors.length === 0 ? (
              <p className="success-note">{t('templateConsole.noErrors')}</p>
            ) : (
              <>
                <p className="muted small">{t('templateConsole.errorsHint')}</p>
                <ul className="console-error-list">
                  {errors.map((error) => (
                    <li key={`${error.path}-${error.message}`}>
                      <button type="button" className="console-error" onClick={() => goToError(error.path)}>
                        <code className="mono">{error.path}</code>
                        <span>{error.message}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
          {draft.baseVersion ? (
            <section className="card" data-testid="draft-changes">
              <h2 className="card-title">{t('templateConsole.changesTitle', { version: draft.baseVersion })}</h2>
              {draft.changes.length === 0 ? <p className="muted">{t('templateConsole.noChanges')}</p> : null}
              <ul className="console-change-list">
                {draft.changes.map((change) => (
                  <li key={`${change.kind}-${change.path}`} className={`console-change console-change-${change.kind}`}>
                    {change.summary}
                  </li>
                ))}
              </ul>
              {dirty ? <p className="muted small">{t('templateConsole.unsaved')}</p> : null}
            </section>
          ) : null}
        </aside>
      </div>
    </DraftErrorsContext.Provider>
  );
}

/** `enabled_modules[2].label` → that module's slug; `field_schemas.patients[3].key` → "patients". */
function moduleOfPath(doc: TemplateDoc, path: string): string | null {
  const byIndex = /^enabled_modules\[(\d+)\]/.exec(path);
  if (byIndex) return modulesOf(doc).find((ref) => ref.index === Number(byIndex[1]))?.slug ?? null;
  const bySlug = /^(?:field_schemas|workflow_schemas)\.([a-z][a-z0-9_]*)/.exec(path);
  return bySlug?.[1] ?? null;
}

/** The element bound to `path` or to its closest ancestor path. */
function closestPathElement(path: string): HTMLElement | null {
  let current = path;
  for (;;) {
    const found = document.querySelector<HTMLElement>(`[data-path="${CSS.escape(current)}"]`);
    if (found) return found;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    if (cut <= 0) return null;
    current = current.slice(0, cut);
  }
}
