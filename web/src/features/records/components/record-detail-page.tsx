import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { relationshipOptions } from '@crm/engine/fields/field-definition.js';
import { AlertDialog } from '../../../components/dialog';
import { ModuleIcon } from '../../../components/module-icon';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { useToast } from '../../../components/toast';
import { toUserError } from '../../../lib/api/to-user-error';
import { formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { activeFields, findModule, orderedModules, permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useDeleteRecord, useRecord, useRecordList, useRestoreRecord } from '../api/records-api';
import { useRecordPermissions } from '../hooks/use-record-permissions';
import { RecordHistory } from './record-history';
import { RunWorkflowMenu } from './run-workflow-menu';

/**
 * `sideSections`: more cards for the side column, given by the app (e.g. the workflows feature's tasks and runs);
 * `mainSections`: cards under the details (the timeline feature's activity).
 */
export function RecordDetailPage({
  sideSections,
  mainSections,
}: { sideSections?: (record: TRecordView) => ReactNode; mainSections?: (module: TModuleConfigView, record: TRecordView) => ReactNode } = {}) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const navigate = useNavigate();
  const { module: slug = '', recordId = '' } = useParams();
  const session = useTenantSession();
  const module = findModule(session, slug);
  const record = useRecord(session.tenantId, recordId);
  const remove = useDeleteRecord(session.tenantId);
  const restore = useRestoreRecord(session.tenantId);
  const { can } = useRecordPermissions(slug);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const toast = useToast();

  if (!module) return <ErrorBanner message={t('errors.notFound')} />;
  if (record.isPending) return <Spinner />;
  if (record.isError) {
    const error = toUserError(record.error);
    const gone = error.code === 'not-found' || error.code === 'permission-denied';
    return <ErrorBanner message={gone ? t('records.notFound') : error.message} onRetry={gone ? undefined : () => void record.refetch()} />;
  }
  const current = record.data;
  const title = current.display ?? current.number;
  const actionError = remove.error ?? restore.error;
  const yesNo = { yes: t('records.yes'), no: t('records.no') };

  return (
    <div className="page">
      <nav className="breadcrumbs">
        <Link to={paths.module(session.tenantId, slug)}>{label(module.label_plural ?? module.label, slug)}</Link>
        <span aria-hidden="true">/</span>
        <span>{current.number}</span>
      </nav>
      <div className="page-header">
        <div className="page-title">
          <span className="page-icon">
            <ModuleIcon name={module.icon} label={label(module.label, slug)} size={20} />
          </span>
          <div>
            <h1 data-testid="record-title">{title}</h1>
            <p className="muted small">
              {title === current.number ? null : current.number}
              {current.deleted ? <span className="badge badge-danger">{t('records.deleted')}</span> : null}
            </p>
          </div>
        </div>
        <div className="page-actions">
          {!current.deleted && can('update', current.ownerId) ? <RunWorkflowMenu tenantId={session.tenantId} record={current} /> : null}
          {!current.deleted && can('update', current.ownerId) ? (
            <Link to={paths.editRecord(session.tenantId, slug, current.id)} className="btn btn-primary" data-testid="edit-record">
              {t('records.edit')}
            </Link>
          ) : null}
          {!current.deleted && can('delete', current.ownerId) ? (
            <button
              type="button"
              className="btn btn-danger-ghost"
              data-testid="delete-record"
              disabled={remove.isPending}
              onClick={() => setConfirmDelete(true)}
            >
              {t('records.delete')}
            </button>
          ) : null}
          {current.deleted && can('delete', current.ownerId) ? (
            <button type="button" className="btn btn-ghost" onClick={() => restore.mutate(current.id)} disabled={restore.isPending}>
              {t('records.restore')}
            </button>
          ) : null}
        </div>
      </div>
      {actionError ? <ErrorBanner message={toUserError(actionError).message} /> : null}
      <AlertDialog
        open={confirmDelete}
        title={t('kit.deleteTitle', { name: title })}
        description={t('records.deleteConfirm', { name: title })}
        confirmLabel={t('records.delete')}
        busy={remove.isPending}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => {
          setConfirmDelete(false);
          remove.mutate(current.id, {
            onSuccess: () => {
              // The trash keeps it: offer the way back right where the user is going.
              toast.show({
                message: t('kit.deleted', { name: title }),
                action: { label: t('kit.undo'), onAction: () => restore.mutate(current.id) },
              });
              void navigate(paths.module(session.tenantId, slug));
            },
          });
        }}
      />
      <div className="detail-grid">
        <section className="card">
          <h2 className="card-title">{t('records.details')}</h2>
          <dl className="detail-fields">
            {activeFields(module).map((field) => {
              const value = current.data[field.key];
              const related = current.related[field.key];
              const target = relationshipOptions(field)?.related_module;
              const text = formatFieldValue(field, value, i18n.language, related?.display ?? null, yesNo);
              return (
                <div key={field.key} className={field.type === 'textarea' ? 'wide' : ''}>
                  <dt>{label(field.label, field.key)}</dt>
                  <dd data-testid={`value-${field.key}`}>
                    {text === '' ? (
                      <span className="muted">—</span>
                    ) : related && target ? (
                      <Link to={paths.record(session.tenantId, target, related.id)}>{text}</Link>
                    ) : field.type === 'url' && typeof value === 'string' ? (
                      <a href={value} target="_blank" rel="noreferrer noopener">
                        {text}
                      </a>
                    ) : field.type === 'email' && typeof value === 'string' ? (
                      <a href={`mailto:${value}`}>{text}</a>
                    ) : (
                      text
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
        {mainSections ? <div className="detail-main-extra">{mainSections(module, current)}</div> : null}
        <aside className="detail-side">
          <RelatedRecords module={module} record={current} />
          {sideSections?.(current)}
          <RecordHistory module={module} record={current} />
        </aside>
      </div>
    </div>
  );
}

/** Records of other modules that point at this one (a doctor's appointments, a client's matters). */
function RelatedRecords({ module, record }: { module: TModuleConfigView; record: TRecordView }) {
  const session = useTenantSession();
  const links = orderedModules(session.config).flatMap((other) =>
    permissionsFor(session, other.slug).read === 'none'
      ? []
      : activeFields(other)
          .filter((field) => relationshipOptions(field)?.related_module === module.slug)
          .map((field) => ({ other, field })),
  );
  return (
    <>
      {links.map(({ other, field }) => (
        <RelatedList key={`${other.slug}.${field.key}`} module={other} fieldKey={field.key} fieldLabel={field.label} recordId={record.id} />
      ))}
    </>
  );
}

function RelatedList({ module, fieldKey, fieldLabel, recordId }: { module: TModuleConfigView; fieldKey: string; fieldLabel: TModuleConfigView['fields'][number]['label']; recordId: string }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { tenantId } = useTenantSession();
  const list = useRecordList(tenantId, {
    module: module.slug,
    filters: [{ field: fieldKey, op: 'eq', value: recordId }],
    search: '',
    sort: 'created_at',
    direction: 'desc',
    pageSize: 20,
  });
  const records = list.data?.pages.flatMap((page) => page.records) ?? [];
  const statusField = module.fields.find((field) => field.key === module.status_field);
  return (
    <section className="card" data-testid={`related-${module.slug}`}>
      <h2 className="card-title">
        <ModuleIcon name={module.icon} label={label(module.label, module.slug)} size={16} />
        {label(module.label_plural ?? module.label, module.slug)}
        <span className="muted small"> · {label(fieldLabel, fieldKey)}</span>
      </h2>
      {list.isPending ? <Spinner /> : null}
      {list.isError ? <ErrorBanner message={toUserError(list.error).message} /> : null}
      {list.data && records.length === 0 ? <p className="muted small">{t('records.noRelated')}</p> : null}
      <ul className="related-list">
        {records.map((related) => (
          <li key={related.id}>
            <Link to={paths.record(tenantId, module.slug, related.id)}>
              <span>{related.display ?? related.number}</span>
              {related.display && related.display !== related.number ? <span className="muted small">{related.number}</span> : null}
            </Link>
            {statusField && typeof related.data[statusField.key] === 'string' ? (
              <span className="pill">{formatFieldValue(statusField, related.data[statusField.key], i18n.language)}</span>
            ) : null}
          </li>
        ))}
      </ul>
      {list.hasNextPage ? (
        <button type="button" className="btn btn-link btn-sm" onClick={() => void list.fetchNextPage()}>
          {t('records.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
