import { useRef, useState, type ChangeEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { paths } from '../../../lib/routes';
import { useConsoleTemplates, useRunningMigrations, useStartDraft, type TemplateRow } from '../api/console-api';
import { blankTemplate } from '../model/draft-doc';
import { readTemplateFile } from '../model/read-template-file';
import { ConsoleFrame, ConsoleRefusal } from './console-frame';
import { DraftBadge } from './draft-badge';

/** Every template with its versions and how many tenants use each, drafts, and the migrations running now. */
export function ConsoleHomePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const templates = useConsoleTemplates();
  const start = useStartDraft();
  const refused = templates.isError && toUserError(templates.error).code === 'permission-denied';
  const fileInput = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  /** An uploaded .json file becomes a new draft; the editor then shows every validation error at its path. */
  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const result = readTemplateFile(await file.text(), file.size);
    if (!result.ok) {
      setFileError(`${file.name}: ${t(result.messageKey, result.params)}`);
      return;
    }
    setFileError(null);
    start.mutate({ kind: 'blank', template: result.template }, { onSuccess: (draft) => void navigate(paths.consoleDraft(draft.draftId)) });
  };

  return (
    <ConsoleFrame>
      {refused ? (
        <ConsoleRefusal message={toUserError(templates.error).message} />
      ) : (
        <div className="page">
          <div className="page-header">
            <div>
              <h1>{t('templateConsole.title')}</h1>
              <p className="muted">{t('templateConsole.subtitle')}</p>
            </div>
            <div className="page-actions">
              <input ref={fileInput} type="file" accept=".json,application/json" className="sr-only" tabIndex={-1} aria-hidden="true" onChange={(event) => void upload(event)} data-testid="template-file" />
              <button type="button" className="btn btn-ghost" disabled={start.isPending} onClick={() => fileInput.current?.click()} data-testid="upload-template">
                {t('templateConsole.uploadTemplate')}
              </button>
              <button
                type="button"
                className="btn btn-primary"
                data-testid="new-template"
                disabled={start.isPending}
                onClick={() => start.mutate({ kind: 'blank', template: blankTemplate() }, { onSuccess: (draft) => void navigate(paths.consoleDraft(draft.draftId)) })}
              >
                {t('templateConsole.newTemplate')}
              </button>
            </div>
          </div>
          {fileError ? <ErrorBanner message={fileError} /> : null}
          {start.isError ? <ErrorBanner message={toUserError(start.error).message} /> : null}
          {templates.isPending ? (
            <Spinner />
          ) : templates.isError ? (
            <ErrorBanner message={toUserError(templates.error).message} onRetry={() => void templates.refetch()} />
          ) : (
            <TemplateTable rows={templates.data} />
          )}
          {templates.isSuccess ? <RunningMigrations /> : null}
        </div>
      )}
    </ConsoleFrame>
  );
}

function TemplateTable({ rows }: { rows: TemplateRow[] }) {
  const { t } = useTranslation();
  return (
    <div className="card console-card-flush">
      <table className="console-table" data-testid="console-templates">
        <thead>
          <tr>
            <th>{t('templateConsole.template')}</th>
            <th>{t('templateConsole.latest')}</th>
            <th>{t('templateConsole.versions')}</th>
            <th className="num">{t('templateConsole.tenants')}</th>
            <th>{t('templateConsole.drafts')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.summary.slug || row.drafts[0]?.draftId} data-testid={`console-template-${row.summary.slug}`}>
              <td>
                {row.summary.latestVersion ? (
                  <Link to={paths.consoleTemplate(row.summary.slug)} className="console-template-link" data-testid={`open-template-${row.summary.slug}`}>
                    {row.summary.name}
                  </Link>
                ) : (
                  <span>{row.summary.name}</span>
                )}
                <div className="console-badges">
                  <code className="mono small muted">{row.summary.slug}</code>
                  {row.summary.isSystem ? <span className="badge badge-soft">{t('templateConsole.system')}</span> : null}
                  {row.summary.latestVersion && !row.summary.isActive ? <span className="badge badge-danger">{t('templateConsole.inactive')}</span> : null}
                </div>
              </td>
              <td>{row.summary.latestVersion || '—'}</td>
              <td>
                <div className="chip-row">
                  {row.versions.map((version) => (
                    <span key={version.version} className="chip" title={version.changeNote}>
                      {version.version} · {t('templateConsole.tenantsCount', { count: version.tenants })}
                    </span>
                  ))}
                </div>
              </td>
              <td className="num" data-testid={`tenants-${row.summary.slug}`}>{row.tenants}</td>
              <td>
                {row.drafts.length === 0 ? (
                  <span className="muted small">{t('templateConsole.noDrafts')}</span>
                ) : (
                  <ul className="console-drafts">
                    {row.drafts.map((draft) => (
                      <li key={draft.draftId}>
                        <Link to={paths.consoleDraft(draft.draftId)}>{draft.version ?? t('templateConsole.draft')}</Link>
                        <DraftBadge valid={draft.valid} errorCount={draft.errorCount} />
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunningMigrations() {
  const { t } = useTranslation();
  const migrations = useRunningMigrations();
  return (
    <section className="card">
      <h2 className="card-title">{t('templateConsole.running')}</h2>
      {migrations.isError ? <ErrorBanner message={toUserError(migrations.error).message} /> : null}
      {migrations.data && migrations.data.length === 0 ? <p className="muted">{t('templateConsole.noRunning')}</p> : null}
      <ul className="console-drafts">
        {migrations.data?.map((job) => (
          <li key={`${job.tenantId}/${job.jobId}`}>
            <strong>{job.tenantId}</strong> {job.templateSlug} {job.fromVersion} → {job.toVersion} · {Math.min(job.processed, job.total)}/{job.total} · {t(`templateConsole.phase.${job.phase}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}
