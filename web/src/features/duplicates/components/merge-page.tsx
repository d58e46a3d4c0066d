import { useMemo, useState, type ComponentType } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { MAX_MERGE_RECORDS } from '@crm/engine/duplicates/duplicate-rules.js';
import { Combobox } from '../../../components/combobox';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { activeFields, findModule, permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useForgetMergedRecords, useMergeRecords, useMergeSearch, useStartMerge } from '../api/duplicates-api';
import { choicesToRequest, defaultChoices, differingFields } from '../merge-model';

/**
 * Merge 2 or more records of a module: pick the record that stays, then each
 * field's winning value; the server re-points every reference to the losers
 * and moves them to the trash, as a job with progress.
 */
/** How the page shows its job's progress; the route table passes the jobs feature's (features do not import each other). */
export type JobProgressView = ComponentType<{ jobId: string; title: string; onDone: () => void }>;

export function MergePage({ progress }: { progress: JobProgressView }) {
  const { t } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const { module: slug = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const module = findModule(session, slug);
  const ids = useMemo(() => [...new Set((search.get('ids') ?? '').split(',').filter((id) => id !== ''))].slice(0, MAX_MERGE_RECORDS), [search]);
  const setIds = (next: string[]) => setSearch(next.length > 0 ? { ids: next.join(',') } : {}, { replace: true });
  const permissions = permissionsFor(session, slug);
  if (!module) return <ErrorBanner message={t('errors.notFound')} />;
  if (permissions.update === 'none' || permissions.delete === 'none') return <ErrorBanner message={t('rollupsMerge.merge.notAllowed')} />;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('rollupsMerge.merge.title', { module: label(module.label_plural ?? module.label, slug) })}</h1>
          <p className="muted">{t('rollupsMerge.merge.subtitle')}</p>
        </div>
        <Link to={paths.module(session.tenantId, slug)} className="btn">
          {t('kit.backToList')}
        </Link>
      </div>
      <AddRecord module={module} exclude={ids} disabled={ids.length >= MAX_MERGE_RECORDS} onAdd={(id) => setIds([...ids, id])} />
      <MergeTable key={ids.join(',')} module={module} ids={ids} progress={progress} onRemove={(id) => setIds(ids.filter((candidate) => candidate !== id))} />
    </div>
  );
}

function AddRecord({ module, exclude, disabled, onAdd }: { module: TModuleConfigView; exclude: readonly string[]; disabled: boolean; onAdd: (id: string) => void }) {
  const { t } = useTranslation();
  const { tenantId } = useTenantSession();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const results = useMergeSearch(tenantId, module.slug, text, open && !disabled);
  const options = (results.data ?? [])
    .filter((record) => !exclude.includes(record.id))
    .map((record) => ({ id: record.id, label: record.display ?? record.number, hint: record.number }));
  return (
    <div className="card merge-add">
      <label className="field-label" htmlFor="merge-add">
        {t('rollupsMerge.merge.add', { max: MAX_MERGE_RECORDS })}
      </label>
      <Combobox
        id="merge-add"
        text={text}
        onTextChange={setText}
        onOpenChange={(isOpen) => {
          if (isOpen) setOpen(true);
        }}
        options={options}
        status={results.isPending && open ? { text: t('app.loading') } : options.length === 0 && open ? { text: t('records.noMatches') } : null}
        onPick={(option) => {
          onAdd(option.id);
          setText('');
        }}
        placeholder={t('rollupsMerge.merge.searchPlaceholder')}
        testId="merge-add"
      />
    </div>
  );
}

function MergeTable({ module, ids, progress: Progress, onRemove }: { module: TModuleConfigView; ids: string[]; progress: JobProgressView; onRemove: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const navigate = useNavigate();
  const session = useTenantSession();
  const queries = useMergeRecords(session.tenantId, ids);
  const start = useStartMerge(session.tenantId);
  const forgetMerged = useForgetMergedRecords(session.tenantId);
  const [winnerId, setWinnerId] = useState<string>(ids[0] ?? '');
  const [choices, setChoices] = useState<Record<string, string> | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  if (ids.length < 2) return <p className="muted" data-testid="merge-need-two">{t('rollupsMerge.merge.needTwo')}</p>;
  const failed = queries.find((query) => query.isError);
  if (failed?.error) return <ErrorBanner message={toUserError(failed.error).message} />;
  if (queries.some((query) => query.isPending)) return <Spinner />;
  const records = queries.map((query) => query.data as TRecordView);
  const fields = activeFields(module).filter((field) => field.type !== 'file');
  const keys = fields.map((field) => field.key);
  const current = choices ?? defaultChoices(keys, winnerId, records);
  const differing = new Set(differingFields(keys, records));
  const show = (record: TRecordView, key: string) => {
    const field = fields.find((candidate) => candidate.key === key);
    if (!field) return '';
    return formatFieldValue(field, record.data[key], i18n.language, record.related[key]?.display ?? null, { yes: t('records.yes'), no: t('records.no') }) || '—';
  };

  if (jobId) {
    return <Progress jobId={jobId} title={t('rollupsMerge.merge.running')} onDone={() => void forgetMerged().then(() => navigate(paths.record(session.tenantId, module.slug, winnerId)))} />;
  }
  return (
    <form
      className="card merge-form"
      data-testid="merge-form"
      onSubmit={(event) => {
        event.preventDefault();
        start.mutate(
          { module: module.slug, winnerId, recordIds: ids, fields: choicesToRequest(current, winnerId) },
          { onSuccess: (answer) => setJobId(answer.jobId) },
        );
      }}
    >
      <div className="table-scroll">
        <table className="merge-table">
          <thead>
            <tr>
              <th scope="col">{t('rollupsMerge.merge.field')}</th>
              {records.map((record) => (
                <th scope="col" key={record.id}>
                  <label className="merge-winner">
                    <input
                      type="radio"
                      name="merge-winner"
                      checked={winnerId === record.id}
                      onChange={() => {
                        setWinnerId(record.id);
                        setChoices(null);
                      }}
                      data-testid={`merge-winner-${record.number}`}
                    />
                    <span>
                      {record.display ?? record.number} <span className="muted small">{record.number}</span>
                    </span>
                  </label>
                  <button type="button" className="btn btn-link btn-sm" onClick={() => onRemove(record.id)}>
                    {t('rollupsMerge.merge.remove')}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {fields.map((field) => (
              <tr key={field.key} className={differing.has(field.key) ? 'merge-differs' : undefined}>
                <th scope="row">{label(field.label, field.key)}</th>
                {records.map((record) => (
                  <td key={record.id}>
                    {differing.has(field.key) ? (
                      <label className="merge-choice">
                        <input
                          type="radio"
                          name={`merge-field-${field.key}`}
                          checked={current[field.key] === record.id}
                          onChange={() => setChoices({ ...current, [field.key]: record.id })}
                          data-testid={`merge-pick-${field.key}-${record.number}`}
                        />
                        <span>{show(record, field.key)}</span>
                      </label>
                    ) : (
                      <span className="muted">{show(record, field.key)}</span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('rollupsMerge.merge.explain', { count: records.length - 1 })}</p>
      {start.error ? <ErrorBanner message={toUserError(start.error).message} /> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={start.isPending} data-testid="merge-submit">
          {t('rollupsMerge.merge.submit', { count: records.length })}
        </button>
      </div>
    </form>
  );
}

