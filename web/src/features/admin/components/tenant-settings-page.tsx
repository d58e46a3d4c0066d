import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { LANGUAGES, type LanguageCode } from '../../../lib/i18n/init-i18n';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import { useConfigMutation } from '../api/config-api';
import { isKnownTimeZone, knownTimeZones } from '../forms/time-zones';
import { sayServerIssue } from './field-form-model';

/**
 * Tenant-wide settings for owners and admins: the time zone ("today" in
 * dashboards, when date reminders fire) and the language people start in
 * until they pick their own. Saved through `crmUpdateTenantSettings`.
 */
export function TenantSettingsPage() {
  const { t, i18n } = useTranslation();
  const session = useTenantSession();
  const save = useConfigMutation(session.tenantId, 'crmUpdateTenantSettings');
  const [timezone, setTimezone] = useState(session.config?.timezone ?? 'UTC');
  const [language, setLanguage] = useState<LanguageCode>(session.config?.defaultLanguage ?? (i18n.language === 'es' ? 'es' : 'en'));
  const [zoneError, setZoneError] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => knownTimeZones(), []);

  if (!session.bootstrap.canManageConfiguration) return <ErrorBanner message={t('admin.notAllowed')} />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    setFailure(null);
    const zone = timezone.trim();
    if (!isKnownTimeZone(zone)) {
      setZoneError(zone === '' ? t('validation.required', { field: t('settings.timeZone') }) : t('validation.timeZone', { value: zone }));
      return;
    }
    setZoneError(null);
    try {
      await save.mutateAsync({ timezone: zone, defaultLanguage: language });
      setSaved(true);
    } catch (error) {
      const userError = toUserError(error);
      const onZone = userError.issues.find((issue) => issue.path === 'timezone');
      if (onZone) setZoneError(sayServerIssue(t, onZone, 'settings.timeZone'));
      else setFailure(userError.message);
    }
  };

  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>{t('settings.title')}</h1>
          <p className="muted">{t('settings.subtitle', { tenant: session.bootstrap.tenant.name })}</p>
        </div>
      </div>
      <form className="card" onSubmit={(event) => void submit(event)} noValidate data-testid="settings-form">
        <div className="form-grid">
          <div className={`field${zoneError ? ' has-error' : ''}`}>
            <label className="field-label" htmlFor="settings-timezone">
              {t('settings.timeZone')}
            </label>
            <input
              id="settings-timezone"
              list="settings-timezones"
              value={timezone}
              onChange={(event) => setTimezone(event.target.value)}
              aria-invalid={zoneError ? true : undefined}
              aria-describedby="settings-timezone-note"
              data-testid="settings-timezone"
            />
            <datalist id="settings-timezones">
              {zones.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            <span id="settings-timezone-note" className={zoneError ? 'field-error' : 'field-help'} role={zoneError ? 'alert' : undefined} data-testid="settings-timezone-note">
              {zoneError ?? t('settings.timeZoneHint')}
            </span>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="settings-language">
              {t('settings.defaultLanguage')}
            </label>
            <select id="settings-language" value={language} onChange={(event) => setLanguage(event.target.value as LanguageCode)} aria-describedby="settings-language-note" data-testid="settings-language">
              {LANGUAGES.map((option) => (
                <option key={option.code} value={option.code}>
                  {option.name}
                </option>
              ))}
            </select>
            <span id="settings-language-note" className="field-help">
              {t('settings.defaultLanguageHint')}
            </span>
          </div>
        </div>
        {failure ? <ErrorBanner message={failure} /> : null}
        {saved ? (
          <p className="success-note" role="status" data-testid="settings-saved">
            {t('settings.saved')}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="settings-save">
            {save.isPending ? t('records.saving') : t('app.save')}
          </button>
        </div>
      </form>
    </div>
  );
}
