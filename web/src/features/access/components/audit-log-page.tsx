import '../access.css';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_KINDS, type TAuditEntryView } from '@crm/api/access-schemas.js';
import { ErrorBanner, FullPageSpinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useAuditLog, useExportAuditLog, type AuditFilters } from '../api/access-api';

/**
 * The audit log of configuration changes, for owners and admins: who changed
 * what, when, from where, with the before/after of each changed path.
 * Filters by actor, kind and date; exports the filtered log as CSV.
 */
export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const session = useTenantSession();
  const [form, setForm] = useState({ actorUid: '', kind: '', from: '', to: '' });
  const [filters, setFilters] = useState<AuditFilters>({});
  const log = useAuditLog(session.tenantId, filters);
  const exporter = useExportAuditLog(session.tenantId);
  const [exportNote, setExportNote] = useState<string | null>(null);

  if (!session.bootstrap.canManageConfiguration) return <ErrorBanner message={t('admin.notAllowed')} />;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters({
      ...(form.actorUid.trim() ? { actorUid: form.actorUid.trim() } : {}),
      ...(form.kind ? { kind: form.kind as AuditFilters['kind'] } : {}),
      // Dates are whole days in the viewer's zone: from the start of `from` to the end of `to`.
      ...(form.from ? { from: new Date(`${form.from}T00:00:00`).toISOString() } : {}),
      ...(form.to ? { to: new Date(new Date(`${form.to}T00:00:00`).getTime() + 86_400_000).toISOString() } : {}),
    });
  };

  const download = async () => {
    setExportNote(null);
    try {
      const result = await exporter.mutateAsync(filters);
      const url = URL.createObjectURL(new Blob([result.csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `audit-log-${session.tenantId}.csv`;
      link.click();
      URL.revokeObjectURL(url);
      setExportNote(result.complete ? t('access.audit.exported', { count: result.entries }) : t('access.audit.exportedPartial', { count: result.entries }));
    } catch (error) {
      setExportNote(toUserError(error).message);
    }
  };

  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' });

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('access.audit.title')}</h1>
          <p className="muted">{t('access.audit.subtitle')}</p>
        </div>
        <button type="button" className="btn" onClick={() => void download()} disabled={exporter.isPending} data-testid="audit-export">
          {t('access.audit.export')}
        </button>
      </div>
      {exportNote ? (
        <p className="field-help" role="status">
          {exportNote}
        </p>
      ) : null}
      <form className="card audit-filters" onSubmit={apply} data-testid="audit-filters">
        <div className="field">
          <label className="field-label" htmlFor="audit-actor">
            {t('access.audit.actor')}
          </label>
          <input id="audit-actor" value={form.actorUid} onChange={(event) => setForm({ ...form, actorUid: event.target.value })} data-testid="audit-actor" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="audit-kind">
            {t('access.audit.kind')}
          </label>
          <select id="audit-kind" value={form.kind} onChange={(event) => setForm({ ...form, kind: event.target.value })} data-testid="audit-kind">
            <option value="">{t('access.audit.anyKind')}</option>
            {AUDIT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`access.kinds.${kind}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="audit-from">
            {t('access.audit.from')}
          </label>
          <input id="audit-from" type="date" value={form.from} onChange={(event) => setForm({ ...form, from: event.target.value })} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="audit-to">
            {t('access.audit.to')}
          </label>
          <input id="audit-to" type="date" value={form.to} onChange={(event) => setForm({ ...form, to: event.target.value })} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="audit-apply">
            {t('access.audit.apply')}
          </button>
        </div>
      </form>
      {log.isError ? <ErrorBanner message={toUserError(log.error).message} /> : null}
      {log.isPending ? <FullPageSpinner /> : null}
      {!log.isPending && entries.length === 0 ? <p className="muted">{t('access.audit.empty')}</p> : null}
      <ol className="audit-list" data-testid="audit-list">
        {entries.map((entry) => (
          <AuditEntry key={entry.id} entry={entry} when={when.format(new Date(entry.at))} />
        ))}
      </ol>
      {log.hasNextPage ? (
        <button type="button" className="btn" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {t('access.audit.more')}
        </button>
      ) : null}
    </div>
  );
}

function AuditEntry({ entry, when }: { entry: TAuditEntryView; when: string }) {
  const { t } = useTranslation();
  const via = entry.via.kind === 'api_key' ? t('access.audit.viaKey', { key: entry.via.keyId ?? '' }) : entry.via.kind === 'callable' ? t('access.audit.viaApp') : t('access.audit.viaSystem');
  return (
    <li className="card audit-entry" data-testid="audit-entry" data-kind={entry.kind}>
      <div className="audit-entry-head">
        <strong>{t(`access.kinds.${entry.kind}`, { defaultValue: entry.kind })}</strong>
        <span className="chip">{entry.action}</span>
        {entry.target.module || entry.target.id ? <span className="muted">{[entry.target.module, entry.target.label ?? entry.target.id].filter(Boolean).join(' · ')}</span> : null}
      </div>
      <p className="muted">{t('access.audit.byWhen', { who: entry.actor.email ?? entry.actor.uid, when, via })}</p>
      {entry.changes.length > 0 ? (
        <details>
          <summary>{t('access.audit.changes', { count: entry.changes.length })}</summary>
          <div className="table-scroll">
            <table className="audit-diff">
              <thead>
                <tr>
                  <th scope="col">{t('access.audit.path')}</th>
                  <th scope="col">{t('access.audit.before')}</th>
                  <th scope="col">{t('access.audit.after')}</th>
                </tr>
              </thead>
              <tbody>
                {entry.changes.map((change) => (
                  <tr key={change.path}>
                    <td>
                      <code>{change.path}</code>
                    </td>
                    <td>
                      <code>{change.before ?? '—'}</code>
                    </td>
                    <td>
                      <code>{change.after ?? '—'}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {entry.truncated ? <p className="field-help">{t('access.audit.truncated')}</p> : null}
        </details>
      ) : null}
    </li>
  );
}
