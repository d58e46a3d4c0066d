import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TSavedView } from '@crm/api/search-schemas.js';
import { Dialog } from '../../../components/dialog';
import { Menu, type MenuEntry } from '../../../components/menu';
import { useToast } from '../../../components/toast';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import type { ListViewSlotProps, ListViewState } from '../../../lib/list-view-state';
import { activeFields, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useDeleteView, useSaveView, useSetDefaultView, useViews } from '../api/search-views-api';
import '../search-views.css';
import { decodeUnsaved, encodeUnsaved, isModified, stateToBody, viewToState } from '../hooks/view-state';

const LAYOUT_PARAMS = new Set(['board', 'table']);
type Role = 'owner' | 'admin' | 'member';
const ROLES: readonly Role[] = ['owner', 'admin', 'member'];

/**
 * The saved-view bar above a module's list: which view is open (`?view=id`,
 * or the role's default), its layout (table, kanban, calendar, group by),
 * and "save / save as / reset" once the list differs from the saved view.
 * Unsaved changes are kept in the URL (`vs`) so a reload keeps them.
 */
export function ViewBar({ module, state, apply }: ListViewSlotProps) {
  const { t } = useTranslation();
  const label = useLabel();
  const toast = useToast();
  const session = useTenantSession();
  const { tenantId, bootstrap } = session;
  const isAdmin = bootstrap.canManageConfiguration;
  const [searchParams, setSearchParams] = useSearchParams();
  const views = useViews(tenantId);
  const save = useSaveView(tenantId);
  const remove = useDeleteView(tenantId);
  const setDefault = useSetDefaultView(tenantId);
  const moduleViews = (views.data?.views ?? []).filter((view) => view.module === module.slug);
  const param = searchParams.get('view');
  const viewId = param && !LAYOUT_PARAMS.has(param) ? param : null;
  const current = moduleViews.find((view) => view.id === viewId) ?? null;
  // Whether the role's default view was considered already (once per visit of the module).
  const defaultHandledRef = useRef(false);
  const [saveAsOpen, setSaveAsOpen] = useState(false);

  // No view in the URL: open the role's default view of this module, if there is one.
  const defaultId = views.data?.defaults[module.slug];
  useEffect(() => {
    if (param === null && defaultId && !defaultHandledRef.current) {
      defaultHandledRef.current = true;
      setSearchParams({ view: defaultId }, { replace: true });
    }
  }, [param, defaultId, setSearchParams]);

  // Opening a view applies it once (or the unsaved changes the URL carries).
  useEffect(() => {
    if (!current || state.viewId === current.id) return;
    apply(decodeUnsaved(searchParams.get('vs'), module, current.id) ?? viewToState(current, state));
    // Only opening another view applies; the list's own edits (same viewId) must not be overwritten.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.id, state.viewId]);

  // Decided at render time: the state on screen is the view's (or edits of it) only once the view was applied.
  const applied = current !== null && state.viewId === current.id;
  const modified = applied && isModified(state, current);
  const encoded = modified ? encodeUnsaved(state) : null;
  useEffect(() => {
    if (!applied) return;
    const existing = searchParams.get('vs');
    if (encoded === existing) return;
    const next = new URLSearchParams(searchParams);
    if (encoded === null) next.delete('vs');
    else next.set('vs', encoded);
    setSearchParams(next, { replace: true });
  }, [applied, encoded, searchParams, setSearchParams]);

  const open = (view: TSavedView | null) => {
    defaultHandledRef.current = true;
    if (!view) apply({ ...state, viewId: null });
    setSearchParams(view ? { view: view.id } : {});
  };

  const saveCurrent = async () => {
    if (!current) return;
    try {
      await save.mutateAsync({ viewId: current.id, view: stateToBody(state, current) });
      toast.show({ message: t('searchViews.views.saved', { name: current.name }) });
    } catch (error) {
      toast.show({ message: toUserError(error).message, tone: 'danger' });
    }
  };

  const entries: MenuEntry[] = [
    { label: t('searchViews.views.allRecords'), onSelect: () => open(null), testId: 'view-none' },
    ...moduleViews.map((view) => ({ label: view.name, onSelect: () => open(view), testId: `view-open-${view.id}` })),
  ];
  const selectFields = activeFields(module).filter((field) => field.type === 'select');
  const dateFields = activeFields(module).filter((field) => field.type === 'date' || field.type === 'datetime');
  const setLayout = (patch: Partial<ListViewState>) => apply({ ...state, ...patch });

  return (
    <div className="view-bar" data-testid="view-bar">
      <Menu label={current ? current.name : t('searchViews.views.allRecords')} entries={entries} testId="views-menu" />
      <label className="view-bar-field">
        <span className="sr-only">{t('searchViews.views.layout')}</span>
        <select
          value={state.type}
          aria-label={t('searchViews.views.layout')}
          data-testid="view-layout"
          onChange={(event) => {
            const type = event.target.value as ListViewState['type'];
            setLayout({
              type,
              kanbanField: type === 'kanban' ? (state.kanbanField ?? module.status_field ?? selectFields[0]?.key ?? null) : state.kanbanField,
              calendarField: type === 'calendar' ? (state.calendarField ?? dateFields[0]?.key ?? null) : state.calendarField,
            });
          }}
        >
          <option value="table">{t('searchViews.views.table')}</option>
          {selectFields.length > 0 ? <option value="kanban">{t('searchViews.views.kanban')}</option> : null}
          {dateFields.length > 0 ? <option value="calendar">{t('searchViews.views.calendar')}</option> : null}
        </select>
      </label>
      {state.type === 'kanban' ? (
        <FieldChoice label={t('searchViews.views.kanbanField')} value={state.kanbanField} fields={selectFields} testId="view-kanban-field" onChange={(kanbanField) => setLayout({ kanbanField })} />
      ) : null}
      {state.type === 'calendar' ? (
        <FieldChoice label={t('searchViews.views.calendarField')} value={state.calendarField} fields={dateFields} testId="view-calendar-field" onChange={(calendarField) => setLayout({ calendarField })} />
      ) : null}
      {state.type === 'table' && selectFields.length > 0 ? (
        <label className="view-bar-field">
          <span className="sr-only">{t('searchViews.views.groupBy')}</span>
          <select value={state.groupBy ?? ''} aria-label={t('searchViews.views.groupBy')} data-testid="view-group-by" onChange={(event) => setLayout({ groupBy: event.target.value === '' ? null : event.target.value })}>
            <option value="">{t('searchViews.views.noGrouping')}</option>
            {selectFields.map((field) => (
              <option key={field.key} value={field.key}>
                {t('searchViews.views.groupByField', { field: label(field.label, field.key) })}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {current?.dropped.length ? <span className="muted small">{t('searchViews.views.partial')}</span> : null}
      <div className="view-bar-actions">
        {modified ? (
          <>
            <span className="badge" data-testid="view-modified">{t('searchViews.views.modified')}</span>
            {current?.editable ? (
              <button type="button" className="btn btn-primary btn-sm" onClick={() => void saveCurrent()} disabled={save.isPending} data-testid="view-save">
                {t('searchViews.views.save')}
              </button>
            ) : null}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => current && apply(viewToState(current, state))} data-testid="view-reset">
              {t('searchViews.views.reset')}
            </button>
          </>
        ) : null}
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSaveAsOpen(true)} data-testid="view-save-as">
          {current ? t('searchViews.views.saveAs') : t('searchViews.views.saveView')}
        </button>
        {current?.editable ? (
          <Menu
            label={t('searchViews.views.more')}
            testId="view-more"
            entries={[
              ...(isAdmin && current.visibility !== 'personal'
                ? ROLES.filter((role) => current.visibility === 'tenant' || current.roles.includes(role)).map((role) => ({
                    label: current.defaultForRoles.includes(role) ? t('searchViews.views.undefaultFor', { role: t(`tenants.role.${role}`) }) : t('searchViews.views.defaultFor', { role: t(`tenants.role.${role}`) }),
                    onSelect: () =>
                      void setDefault
                        .mutateAsync({ viewId: current.id, roles: current.defaultForRoles.includes(role) ? current.defaultForRoles.filter((entry) => entry !== role) : [...current.defaultForRoles, role] })
                        .catch((error: unknown) => toast.show({ message: toUserError(error).message, tone: 'danger' })),
                  }))
                : []),
              {
                label: t('searchViews.views.delete'),
                danger: true,
                testId: 'view-delete',
                onSelect: () =>
                  void remove
                    .mutateAsync(current.id)
                    .then(() => open(null))
                    .catch((error: unknown) => toast.show({ message: toUserError(error).message, tone: 'danger' })),
              },
            ]}
          />
        ) : null}
      </div>
      <SaveAsDialog
        open={saveAsOpen}
        onClose={() => setSaveAsOpen(false)}
        isAdmin={isAdmin}
        busy={save.isPending}
        onSave={async ({ name, visibility, roles }) => {
          try {
            const { view } = await save.mutateAsync({ view: stateToBody(state, { module: module.slug, name, visibility, roles }) });
            setSaveAsOpen(false);
            apply({ ...state, viewId: view.id });
            setSearchParams({ view: view.id });
            toast.show({ message: t('searchViews.views.saved', { name }) });
          } catch (error) {
            toast.show({ message: toUserError(error).message, tone: 'danger' });
          }
        }}
      />
    </div>
  );
}

function SaveAsDialog({
  open,
  onClose,
  onSave,
  isAdmin,
  busy,
}: {
  open: boolean;
  onClose: () => void;
  onSave: (input: { name: string; visibility: 'personal' | 'tenant' | 'roles'; roles: Role[] }) => Promise<void>;
  isAdmin: boolean;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<'personal' | 'tenant' | 'roles'>('personal');
  const [roles, setRoles] = useState<Role[]>([]);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t('searchViews.views.saveAsTitle')}
      testId="view-save-dialog"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim() === '') return setError(t('searchViews.views.nameRequired'));
        setError(null);
        void onSave({ name: name.trim(), visibility, roles });
      }}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="view-save-submit">
            {t('app.save')}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field-label">{t('searchViews.views.name')}</span>
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={80} aria-invalid={error !== null || undefined} data-testid="view-name" autoFocus />
        {error ? <span className="error-text small">{error}</span> : null}
      </label>
      {isAdmin ? (
        <fieldset className="field">
          <legend className="field-label">{t('searchViews.views.visibility')}</legend>
          {(['personal', 'tenant', 'roles'] as const).map((option) => (
            <label key={option} className="check-row">
              <input type="radio" name="view-visibility" checked={visibility === option} onChange={() => setVisibility(option)} data-testid={`view-visibility-${option}`} />
              <span>{t(`searchViews.views.visibility_${option}`)}</span>
            </label>
          ))}
          {visibility === 'roles'
            ? ROLES.map((role) => (
                <label key={role} className="check-row">
                  <input type="checkbox" checked={roles.includes(role)} onChange={() => setRoles((current) => (current.includes(role) ? current.filter((entry) => entry !== role) : [...current, role]))} />
                  <span>{t(`tenants.role.${role}`)}</span>
                </label>
              ))
            : null}
        </fieldset>
      ) : null}
    </Dialog>
  );
}

/** The field a kanban or calendar view lays out by: one labelled select of the module's fields. */
function FieldChoice({ label: name, value, fields, testId, onChange }: {
  label: string;
  value: string | null | undefined;
  fields: ReadonlyArray<{ key: string; label: Parameters<ReturnType<typeof useLabel>>[0] }>;
  testId: string;
  onChange: (key: string) => void;
}) {
  const label = useLabel();
  return (
    <label className="view-bar-field">
      <span className="sr-only">{name}</span>
      <select value={value ?? ''} aria-label={name} data-testid={testId} onChange={(event) => onChange(event.target.value)}>
        {fields.map((field) => (
          <option key={field.key} value={field.key}>
            {label(field.label, field.key)}
          </option>
        ))}
      </select>
    </label>
  );
}
