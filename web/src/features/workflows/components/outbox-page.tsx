import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { formatDateTime } from '../../../lib/format/format-value';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useOutbox, useRecordModule, useWorkflows, type TMailView } from '../api/workflow-api';
import '../workflows.css';

/**
 * /admin/outbox — mail the workflows queued, newest first. Locally this is
 * the whole story (nothing is sent); in production the Trigger Email
 * extension reports each mail's delivery state here.
 */
export function OutboxPage() {
  const { t } = useTranslation();
  const { tenantId, bootstrap } = useTenantSession();
  const outbox = useOutbox(tenantId, bootstrap.canManageConfiguration);
  const workflows = useWorkflows(tenantId, undefined, bootstrap.canManageConfiguration);
  if (!bootstrap.canManageConfiguration) return <ErrorBanner message={t('workflows.adminOnly')} />;
  const byId = new Map((workflows.data ?? []).map((workflow) => [workflow.id, workflow]));
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>{t('workflows.outboxTitle')}</h1>
          <p className="muted">{t('workflows.outboxSubtitle')}</p>
        </div>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void outbox.refetch()} disabled={outbox.isFetching} data-testid="outbox-refresh">
          {t('workflows.refresh')}
        </button>
      </div>
      {outbox.isPending ? <Spinner /> : null}
      {outbox.isError ? <ErrorBanner message={toUserError(outbox.error).message} onRetry={() => void outbox.refetch()} /> : null}
      {outbox.data?.length === 0 ? <EmptyState title={t('workflows.outboxEmpty')} hint={t('workflows.outboxEmptyHint')} /> : null}
      <ol className="wf-mails" data-testid="outbox">
        {outbox.data?.map((mail) => {
          const workflow = mail.workflowId ? byId.get(mail.workflowId) : undefined;
          return <MailCard key={mail.id} mail={mail} workflowName={workflow?.name ?? null} module={workflow?.module ?? null} />;
        })}
      </ol>
    </div>
  );
}

function MailCard({ mail, workflowName, module }: { mail: TMailView; workflowName: string | null; module: string | null }) {
  const { t, i18n } = useTranslation();
  const { tenantId } = useTenantSession();
  // A mail whose workflow is gone still links to its record: ask the record which module it is in.
  const lookedUp = useRecordModule(tenantId, mail.recordId, module === null);
  const recordModule = module ?? lookedUp.data ?? null;
  return (
    <li className="card wf-mail-card" data-testid="mail">
      <div className="wf-mail-card-head">
        <h2 className="wf-mail-subject" data-testid="mail-subject">
          {mail.subject}
        </h2>
        <span className={`wf-status wf-status-${mail.deliveryState ?? 'queued'}`} data-testid="mail-status">
          {mail.deliveryState ? t(`workflows.delivery.${mail.deliveryState}`, { defaultValue: mail.deliveryState }) : t('workflows.delivery.outbox')}
        </span>
      </div>
      <dl className="wf-mail-head">
        <dt>{t('workflows.mailTo')}</dt>
        <dd data-testid="mail-to">{mail.to.join(', ')}</dd>
        {mail.cc.length > 0 ? (
          <>
            <dt>{t('workflows.mailCc')}</dt>
            <dd>{mail.cc.join(', ')}</dd>
          </>
        ) : null}
        <dt>{t('workflows.queuedAt')}</dt>
        <dd>{mail.createdAt ? formatDateTime(mail.createdAt, i18n.language) : '—'}</dd>
        {workflowName ? (
          <>
            <dt>{t('workflows.workflow')}</dt>
            <dd>{module && mail.workflowId ? <Link to={paths.workflow(tenantId, module, mail.workflowId)}>{workflowName}</Link> : workflowName}</dd>
          </>
        ) : null}
        {mail.recordId ? (
          <>
            <dt>{t('workflows.record')}</dt>
            <dd>
              {recordModule ? (
                <Link to={paths.record(tenantId, recordModule, mail.recordId)} data-testid="mail-record">
                  {t('workflows.openRecord')}
                </Link>
              ) : (
                <span className="muted">{mail.recordId}</span>
              )}
            </dd>
          </>
        ) : null}
      </dl>
      <div className="wf-mail-body" data-testid="mail-body">
        {mail.text}
      </div>
      {mail.html !== '' ? (
        <details className="wf-mail-html">
          <summary className="small">{t('workflows.showHtml')}</summary>
          {/* The HTML part as a mail client would show it; sandboxed: no scripts, no same-origin access. */}
          <iframe sandbox="" srcDoc={mail.html} title={t('workflows.htmlOf', { subject: mail.subject })} />
        </details>
      ) : null}
    </li>
  );
}
