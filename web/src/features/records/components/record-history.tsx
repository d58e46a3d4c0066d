import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import type { THistoryEntryView } from '@crm/api/history-schemas.js';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { formatDateTime, formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useRecordHistory } from '../api/history-api';

/** What the server's history callable returns for the record: who changed which field from what to what, newest first. */
export function RecordHistory({ module, record }: { module: TModuleConfigView; record: TRecordView }) {
  const { t, i18n } = useTranslation();
  const { tenantId } = useTenantSession();
  const history = useRecordHistory(tenantId, record.id);
  const entries = history.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <section className="card" data-testid="history">
      <h2 className="card-title">{t('records.history')}</h2>
      {history.isPending ? <Spinner /> : null}
      {history.isError ? <ErrorBanner message={toUserError(history.error).message} onRetry={() => void history.refetch()} /> : null}
      {history.data && entries.length === 0 ? (
        <p className="muted small">{t('kit.history.none', { created: formatDateTime(record.createdAt, i18n.language) })}</p>
      ) : null}
      <ol className="history-list">
        {entries.map((entry) => (
          <HistoryEntry key={entry.id} entry={entry} module={module} />
        ))}
      </ol>
      {history.hasNextPage ? (
        <button type="button" className="btn btn-link btn-sm" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          {t('records.loadMore')}
        </button>
      ) : null}
    </section>
  );
}

function HistoryEntry({ entry, module }: { entry: THistoryEntryView; module: TModuleConfigView }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { user } = useBackend();
  const by =
    entry.by === null
      ? t('kit.history.bySomeone')
      : entry.by === user.uid
        ? t('kit.history.byYou')
        : entry.by.startsWith('automation:')
          ? t('kit.history.byWorkflow')
          : t('kit.history.byTeammate');
  const fields = new Map(module.fields.map((field) => [field.key, field]));
  const yesNo = { yes: t('records.yes'), no: t('records.no') };
  const show = (key: string, value: unknown) => {
    const field = fields.get(key);
    if (value === null || value === undefined || value === '') return '—';
    // A relationship holds an id; the history keeps no name for it, so say only that it changed.
    if (field?.type === 'relationship') return t('kit.history.linkedRecord');
    return field ? formatFieldValue(field, value, i18n.language, null, yesNo) || '—' : String(value);
  };
  const changes = entry.changes.filter((change) => change.field !== '_deleted');
  return (
    <li className="history-entry">
      <p className="small">
        <strong>{t(`kit.history.kind.${entry.kind}`)}</strong> · {by} · <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language)}</time>
        {entry.source ? <span data-testid="history-import"> · {t('imports.history.fromImport', { id: entry.source.jobId.slice(0, 8) })}</span> : null}
      </p>
      {entry.kind === 'updated' && changes.length > 0 ? (
        <ul className="history-changes">
          {changes.map((change) => {
            const field = fields.get(change.field);
            return (
              <li key={change.field}>
                <span className="history-field">{field ? label(field.label, field.key) : change.field === '_owner' ? t('exportBulk.history.owner') : change.field}</span>{' '}
                <span className="muted">{show(change.field, change.from)}</span> → <span>{show(change.field, change.to)}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </li>
  );
}
