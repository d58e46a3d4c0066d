import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton, Dialog } from '../../../components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { useToast } from '../../../components/toast';
import { toUserError } from '../../../lib/api/to-user-error';
import { formatDateTime } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { orderedModules, useTenantSession } from '../../../lib/tenant/tenant-session';
import {
  SubscriptionInputSchema,
  useDeleteSubscription,
  useDeliveries,
  useRedeliver,
  useRevealSecret,
  useSaveSubscription,
  useSubscriptions,
  type TDeliveryView,
  type TSubscriptionInput,
  type TSubscriptionView,
} from '../api/integrations-api';
import '../integrations.css';

const EVENTS = ['created', 'updated', 'deleted', 'restored'] as const;
const ROLES = ['admin', 'member', 'owner'] as const;

/**
 * /admin/webhooks — outbound webhook subscriptions: a URL receives signed
 * record events of chosen modules (optionally filtered by a condition), with
 * a delivery log per subscription and redelivery.
 */
export function WebhooksPage() {
  const { t } = useTranslation();
  const { tenantId, bootstrap } = useTenantSession();
  const admin = bootstrap.canManageConfiguration;
  const subscriptions = useSubscriptions(tenantId, admin);
  const [editing, setEditing] = useState<TSubscriptionView | 'new' | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  if (!admin) return <ErrorBanner message={t('integrations.adminOnly')} />;
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>{t('integrations.webhooksTitle')}</h1>
          <p className="muted">{t('integrations.webhooksSubtitle')}</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="subscription-new">
          {t('integrations.newSubscription')}
        </button>
      </div>
      {subscriptions.isPending ? <Spinner /> : null}
      {subscriptions.isError ? <ErrorBanner message={toUserError(subscriptions.error).message} onRetry={() => void subscriptions.refetch()} /> : null}
      {subscriptions.data?.length === 0 ? <EmptyState title={t('integrations.noSubscriptions')} hint={t('integrations.noSubscriptionsHint')} /> : null}
      <ul className="int-list" data-testid="subscriptions">
        {subscriptions.data?.map((subscription) => (
          <SubscriptionCard
            key={subscription.id}
            subscription={subscription}
            showingLog={logOf === subscription.id}
            onToggleLog={() => setLogOf(logOf === subscription.id ? null : subscription.id)}
            onEdit={() => setEditing(subscription)}
          />
        ))}
      </ul>
      {editing ? <SubscriptionDialog subscription={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function SubscriptionCard({
  subscription,
  showingLog,
  onToggleLog,
  onEdit,
}: {
  subscription: TSubscriptionView;
  showingLog: boolean;
  onToggleLog: () => void;
  onEdit: () => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const { tenantId, bootstrap } = useTenantSession();
  const save = useSaveSubscription(tenantId);
  const remove = useDeleteSubscription(tenantId);
  const reveal = useRevealSecret(tenantId);
  const toast = useToast();
  const modules = bootstrap.config?.modules ?? [];
  const moduleName = (slug: string) => {
    const module = modules.find((candidate) => candidate.slug === slug);
    return module ? label(module.label_plural ?? module.label, slug) : slug;
  };
  const fail = (error: unknown) => toast.show({ message: toUserError(error).message, tone: 'danger' });
  const { id, active, secretRef, condition } = subscription;
  const input: TSubscriptionInput = {
    url: subscription.url,
    description: subscription.description,
    modules: subscription.modules,
    events: subscription.events,
    role: subscription.role,
    ...(condition ? { condition } : {}),
  };
  return (
    <li className="card int-card" data-testid="subscription">
      <div className="int-card-head">
        <h2 className="int-card-title int-url">{subscription.url}</h2>
        <span className={`int-badge int-badge-${active ? 'active' : 'paused'}`}>{active ? t('integrations.status.active') : t('integrations.paused')}</span>
      </div>
      {subscription.description ? <p className="muted">{subscription.description}</p> : null}
      <dl className="int-facts">
        <dt>{t('integrations.modules')}</dt>
        <dd>{subscription.modules.map(moduleName).join(', ')}</dd>
        <dt>{t('integrations.events')}</dt>
        <dd>{subscription.events.map((event) => t(`integrations.event.${event}`)).join(', ')}</dd>
        <dt>{t('integrations.payloadRole')}</dt>
        <dd>{t(`integrations.roles.${subscription.role}`)}</dd>
        <dt>{t('integrations.condition')}</dt>
        <dd>{condition ? <code className="int-code">{JSON.stringify(condition)}</code> : t('integrations.always')}</dd>
        <dt>{t('integrations.signingSecret')}</dt>
        <dd>
          {reveal.data ? (
            <code className="int-code" data-testid="subscription-secret">
              {reveal.data}
            </code>
          ) : (
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => reveal.mutate(secretRef, { onError: fail })} disabled={reveal.isPending}>
              {t('integrations.reveal')}
            </button>
          )}
        </dd>
      </dl>
      <div className="form-actions int-actions">
        <button type="button" className="btn btn-ghost btn-sm" onClick={onToggleLog} aria-expanded={showingLog} data-testid="subscription-log">
          {t('integrations.deliveryLog')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onEdit}>
          {t('integrations.edit')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" disabled={save.isPending} onClick={() => save.mutate({ id, subscription: input, active: !active }, { onError: fail })}>
          {active ? t('integrations.pause') : t('integrations.resume')}
        </button>
        <ConfirmButton
          className="btn btn-danger-ghost btn-sm"
          disabled={remove.isPending}
          title={t('integrations.deleteSubscription')}
          description={t('integrations.deleteSubscriptionConfirm', { url: subscription.url })}
          confirmLabel={t('integrations.delete')}
          onConfirm={() => remove.mutate(id, { onError: fail })}
        >
          {t('integrations.delete')}
        </ConfirmButton>
      </div>
      {showingLog ? <DeliveryLog subscriptionId={id} /> : null}
    </li>
  );
}

function DeliveryLog({ subscriptionId }: { subscriptionId: string }) {
  const { t, i18n } = useTranslation();
  const { tenantId } = useTenantSession();
  const deliveries = useDeliveries(tenantId, subscriptionId);
  const redeliver = useRedeliver(tenantId);
  const toast = useToast();
  return (
    <section className="int-log" aria-label={t('integrations.deliveryLog')}>
      <div className="int-card-head">
        <h3 className="int-section-title">{t('integrations.deliveryLog')}</h3>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void deliveries.refetch()} disabled={deliveries.isFetching}>
          {t('integrations.refresh')}
        </button>
      </div>
      {deliveries.isPending ? <Spinner /> : null}
      {deliveries.isError ? <ErrorBanner message={toUserError(deliveries.error).message} /> : null}
      {deliveries.data?.length === 0 ? <p className="muted">{t('integrations.noDeliveries')}</p> : null}
      <ol className="int-deliveries" data-testid="deliveries">
        {deliveries.data?.map((delivery: TDeliveryView) => (
          <li key={delivery.id} className="int-delivery" data-testid="delivery">
            <span className={`int-badge int-badge-${delivery.status}`}>{t(`integrations.delivery.${delivery.status}`)}</span>
            <span>{t(`integrations.event.${delivery.event}`)}</span>
            <span className="muted">{formatDateTime(delivery.createdAt, i18n.language)}</span>
            <span className="muted">
              {t('integrations.attempts', { count: delivery.attempts })}
            </span>
            {delivery.httpStatus !== null ? <span className="muted">{t('integrations.httpStatus', { status: delivery.httpStatus })}</span> : null}
            {delivery.error ? <span className="field-error">{delivery.error}</span> : null}
            {delivery.status === 'failed' || delivery.status === 'success' || delivery.status === 'cancelled' ? (
              <button
                type="button"
                className="btn btn-ghost btn-sm"
                disabled={redeliver.isPending}
                onClick={() =>
                  redeliver.mutate(delivery.id, {
                    onSuccess: () => toast.show({ message: t('integrations.redelivering') }),
                    onError: (error) => toast.show({ message: toUserError(error).message, tone: 'danger' }),
                  })
                }
              >
                {t('integrations.redeliver')}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function SubscriptionDialog({ subscription, onClose }: { subscription: TSubscriptionView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const { tenantId, bootstrap } = useTenantSession();
  const save = useSaveSubscription(tenantId);
  const modules = orderedModules(bootstrap.config);
  const [url, setUrl] = useState(subscription?.url ?? 'https://');
  const [description, setDescription] = useState(subscription?.description ?? '');
  const [chosenModules, setChosenModules] = useState<string[]>(subscription?.modules ?? []);
  const [events, setEvents] = useState<string[]>(subscription?.events ?? ['created', 'updated', 'deleted']);
  const [role, setRole] = useState<(typeof ROLES)[number]>(subscription?.role ?? 'admin');
  const [condition, setCondition] = useState(subscription?.condition ? JSON.stringify(subscription.condition, null, 2) : '');
  const [errors, setErrors] = useState<string[]>([]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    let parsedCondition: unknown;
    if (condition.trim() !== '') {
      try {
        parsedCondition = JSON.parse(condition) as unknown;
      } catch {
        setErrors([t('integrations.conditionNotJson')]);
        return;
      }
    }
    const parsed = SubscriptionInputSchema.safeParse({
      url,
      description,
      modules: chosenModules,
      events,
      role,
      ...(parsedCondition === undefined ? {} : { condition: parsedCondition }),
    });
    if (!parsed.success) {
      setErrors(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
      return;
    }
    setErrors([]);
    save.mutate(
      { ...(subscription ? { id: subscription.id, active: subscription.active } : {}), subscription: parsed.data },
      {
        onSuccess: onClose,
        onError: (error) => {
          const userError = toUserError(error);
          setErrors([userError.message, ...userError.issues.map((issue) => `${issue.path}: ${issue.message}`)]);
        },
      },
    );
  };

  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((item) => item !== value) : [...list, value]);

  return (
    <Dialog
      open
      onClose={onClose}
      title={subscription ? t('integrations.editSubscription') : t('integrations.newSubscription')}
      onSubmit={submit}
      testId="subscription-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="subscription-save">
            {t('app.save')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <div className="field">
          <label className="field-label" htmlFor="subscription-url">
            {t('integrations.url')}
          </label>
          <input id="subscription-url" type="url" value={url} onChange={(event) => setUrl(event.target.value)} data-testid="subscription-url" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="subscription-description">
            {t('integrations.description')}
          </label>
          <input id="subscription-description" value={description} maxLength={200} onChange={(event) => setDescription(event.target.value)} />
        </div>
        <fieldset className="field int-fieldset">
          <legend className="field-label">{t('integrations.modules')}</legend>
          {modules.map((module) => (
            <label key={module.slug} className="int-check">
              <input type="checkbox" checked={chosenModules.includes(module.slug)} onChange={() => setChosenModules(toggle(chosenModules, module.slug))} />
              <span>{label(module.label_plural ?? module.label, module.slug)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="field int-fieldset">
          <legend className="field-label">{t('integrations.events')}</legend>
          {EVENTS.map((name) => (
            <label key={name} className="int-check">
              <input type="checkbox" checked={events.includes(name)} onChange={() => setEvents(toggle(events, name))} />
              <span>{t(`integrations.event.${name}`)}</span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label className="field-label" htmlFor="subscription-role">
            {t('integrations.payloadRole')}
          </label>
          <select id="subscription-role" value={role} onChange={(event) => setRole(event.target.value as typeof role)} aria-describedby="subscription-role-note">
            {ROLES.map((choice) => (
              <option key={choice} value={choice}>
                {t(`integrations.roles.${choice}`)}
              </option>
            ))}
          </select>
          <span id="subscription-role-note" className="field-help">
            {t('integrations.payloadRoleHint')}
          </span>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="subscription-condition">
            {t('integrations.condition')}
          </label>
          <textarea
            id="subscription-condition"
            rows={4}
            value={condition}
            onChange={(event) => setCondition(event.target.value)}
            aria-describedby="subscription-condition-note"
            spellCheck={false}
          />
          <span id="subscription-condition-note" className="field-help">
            {t('integrations.conditionHint')}
          </span>
        </div>
      </div>
      {errors.length > 0 ? <ErrorBanner message={errors[0] ?? ''} details={errors.slice(1)} /> : null}
    </Dialog>
  );
}
