import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ConfirmButton, Dialog } from '../../../components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { useToast } from '../../../components/toast';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { formatDateTime } from '../../../lib/format/format-value';
import { paths } from '../../../lib/routes';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { ApiKeyInputSchema, useApiKeys, useCreateApiKey, useRevokeApiKey, type TApiKeyView } from '../api/integrations-api';
import { restApiBaseUrl } from '../rest-api-url';
import '../integrations.css';

const EXPIRY_CHOICES = [30, 90, 365] as const;

/**
 * /admin/api-keys — keys for the REST API, each scoped to a role of the
 * permission matrix. The key itself is shown once, right after creation; the
 * list shows when each key was last used (to the minute).
 */
export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const { tenantId, bootstrap } = useTenantSession();
  const { functions } = useBackend();
  const admin = bootstrap.canManageConfiguration;
  const keys = useApiKeys(tenantId, admin);
  const revoke = useRevokeApiKey(tenantId);
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  if (!admin) return <ErrorBanner message={t('integrations.adminOnly')} />;
  const base = restApiBaseUrl(functions);
  const openApiUrl = `${base}/v1/openapi.json`;
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>{t('integrations.apiKeysTitle')}</h1>
          <p className="muted">{t('integrations.apiKeysSubtitle')}</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="api-key-new">
          {t('integrations.newKey')}
        </button>
      </div>
      <section className="card int-endpoint" aria-labelledby="int-endpoint-title">
        <h2 id="int-endpoint-title" className="int-section-title">
          {t('integrations.endpointTitle')}
        </h2>
        <dl className="int-facts">
          <dt>{t('integrations.baseUrl')}</dt>
          <dd>
            <code data-testid="api-base-url">{base}</code>
          </dd>
          <dt>{t('integrations.openApi')}</dt>
          <dd>
            <code>{openApiUrl}</code>
          </dd>
        </dl>
        <p className="field-help">{t('integrations.endpointHint')}</p>
        <p>
          <Link to={paths.webhooks(tenantId)}>{t('integrations.webhooksLink')}</Link>
        </p>
      </section>
      {keys.isPending ? <Spinner /> : null}
      {keys.isError ? <ErrorBanner message={toUserError(keys.error).message} onRetry={() => void keys.refetch()} /> : null}
      {keys.data?.length === 0 ? <EmptyState title={t('integrations.noKeys')} hint={t('integrations.noKeysHint')} /> : null}
      <ul className="int-list" data-testid="api-keys">
        {keys.data?.map((key) => (
          <KeyCard
            key={key.id}
            apiKey={key}
            language={i18n.language}
            revoking={revoke.isPending}
            onRevoke={() =>
              revoke.mutate(key.id, {
                onSuccess: () => toast.show({ message: t('integrations.revoked', { name: key.name }) }),
                onError: (error) => toast.show({ message: toUserError(error).message, tone: 'danger' }),
              })
            }
          />
        ))}
      </ul>
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

function KeyCard({ apiKey, language, revoking, onRevoke }: { apiKey: TApiKeyView; language: string; revoking: boolean; onRevoke: () => void }) {
  const { t } = useTranslation();
  return (
    <li className="card int-card" data-testid="api-key" data-key-id={apiKey.id}>
      <div className="int-card-head">
        <h2 className="int-card-title">{apiKey.name}</h2>
        <span className={`int-badge int-badge-${apiKey.status}`} data-testid="api-key-status">
          {t(`integrations.status.${apiKey.status}`)}
        </span>
      </div>
      <dl className="int-facts">
        <dt>{t('integrations.role')}</dt>
        <dd>{t(`integrations.roles.${apiKey.role}`)}</dd>
        <dt>{t('integrations.keyPrefix')}</dt>
        <dd>
          <code>{`${apiKey.prefix}.…`}</code>
        </dd>
        <dt>{t('integrations.created')}</dt>
        <dd>{formatDateTime(apiKey.createdAt, language)}</dd>
        <dt>{t('integrations.expires')}</dt>
        <dd>{formatDateTime(apiKey.expiresAt, language)}</dd>
        <dt>{t('integrations.lastUsed')}</dt>
        <dd data-testid="api-key-last-used">{apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt, language) : t('integrations.neverUsed')}</dd>
        {apiKey.revokedAt ? (
          <>
            <dt>{t('integrations.revokedAt')}</dt>
            <dd>{formatDateTime(apiKey.revokedAt, language)}</dd>
          </>
        ) : null}
      </dl>
      {apiKey.status === 'active' ? (
        <div className="form-actions">
          <ConfirmButton
            className="btn btn-danger-ghost btn-sm"
            testId="api-key-revoke"
            disabled={revoking}
            title={t('integrations.revokeTitle', { name: apiKey.name })}
            description={t('integrations.revokeConfirm')}
            confirmLabel={t('integrations.revoke')}
            onConfirm={onRevoke}
          >
            {t('integrations.revoke')}
          </ConfirmButton>
        </div>
      ) : null}
    </li>
  );
}

function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { tenantId, bootstrap } = useTenantSession();
  const create = useCreateApiKey(tenantId);
  const [name, setName] = useState('');
  const [role, setRole] = useState<'owner' | 'admin' | 'member'>('member');
  const [days, setDays] = useState<number>(90);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  // A key never carries more than its creator: only owners (and super admins) may mint owner keys.
  const roles = bootstrap.user.role === 'owner' || bootstrap.user.platformRole === 'super_admin' ? (['member', 'admin', 'owner'] as const) : (['member', 'admin'] as const);

  const close = () => {
    setName('');
    setRole('member');
    setDays(90);
    setError(null);
    setSecret(null);
    setCopied(false);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (secret) {
      close();
      return;
    }
    const parsed = ApiKeyInputSchema.safeParse({ name, role, expiresInDays: days });
    if (!parsed.success) {
      setError(t('integrations.nameRequired'));
      return;
    }
    setError(null);
    create.mutate(parsed.data, {
      onSuccess: (result) => setSecret(result.secret),
      onError: (failure) => setError(toUserError(failure).message),
    });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={secret ? t('integrations.keyCreated') : t('integrations.newKey')}
      onSubmit={submit}
      testId="api-key-dialog"
      footer={
        secret ? (
          <button type="submit" className="btn btn-primary" data-testid="api-key-done">
            {t('integrations.done')}
          </button>
        ) : (
          <>
            <button type="button" className="btn btn-ghost" onClick={close}>
              {t('app.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="api-key-create">
              {t('integrations.createKey')}
            </button>
          </>
        )
      }
    >
      {secret ? (
        <div className="int-secret">
          <p role="status">{t('integrations.shownOnce')}</p>
          <label className="field-label" htmlFor="api-key-secret">
            {t('integrations.yourKey')}
          </label>
          <input id="api-key-secret" className="int-secret-value" readOnly value={secret} onFocus={(event) => event.currentTarget.select()} data-testid="api-key-secret" />
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              void navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => setCopied(false));
            }}
          >
            {copied ? t('integrations.copied') : t('integrations.copy')}
          </button>
        </div>
      ) : (
        <div className="form-grid">
          <div className={`field${error ? ' has-error' : ''}`}>
            <label className="field-label" htmlFor="api-key-name">
              {t('integrations.keyName')}
            </label>
            <input
              id="api-key-name"
              value={name}
              maxLength={100}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby="api-key-name-note"
              data-testid="api-key-name"
            />
            <span id="api-key-name-note" className={error ? 'field-error' : 'field-help'} role={error ? 'alert' : undefined}>
              {error ?? t('integrations.keyNameHint')}
            </span>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="api-key-role">
              {t('integrations.role')}
            </label>
            <select id="api-key-role" value={role} onChange={(event) => setRole(event.target.value as typeof role)} aria-describedby="api-key-role-note" data-testid="api-key-role">
              {roles.map((choice) => (
                <option key={choice} value={choice}>
                  {t(`integrations.roles.${choice}`)}
                </option>
              ))}
            </select>
            <span id="api-key-role-note" className="field-help">
              {t('integrations.roleHint')}
            </span>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="api-key-expiry">
              {t('integrations.expiresIn')}
            </label>
            <select id="api-key-expiry" value={days} onChange={(event) => setDays(Number(event.target.value))} data-testid="api-key-expiry">
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {t('integrations.days', { count: choice })}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
    </Dialog>
  );
}
