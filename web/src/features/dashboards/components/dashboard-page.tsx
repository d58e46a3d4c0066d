import { useMemo, useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Layout } from 'react-grid-layout';
import type { Widget, WidgetType } from '@crm/engine/template/dashboard-schema.js';
import { WIDGET_TYPES } from '@crm/engine/template/dashboard-schema.js';
import type { LocalizedText } from '@crm/engine/template/localized-text.js';
import { AlertDialog } from '../../../components/dialog';
import { ModuleIcon, PlusIcon } from '../../../components/module-icon';
import { EmptyState, ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { formatDateTime } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { orderedModules, permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useDashboardData, useDashboardList, useDeleteDashboard, useSaveDashboard, type DashboardView, type WidgetData } from '../api/dashboards-api';
import { applyLayout, draftFromWidget, newDraft, type WidgetDraft } from '../forms/widget-form-model';
import { DashboardGrid } from './dashboard-grid';
import { WidgetEditor } from './widget-editor';
import '../dashboards.css';

type Role = 'owner' | 'admin' | 'member';

/** What the editor changes before saving: the dashboard's settings and its widgets. */
interface EditState {
  readonly dashboardId: string | null;
  readonly nameEn: string;
  readonly nameEs: string;
  readonly role: Role | null;
  readonly isDefault: boolean;
  readonly widgets: Widget[];
  /** Widgets added or reconfigured since the last save: their old figures no longer apply. */
  readonly changed: ReadonlySet<string>;
}

function nameParts(name: LocalizedText): { nameEn: string; nameEs: string } {
  return typeof name === 'string' ? { nameEn: name, nameEs: '' } : { nameEn: name.en ?? '', nameEs: name.es ?? '' };
}

/** /t/:tenantId/dashboard[/:dashboardId] — the landing page: the caller's dashboard, and for managers its editor. */
export function DashboardPage() {
  const { dashboardId: routeId } = useParams();
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const navigate = useNavigate();
  const session = useTenantSession();
  const { tenantId, bootstrap } = session;
  const canEdit = bootstrap.canManageConfiguration;
  const list = useDashboardList(tenantId);
  const dashboards = useMemo(() => list.data?.dashboards ?? [], [list.data]);
  const selectedId = routeId ?? list.data?.defaultDashboardId ?? null;
  const selected = dashboards.find((dashboard) => dashboard.id === selectedId) ?? null;
  const language = i18n.language.startsWith('es') ? 'es' : 'en';
  const figures = useDashboardData(tenantId, selected?.id ?? null, language);
  const save = useSaveDashboard(tenantId);
  const remove = useDeleteDashboard(tenantId);
  const [edit, setEdit] = useState<EditState | null>(null);
  const [widgetDraft, setWidgetDraft] = useState<{ draft: WidgetDraft; isNew: boolean } | null>(null);
  const [addType, setAddType] = useState<WidgetType>('metric_card');
  const [confirmDelete, setConfirmDelete] = useState(false);

  const dataById = useMemo(() => {
    const map = new Map<string, WidgetData>();
    if (figures.data && figures.data.dashboard.id === selected?.id) {
      for (const widget of figures.data.widgets) if (!edit?.changed.has(widget.id)) map.set(widget.id, widget);
    }
    return map;
  }, [figures.data, selected?.id, edit?.changed]);

  if (list.isPending) return <Spinner />;
  if (list.isError) return <ErrorBanner message={toUserError(list.error).message} onRetry={() => void list.refetch()} />;
  if (routeId && !selected && !edit) return <Navigate to={paths.dashboard(tenantId)} replace />;

  const startEditing = (dashboard: DashboardView | null) => {
    save.reset();
    setEdit({
      dashboardId: dashboard?.id ?? null,
      ...(dashboard ? nameParts(dashboard.name) : { nameEn: t('dashboards.newDashboard'), nameEs: '' }),
      role: dashboard?.role_restriction ?? null,
      isDefault: dashboard?.is_default ?? false,
      widgets: dashboard ? [...dashboard.widgets] : [],
      changed: new Set(),
    });
  };
  const patch = (changes: Partial<EditState>) => setEdit((current) => (current ? { ...current, ...changes } : current));
  const onLayoutChange = (layout: Layout) =>
    setEdit((current) => {
      if (!current) return current;
      const widgets = applyLayout(current.widgets, layout);
      return widgets === current.widgets ? current : { ...current, widgets };
    });
  const applyWidget = (widget: Widget) => {
    setEdit((current) => {
      if (!current) return current;
      const exists = current.widgets.some((candidate) => candidate.id === widget.id);
      return {
        ...current,
        widgets: exists ? current.widgets.map((candidate) => (candidate.id === widget.id ? widget : candidate)) : [...current.widgets, widget],
        changed: new Set([...current.changed, widget.id]),
      };
    });
    setWidgetDraft(null);
  };
  const submit = () => {
    if (!edit) return;
    const name: LocalizedText = edit.nameEs.trim() ? { en: edit.nameEn.trim() || edit.nameEs.trim(), es: edit.nameEs.trim() } : edit.nameEn.trim() || t('dashboards.title');
    save.mutate(
      {
        ...(edit.dashboardId ? { dashboardId: edit.dashboardId } : {}),
        dashboard: { name, role_restriction: edit.role, is_default: edit.isDefault, widgets: edit.widgets },
      },
      {
        onSuccess: (response) => {
          setEdit(null);
          void navigate(paths.dashboard(tenantId, response.dashboard.id), { replace: true });
        },
      },
    );
  };
  const deleteDashboard = () => {
    setConfirmDelete(false);
    if (!selected) return;
    remove.mutate(selected.id, { onSuccess: () => void navigate(paths.dashboard(tenantId), { replace: true }) });
  };
  const readableModules = orderedModules(session.config).filter((module) => permissionsFor(session, module.slug).read !== 'none');

  if (!selected && !edit) {
    return (
      <div className="page">
        <EmptyState
          title={t('dashboards.none')}
          hint={canEdit ? t('dashboards.noneHint') : t('dashboards.noneMember')}
          action={
            canEdit ? (
              <button type="button" className="btn btn-primary" onClick={() => startEditing(null)} data-testid="new-dashboard">
                <PlusIcon /> {t('dashboards.newDashboard')}
              </button>
            ) : undefined
          }
        />
      </div>
    );
  }

  const widgets = edit ? edit.widgets : (selected?.widgets ?? []);
  const saveError = save.isError ? toUserError(save.error) : null;
  const title = edit ? edit.nameEn || t('dashboards.newDashboard') : selected ? label(selected.name, selected.key) : '';

  return (
    <div className="page dash-page">
      <AlertDialog
        open={confirmDelete && selected !== undefined}
        title={t('dashboards.deleteDashboard')}
        description={selected ? t('dashboards.deleteConfirm', { name: label(selected.name, selected.key) }) : ''}
        confirmLabel={t('dashboards.deleteDashboard')}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={deleteDashboard}
      />
      <div className="page-header">
        <div className="page-title">
          <span className="page-icon">
            <ModuleIcon name="chart" label="" size={20} />
          </span>
          <div>
            <h1 data-testid="dashboard-title">{title}</h1>
            <p className="muted small">
              {figures.data && !edit ? t('dashboards.updated', { time: formatDateTime(figures.data.generatedAt, i18n.language) }) : null}
              {selected?.role_restriction && !edit ? ` · ${t('dashboards.forRole', { role: t(`dashboards.audienceRole.${selected.role_restriction}`) })}` : null}
            </p>
          </div>
        </div>
        {!edit ? (
          <div className="page-actions">
            {dashboards.length > 1 ? (
              <select
                className="dash-select"
                value={selected?.id ?? ''}
                onChange={(event) => void navigate(paths.dashboard(tenantId, event.target.value))}
                aria-label={t('dashboards.choose')}
                data-testid="dashboard-select"
              >
                {dashboards.map((dashboard) => (
                  <option key={dashboard.id} value={dashboard.id}>
                    {label(dashboard.name, dashboard.key)}
                    {dashboard.role_restriction ? ` (${t(`dashboards.audienceRole.${dashboard.role_restriction}`)})` : ''}
                  </option>
                ))}
              </select>
            ) : null}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void figures.refetch()} disabled={figures.isFetching} data-testid="refresh-dashboard">
              {t('dashboards.refresh')}
            </button>
            {canEdit ? (
              <>
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => startEditing(null)} data-testid="new-dashboard">
                  <PlusIcon /> {t('dashboards.newDashboard')}
                </button>
                <button type="button" className="btn btn-primary btn-sm" onClick={() => startEditing(selected)} data-testid="edit-dashboard">
                  {t('dashboards.edit')}
                </button>
              </>
            ) : null}
          </div>
        ) : null}
      </div>

      {edit ? (
        <div className="card dash-edit-bar" data-testid="dashboard-editor">
          <div className="dash-form-grid dash-settings">
            <label className="field">
              <span className="field-label">{t('dashboards.name')}</span>
              <input value={edit.nameEn} onChange={(event) => patch({ nameEn: event.target.value })} data-testid="dashboard-name" />
            </label>
            <label className="field">
              <span className="field-label">{t('dashboards.nameEs')}</span>
              <input value={edit.nameEs} onChange={(event) => patch({ nameEs: event.target.value })} />
            </label>
            <label className="field">
              <span className="field-label">{t('dashboards.audience')}</span>
              <select value={edit.role ?? ''} onChange={(event) => patch({ role: (event.target.value || null) as Role | null })} data-testid="dashboard-audience">
                <option value="">{t('dashboards.audienceAll')}</option>
                {(['owner', 'admin', 'member'] as const).map((role) => (
                  <option key={role} value={role}>
                    {t(`dashboards.audienceRole.${role}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="check-row dash-default-check">
              <input type="checkbox" checked={edit.isDefault} onChange={(event) => patch({ isDefault: event.target.checked })} data-testid="dashboard-default" />
              {t('dashboards.isDefault')}
            </label>
          </div>
          <div className="dash-edit-actions">
            <div className="dash-add">
              <select value={addType} onChange={(event) => setAddType(event.target.value as WidgetType)} aria-label={t('dashboards.widgetType')} data-testid="add-widget-type">
                {WIDGET_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`dashboards.type.${type}`)}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn btn-ghost btn-sm"
                onClick={() => setWidgetDraft({ draft: newDraft(addType, edit.widgets, readableModules[0]), isNew: true })}
                data-testid="add-widget"
                disabled={readableModules.length === 0}
              >
                <PlusIcon /> {t('dashboards.addWidget')}
              </button>
            </div>
            <span className="muted small dash-hint">{t('dashboards.editHint')}</span>
            {edit.dashboardId ? (
              <button type="button" className="btn btn-danger-ghost btn-sm" onClick={() => setConfirmDelete(true)} disabled={remove.isPending} data-testid="delete-dashboard">
                {t('dashboards.deleteDashboard')}
              </button>
            ) : null}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEdit(null)} data-testid="cancel-dashboard">
              {t('app.cancel')}
            </button>
            <button type="button" className="btn btn-primary btn-sm" onClick={submit} disabled={save.isPending} data-testid="save-dashboard">
              {save.isPending ? t('dashboards.saving') : t('app.save')}
            </button>
          </div>
          {saveError ? <ErrorBanner message={saveError.message} details={saveError.issues.map((issue) => `${issue.path}: ${issue.message}`)} /> : null}
        </div>
      ) : null}

      {figures.isError && !edit ? <ErrorBanner message={toUserError(figures.error).message} onRetry={() => void figures.refetch()} /> : null}
      {widgets.length === 0 ? (
        <p className="dash-empty-grid muted">{t('dashboards.emptyGrid')}</p>
      ) : figures.isPending && !edit ? (
        <Spinner />
      ) : (
        <DashboardGrid
          widgets={widgets}
          data={dataById}
          editing={edit !== null}
          onLayoutChange={onLayoutChange}
          onConfigure={(widgetId) => {
            const widget = edit?.widgets.find((candidate) => candidate.id === widgetId);
            if (widget) setWidgetDraft({ draft: draftFromWidget(widget), isNew: false });
          }}
          onRemove={(widgetId) => patch({ widgets: edit?.widgets.filter((widget) => widget.id !== widgetId) ?? [] })}
        />
      )}
      {widgetDraft ? <WidgetEditor initial={widgetDraft.draft} isNew={widgetDraft.isNew} onApply={applyWidget} onCancel={() => setWidgetDraft(null)} /> : null}
    </div>
  );
}
