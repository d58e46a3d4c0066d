import { useRef, useState, type ComponentType } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel, useNewRecordTitle } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { findModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useCreateRecord, useRecord, useUpdateRecord } from '../api/records-api';
import { useRecordPermissions } from '../hooks/use-record-permissions';
import { RecordForm } from './record-form';

/**
 * Asked before a create is sent (the duplicates feature plugs its warning in
 * here from the route table, so records never imports it): it calls
 * `onConfirm` to save or `onCancel` to stay on the form.
 */
export type CreateGuard = ComponentType<{ module: string; data: Record<string, unknown>; onConfirm: () => void; onCancel: () => void }>;

export function RecordCreatePage({ createGuard: Guard }: { createGuard?: CreateGuard } = {}) {
  const { t } = useTranslation();
  const [guarded, setGuarded] = useState<Record<string, unknown> | null>(null);
  const decision = useRef<((proceed: boolean) => void) | null>(null);
  const newTitle = useNewRecordTitle();
  const label = useLabel();
  const navigate = useNavigate();
  const { module: slug = '' } = useParams();
  const session = useTenantSession();
  const module = findModule(session, slug);
  const create = useCreateRecord(session.tenantId, slug);
  const { can } = useRecordPermissions(slug);
  if (!module) return <ErrorBanner message={t('errors.notFound')} />;
  if (!can('create')) {
    return <NotAllowedHere message={t('kit.cannotCreate', { module: label(module.label_plural ?? module.label, slug) })} back={paths.module(session.tenantId, slug)} backLabel={t('kit.backToList')} />;
  }
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <h1>{newTitle(module)}</h1>
      </div>
      <div className="card">
        <RecordForm
          module={module}
          record={null}
          submitLabel={t('records.create')}
          onSubmit={async (data) => {
            if (Guard) {
              // The form stays busy until the guard decides; going back leaves it as it was.
              const proceed = await new Promise<boolean>((resolve) => {
                decision.current = resolve;
                setGuarded(data);
              });
              setGuarded(null);
              if (!proceed) return;
            }
            const record = await create.mutateAsync(data);
            await navigate(paths.record(session.tenantId, slug, record.id));
          }}
          onCancel={() => void navigate(paths.module(session.tenantId, slug))}
        />
      </div>
      {Guard && guarded ? (
        <Guard module={slug} data={guarded} onConfirm={() => decision.current?.(true)} onCancel={() => decision.current?.(false)} />
      ) : null}
    </div>
  );
}

/** A page this user may not use, with a way to the closest one they may. */
function NotAllowedHere({ message, back, backLabel }: { message: string; back: string; backLabel: string }) {
  return (
    <div className="page page-narrow">
      <div className="notice-panel" role="status" data-testid="not-allowed">
        <p>{message}</p>
        <Link to={back} className="btn btn-primary" data-testid="not-allowed-back">
          {backLabel}
        </Link>
      </div>
    </div>
  );
}

export function RecordEditPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { module: slug = '', recordId = '' } = useParams();
  const session = useTenantSession();
  const module = findModule(session, slug);
  const record = useRecord(session.tenantId, recordId);
  const update = useUpdateRecord(session.tenantId);
  const { can } = useRecordPermissions(slug);
  if (!module) return <ErrorBanner message={t('errors.notFound')} />;
  if (record.isPending) return <Spinner />;
  if (record.isError) return <ErrorBanner message={toUserError(record.error).message} onRetry={() => void record.refetch()} />;
  const current = record.data;
  // A link to the edit form reached someone who may only read: say so and offer the record itself.
  if (!can('update', current.ownerId)) {
    return <NotAllowedHere message={t('kit.cannotEdit', { name: current.display ?? current.number })} back={paths.record(session.tenantId, slug, recordId)} backLabel={t('kit.openReadOnly')} />;
  }
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <p className="muted small">{current.number}</p>
          <h1>
            {t('records.edit')} · {current.display ?? current.number}
          </h1>
        </div>
      </div>
      <div className="card">
        <RecordForm
          // Remount on a new version so the form starts from what the server now holds.
          key={current.version}
          module={module}
          record={current}
          submitLabel={t('records.save')}
          onSubmit={async (data) => {
            if (Object.keys(data).length > 0) await update.mutateAsync({ recordId, expectedVersion: current.version, data, base: current.data });
            await navigate(paths.record(session.tenantId, slug, recordId));
          }}
          onCancel={() => void navigate(paths.record(session.tenantId, slug, recordId))}
        />
      </div>
    </div>
  );
}
