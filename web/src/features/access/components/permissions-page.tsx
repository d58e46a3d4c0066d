import '../access.css';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { TAccessSettings } from '@crm/api/access-schemas.js';
import { ErrorBanner, FullPageSpinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { setPreviewRole, type PreviewRole } from '../../../lib/api/preview-role';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { tenantKey } from '../../../lib/tenant/bootstrap-query';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useAccessSettings, useSaveAccessSettings } from '../api/access-api';
import { ACTIONS, FIELD_LEVELS, ROLES, levelOf, toggleAction, withLevel, type Matrix, type FieldLevels } from './permission-model';

/**
 * The permission editor for owners and admins: per role, the actions on each
 * module (with the own-record variants) and each field's level (edit, read
 * only, hidden). Saved in one call that the server validates (it refuses a
 * matrix that shuts owners and admins out of a module); "Preview as" opens
 * the workspace as that role sees it, read-only.
 */
export function PermissionsPage() {
  const { t } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const settings = useAccessSettings(session.tenantId);
  const save = useSaveAccessSettings(session.tenantId);
  const [role, setRole] = useState<PreviewRole>('member');
  // Edits on top of what the server holds; null: nothing edited (the draft is the saved settings).
  const [edited, setDraft] = useState<Draft | null>(null);
  const [moduleChoice, setModule] = useState<string>('');
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const draft = edited ?? (settings.data ? fromSettings(settings.data) : null);
  const module = moduleChoice || settings.data?.modules[0]?.slug || '';

  const moduleSettings = useMemo(() => settings.data?.modules.find((candidate) => candidate.slug === module), [settings.data, module]);

  if (!session.bootstrap.canManageConfiguration) return <ErrorBanner message={t('admin.notAllowed')} />;
  if (settings.isError) return <ErrorBanner message={toUserError(settings.error).message} />;
  if (!settings.data || !draft) return <FullPageSpinner />;

  const dirty = JSON.stringify(fromSettings(settings.data)) !== JSON.stringify(draft);

  const submit = async () => {
    setFailure(null);
    setSaved(false);
    try {
      await save.mutateAsync({ matrix: draft.matrix, fieldPermissions: draft.levels, expectedRevision: draft.revision });
      // The query now holds what was saved.
      setDraft(null);
      setSaved(true);
    } catch (error) {
      setFailure(toUserError(error).message);
    }
  };

  const preview = () => {
    setPreviewRole(role);
    // Everything cached was fetched as the admin: drop it so the workspace loads as the role.
    client.removeQueries({ queryKey: tenantKey(session.tenantId) });
    void navigate(paths.tenant(session.tenantId));
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('access.permissions.title')}</h1>
          <p className="muted">{t('access.permissions.subtitle')}</p>
        </div>
      </div>
      <div className="card access-toolbar">
        <div className="field">
          <label className="field-label" htmlFor="access-role">
            {t('access.permissions.role')}
          </label>
          <select id="access-role" value={role} onChange={(event) => setRole(event.target.value as PreviewRole)} data-testid="access-role">
            {ROLES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {t(`access.roles.${candidate}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="btn" onClick={preview} disabled={dirty} data-testid="access-preview">
          {t('access.permissions.previewAs', { role: t(`access.roles.${role}`) })}
        </button>
        {dirty ? <span className="field-help">{t('access.permissions.saveBeforePreview')}</span> : null}
      </div>

      <section className="card" aria-labelledby="access-matrix-title">
        <h2 id="access-matrix-title">{t('access.permissions.actionsTitle', { role: t(`access.roles.${role}`) })}</h2>
        <div className="table-scroll">
          <table className="access-table" data-testid="access-matrix">
            <thead>
              <tr>
                <th scope="col">{t('access.permissions.module')}</th>
                {ACTIONS.map((action) => (
                  <th key={action} scope="col">
                    {t(`access.actions.${action === '*' ? 'all' : action}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {settings.data.modules.map((candidate) => (
                <tr key={candidate.slug}>
                  <th scope="row">{label(candidate.label, candidate.slug)}</th>
                  {ACTIONS.map((action) => {
                    const checked = draft.matrix[role]?.[candidate.slug]?.includes(action) ?? false;
                    return (
                      <td key={action}>
                        <input
                          type="checkbox"
                          checked={checked}
                          aria-label={t('access.permissions.grant', { role: t(`access.roles.${role}`), action: t(`access.actions.${action === '*' ? 'all' : action}`), module: label(candidate.label, candidate.slug) })}
                          onChange={() => setDraft({ ...draft, matrix: toggleAction(draft.matrix, role, candidate.slug, action) })}
                          data-testid={`grant-${candidate.slug}-${action === '*' ? 'all' : action}`}
                        />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="access-fields-title">
        <h2 id="access-fields-title">{t('access.permissions.fieldsTitle', { role: t(`access.roles.${role}`) })}</h2>
        {role === 'owner' ? (
          <p className="muted">{t('access.permissions.ownerSeesAll')}</p>
        ) : (
          <>
            <div className="field">
              <label className="field-label" htmlFor="access-module">
                {t('access.permissions.module')}
              </label>
              <select id="access-module" value={module} onChange={(event) => setModule(event.target.value)} data-testid="access-module">
                {settings.data.modules.map((candidate) => (
                  <option key={candidate.slug} value={candidate.slug}>
                    {label(candidate.label, candidate.slug)}
                  </option>
                ))}
              </select>
            </div>
            <ul className="access-fields" data-testid="access-fields">
              {(moduleSettings?.fields ?? []).filter((field) => field.active).map((field) => {
                const id = `level-${module}-${field.key}`;
                return (
                  <li key={field.key} className="access-field-row">
                    <label htmlFor={id}>{label(field.label, field.key)}</label>
                    <select
                      id={id}
                      value={levelOf(draft.levels, role, module, field.key)}
                      onChange={(event) => setDraft({ ...draft, levels: withLevel(draft.levels, role, module, field.key, event.target.value as (typeof FIELD_LEVELS)[number]) })}
                      data-testid={`field-level-${field.key}`}
                    >
                      {FIELD_LEVELS.map((level) => (
                        <option key={level} value={level}>
                          {t(`access.levels.${level}`)}
                        </option>
                      ))}
                    </select>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </section>

      {failure ? <ErrorBanner message={failure} /> : null}
      {saved ? (
        <p className="success-note" role="status" data-testid="access-saved">
          {t('access.permissions.saved')}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => setDraft(null)} disabled={!dirty || save.isPending}>
          {t('access.permissions.discard')}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={!dirty || save.isPending} data-testid="access-save">
          {save.isPending ? t('records.saving') : t('app.save')}
        </button>
      </div>
    </div>
  );
}

interface Draft {
  readonly matrix: Matrix;
  readonly levels: FieldLevels;
  readonly revision: number;
}

function fromSettings(settings: TAccessSettings): Draft {
  return { matrix: settings.matrix as Matrix, levels: settings.fieldPermissions as FieldLevels, revision: settings.revision };
}
