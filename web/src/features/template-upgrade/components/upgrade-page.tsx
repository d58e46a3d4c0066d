import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import {
  useApplyUpgrade,
  useMigrationProgress,
  useUpgradePreview,
  useUpgradeStatus,
  type Choices,
  type MigrationJob,
  type UpgradeConflict,
  type UpgradePreview,
} from '../api/upgrade-api';
import '../upgrade.css';

/**
 * Owners and admins (and super admins): is there a newer version of the
 * template, what would it change merged with this tenant's own changes,
 * which conflicts need a choice; then apply it and watch the records move.
 */
export function UpgradePage() {
  const { t } = useTranslation();
  const session = useTenantSession();
  const { tenantId } = session;
  const status = useUpgradeStatus(tenantId, session.bootstrap.canManageConfiguration);
  const [appliedJob, setAppliedJob] = useState<string | null>(null);

  if (!session.bootstrap.canManageConfiguration) {
    return <EmptyState title={t('admin.notAllowed')} />;
  }
  if (status.isPending) return <Spinner />;
  if (status.isError) return <ErrorBanner message={toUserError(status.error).message} onRetry={() => void status.refetch()} />;

  const data = status.data;
  const jobId = appliedJob ?? (data.migration?.status === 'running' ? data.migration.jobId : null);
  return (
    <div className="page page-narrow upgrade-page">
      <div className="page-header">
        <div>
          <h1>{t('upgrade.title')}</h1>
          {data.template ? (
            <p className="muted" data-testid="current-template">
              {t('upgrade.current', { name: data.template.name, version: data.template.version })}
            </p>
          ) : null}
        </div>
      </div>

      {jobId !== null ? (
        <MigrationProgress tenantId={tenantId} jobId={jobId} />
      ) : data.upgradeAvailable && data.latestVersion ? (
        <>
          <section className="card">
            <h2 className="card-title">{t('upgrade.newer')}</h2>
            <ul className="version-notes">
              {data.newerVersions.map((version) => (
                <li key={version.version}>
                  <span className="badge badge-soft">{version.version}</span>
                  <span>{version.changeNote}</span>
                  {version.publishedAt ? <span className="muted small">{new Date(version.publishedAt).toLocaleDateString()}</span> : null}
                </li>
              ))}
            </ul>
          </section>
          <UpgradePreviewSection tenantId={tenantId} targetVersion={data.latestVersion} onApplied={setAppliedJob} />
        </>
      ) : (
        <section className="card">
          <p className="success-note" data-testid="up-to-date">{t('upgrade.upToDate')}</p>
          {data.migration ? <MigrationSummary job={data.migration} /> : null}
        </section>
      )}

      <section className="card">
        <h2 className="card-title">{t('upgrade.switchTitle')}</h2>
        {data.canChangeTemplate ? (
          <p className="muted">{t('upgrade.switchAllowed')}</p>
        ) : (
          <p className="notice" data-testid="switch-template-reason">
            {data.changeTemplateReason}
          </p>
        )}
      </section>
    </div>
  );
}

function UpgradePreviewSection({ tenantId, targetVersion, onApplied }: { tenantId: string; targetVersion: string; onApplied: (jobId: string | null) => void }) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<Choices>({});
  const preview = useUpgradePreview(tenantId, targetVersion, choices);
  const apply = useApplyUpgrade(tenantId);

  if (preview.isPending) return <Spinner />;
  if (preview.isError) return <ErrorBanner message={toUserError(preview.error).message} onRetry={() => void preview.refetch()} />;
  const data = preview.data;
  const pending = data.conflicts.filter((conflict) => conflict.resolution === 'needs_choice' && choices[conflict.path] === undefined);

  const onApply = () => {
    apply.mutate(
      { targetVersion: data.toVersion, choices, expectedRevision: data.revision },
      { onSuccess: (result) => onApplied(result.migration?.jobId ?? null) },
    );
  };

  return (
    <>
      <section className="card" data-testid="upgrade-preview">
        <h2 className="card-title">{t('upgrade.preview')}: {data.fromVersion} → {data.toVersion}</h2>
        <p className="muted">{t('upgrade.previewHint')}</p>
        <ChangeLists preview={data} />
      </section>

      <section className="card" data-testid="upgrade-conflicts">
        <h2 className="card-title">{t('upgrade.conflicts')}</h2>
        {data.conflicts.length === 0 ? (
          <p className="muted">{t('upgrade.noConflicts')}</p>
        ) : (
          <ul className="conflict-list">
            {data.conflicts.map((conflict) => (
              <ConflictRow
                key={conflict.path}
                conflict={conflict}
                choice={choices[conflict.path]}
                onChoose={(choice) => setChoices((current) => ({ ...current, [conflict.path]: choice }))}
              />
            ))}
          </ul>
        )}
      </section>

      <section className="card" data-testid="upgrade-migrations">
        <h2 className="card-title">{t('upgrade.migrations')}</h2>
        {data.migrations.length === 0 ? (
          <p className="muted">{t('upgrade.noMigrations')}</p>
        ) : (
          <>
            <ul className="migration-steps">
              {data.migrations.map((step, index) => (
                <li key={index}>{describeStep(t, step)}</li>
              ))}
            </ul>
            <p data-testid="records-to-migrate">
              <strong>{t('upgrade.recordsToMigrate', { count: data.recordsToMigrate })}</strong>
            </p>
          </>
        )}
      </section>

      {data.errors.length > 0 || data.warnings.length > 0 ? (
        <ErrorBanner message={t('upgrade.problems')} details={[...data.errors, ...data.warnings].map((issue) => `${issue.path}: ${issue.message}`)} />
      ) : null}
      {apply.isError ? <ErrorBanner message={toUserError(apply.error).message} /> : null}

      <div className="upgrade-apply">
        {pending.length > 0 ? <span className="muted">{t('upgrade.chooseFirst')}</span> : null}
        <button
          type="button"
          className="btn btn-primary"
          data-testid="apply-upgrade"
          disabled={!data.canApply || pending.length > 0 || apply.isPending || preview.isFetching}
          onClick={onApply}
        >
          {apply.isPending ? t('upgrade.applying') : t('upgrade.apply', { version: data.toVersion })}
        </button>
      </div>
    </>
  );
}

function ChangeLists({ preview }: { preview: UpgradePreview }) {
  const { t } = useTranslation();
  const groups = [
    { kind: 'add', title: t('upgrade.adds') },
    { kind: 'change', title: t('upgrade.changes') },
    { kind: 'remove', title: t('upgrade.removes') },
  ] as const;
  return (
    <div className="change-groups">
      {groups.map((group) => {
        const changes = preview.changes.filter((change) => change.kind === group.kind);
        return (
          <div key={group.kind} className={`change-group change-${group.kind}`} data-testid={`changes-${group.kind}`}>
            <h3>
              {group.title} <span className="badge badge-soft">{changes.length}</span>
            </h3>
            {changes.length === 0 ? (
              <p className="muted small">{t('upgrade.nothing')}</p>
            ) : (
              <ul>
                {changes.map((change) => (
                  <li key={`${change.kind}-${change.path}`}>
                    <span>{change.summary}</span>
                    <code className="mono small muted">{change.path}</code>
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}

function ConflictRow({ conflict, choice, onChoose }: { conflict: UpgradeConflict; choice: Choices[string] | undefined; onChoose: (choice: Choices[string]) => void }) {
  const { t } = useTranslation();
  const shown = choice ?? (conflict.resolution === 'needs_choice' ? undefined : conflict.resolution);
  return (
    <li className="conflict" data-testid={`conflict-${conflict.path}`}>
      <div className="conflict-head">
        <code className="mono">{conflict.path}</code>
        <span className={`badge ${conflict.resolution === 'needs_choice' && choice === undefined ? 'badge-danger' : 'badge-soft'}`}>
          {choice ? t(`upgrade.resolution.${choice}`) : t(`upgrade.resolution.${conflict.resolution}`)}
        </span>
      </div>
      <p className="muted">
        {/* The server's reason explains its default; once the admin overrides it, say what will happen instead. */}
        {choice && choice !== conflict.resolution ? t(`upgrade.overridden.${choice}`) : conflict.reason}
        {conflict.recordCount !== undefined ? ` · ${t('upgrade.records', { count: conflict.recordCount })}` : ''}
      </p>
      <dl className="conflict-values">
        <dt>{t('upgrade.base')}</dt>
        <dd>{preview(conflict.base)}</dd>
        <dt>{t('upgrade.yours')}</dt>
        <dd>{preview(conflict.ours)}</dd>
        <dt>{t('upgrade.theirs')}</dt>
        <dd>{preview(conflict.theirs)}</dd>
      </dl>
      {/* Every conflict can be decided: a choice overrides the merge's default (keeping the tenant's change). */}
      <fieldset className="conflict-choice">
        <legend className="sr-only">{t('upgrade.needsChoice')}</legend>
        {(['kept_tenant', 'took_template'] as const).map((option) => (
          <label key={option} className="check-row">
            <input type="radio" name={`choice-${conflict.path}`} checked={shown === option} onChange={() => onChoose(option)} />
            <span>{option === 'kept_tenant' ? t('upgrade.keep') : t('upgrade.take')}</span>
          </label>
        ))}
      </fieldset>
    </li>
  );
}

function preview(value: unknown): string {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

type Translate = ReturnType<typeof useTranslation>['t'];
type Step = UpgradePreview['migrations'][number];

function describeStep(t: Translate, step: Step): string {
  switch (step.type) {
    case 'rename_field':
    case 'move_value':
      return t(`upgrade.step.${step.type}`, { module: step.module, from: step.from, to: step.to });
    case 'map_values':
      return t('upgrade.step.map_values', {
        module: step.module,
        field: step.field,
        pairs: Object.entries(step.map).map(([from, to]) => `${from} → ${to}`).join(', '),
      });
    case 'set_default':
      return t('upgrade.step.set_default', { module: step.module, field: step.field, value: JSON.stringify(step.value) });
  }
}

function MigrationProgress({ tenantId, jobId }: { tenantId: string; jobId: string }) {
  const { t } = useTranslation();
  const progress = useMigrationProgress(tenantId, jobId);
  const job = progress.data?.migration ?? null;
  return (
    <section className="card" data-testid="migration-progress" data-status={job?.status ?? 'pending'} data-phase={job?.phase ?? ''}>
      <h2 className="card-title">
        {t('upgrade.progress')}
        {job ? ` · ${job.fromVersion} → ${job.toVersion}` : ''}
      </h2>
      {progress.isError ? <ErrorBanner message={toUserError(progress.error).message} onRetry={() => void progress.refetch()} /> : null}
      {job ? <MigrationSummary job={job} /> : <Spinner />}
      {job && (job.status === 'done' || job.phase === 'settle') ? (
        <Link to={paths.tenant(tenantId)} className="btn btn-ghost btn-sm">
          {t('app.back')}
        </Link>
      ) : null}
    </section>
  );
}

function MigrationSummary({ job }: { job: MigrationJob }) {
  const { t } = useTranslation();
  // The walk over the records is done at `settle`; the job then only waits out other instances' config caches.
  const walked = job.status === 'done' || job.phase === 'settle';
  const percent = walked ? 100 : Math.round(job.percent);
  return (
    <div className="migration-summary">
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <p className="small" data-testid="migration-counts">
        {t('upgrade.progressCount', { processed: Math.min(job.processed, job.total), total: job.total, migrated: Math.min(job.migrated, job.total) })}
      </p>
      <p className={walked ? 'success-note' : 'muted'} data-testid="migration-state">
        {job.status === 'done' ? t('upgrade.done') : walked ? t('upgrade.scanned') : t('upgrade.running')}
      </p>
      {job.lastError ? <p className="field-error">{t('upgrade.lastError', { message: job.lastError })}</p> : null}
    </div>
  );
}
