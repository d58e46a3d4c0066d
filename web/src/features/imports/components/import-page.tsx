import { useMemo, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorBanner, Spinner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { findModule, permissionsFor, useTenantSession } from '../../../lib/tenant/tenant-session';
import { MATCH_BY_NUMBER, usePreviewImport, useStartImport, useUploadFile, type ImportOptions, type PreviewResponse } from '../api/imports-api';
import { ImportRun } from './import-run';
import type { JobsKit } from './jobs-kit';
import './imports.css';

type Step = 'upload' | 'map' | 'run';

interface Uploaded {
  readonly uploadId: string;
  readonly fileName: string;
  readonly preview: PreviewResponse;
}

/**
 * The import wizard: upload → map columns and choose options (every mapped
 * cell of the first rows checked by the server, as the job will check it) →
 * the job's progress and result. The job runs on the server: closing the tab
 * loses nothing, and coming back to the run's URL shows it again.
 */
export function ImportPage({ jobs }: { jobs: JobsKit }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const { tenantId } = session;
  const params = useParams();
  const module = findModule(session, params.module);
  const language: 'en' | 'es' = i18n.language.startsWith('es') ? 'es' : 'en';
  const navigate = useNavigate();
  const [editing, setEditing] = useState<Exclude<Step, 'run'>>('upload');
  const [uploaded, setUploaded] = useState<Uploaded | null>(null);
  const [options, setOptions] = useState<ImportOptions | null>(null);
  // A started import lives at its own URL: a reload, a closed tab or a shared link shows the same job.
  const jobId = params.jobId ?? null;
  const step: Step = jobId ? 'run' : editing;
  const upload = useUploadFile(tenantId, module?.slug ?? '', language);
  const preview = usePreviewImport(tenantId, language);
  const start = useStartImport(tenantId, language);

  if (!module) return <ErrorBanner message={t('imports.noModule')} />;
  const scopes = permissionsFor(session, module.slug);
  if (scopes.create === 'none') return <ErrorBanner message={t('imports.noRight')} />;
  const moduleName = label(module.label_plural ?? module.label, module.slug);

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    upload.mutate(file, {
      onSuccess: (result) => {
        setUploaded(result);
        const saved = result.preview.saved;
        const mapping = saved?.mapping && saved.mapping.length > 0 ? saved.mapping : result.preview.suggested;
        setOptions({
          mapping: mapping.filter((entry) => entry.field !== MATCH_BY_NUMBER || (saved?.mode ?? 'create') !== 'create'),
          mode: saved?.mode ?? 'create',
          matchKey: saved?.matchKey ?? null,
          relationResolution: saved?.relationResolution ?? 'display',
          runWorkflows: saved?.runWorkflows ?? true,
          ownerId: null,
        });
        setEditing('map');
      },
    });
  };

  return (
    <div className="page import-page" data-testid="import-page">
      <div className="page-header">
        <div>
          <p className="muted small">
            <Link to={paths.module(tenantId, module.slug)}>{moduleName}</Link>
          </p>
          <h1>{t('imports.title', { module: moduleName })}</h1>
        </div>
      </div>
      <ol className="import-steps" aria-label={t('imports.stepsLabel')}>
        {(['upload', 'map', 'run'] as const).map((name, index) => (
          <li key={name} aria-current={step === name ? 'step' : undefined} className={step === name ? 'active' : ''}>
            {index + 1}. {t(`imports.steps.${name}`)}
          </li>
        ))}
      </ol>

      {step === 'upload' ? (
        <section className="card" aria-labelledby="import-upload-title">
          <h2 id="import-upload-title" className="card-title">{t('imports.upload.title')}</h2>
          <p className="muted">{t('imports.upload.hint')}</p>
          <label className="btn btn-primary import-file">
            {t('imports.upload.choose')}
            <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={onFile} data-testid="import-file" disabled={upload.isPending} />
          </label>
          {upload.isPending ? <Spinner label={t('imports.upload.uploading')} /> : null}
          {upload.isError ? <ErrorBanner message={toUserError(upload.error).message} /> : null}
        </section>
      ) : null}

      {step === 'map' && uploaded && options ? (
        <MappingStep
          uploaded={uploaded}
          options={options}
          onChange={setOptions}
          canUpdate={scopes.update !== 'none'}
          preview={preview.data ?? null}
          previewError={preview.isError ? toUserError(preview.error).message : null}
          checking={preview.isPending}
          onCheck={() => preview.mutate({ uploadId: uploaded.uploadId, options })}
          starting={start.isPending}
          startError={start.isError ? toUserError(start.error).message : null}
          onStart={() =>
            start.mutate(
              { uploadId: uploaded.uploadId, options },
              {
                onSuccess: (result) => navigate(paths.importRun(tenantId, module.slug, result.jobId)),
              },
            )
          }
          onBack={() => setEditing('upload')}
        />
      ) : null}

      {step === 'run' && jobId ? <ImportRun jobId={jobId} module={module.slug} jobs={jobs} /> : null}
    </div>
  );
}

function MappingStep({
  uploaded,
  options,
  onChange,
  canUpdate,
  preview,
  previewError,
  checking,
  onCheck,
  starting,
  startError,
  onStart,
  onBack,
}: {
  uploaded: Uploaded;
  options: ImportOptions;
  onChange: (options: ImportOptions) => void;
  canUpdate: boolean;
  preview: PreviewResponse | null;
  previewError: string | null;
  checking: boolean;
  onCheck: () => void;
  starting: boolean;
  startError: string | null;
  onStart: () => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const { header, rows, fields, matchKeys } = uploaded.preview;
  const fieldLabel = (key: string) => (key === MATCH_BY_NUMBER ? t('imports.map.recordNumber') : (fields.find((field) => field.key === key)?.label ?? key));
  const fieldOf = (column: number) => options.mapping.find((entry) => entry.column === column)?.field ?? '';
  const setColumn = (column: number, field: string) => {
    const rest = options.mapping.filter((entry) => entry.column !== column && entry.field !== field);
    onChange({ ...options, mapping: field === '' ? rest : [...rest, { column, field }].sort((a, b) => a.column - b.column) });
  };
  const missingRequired = fields.filter((field) => field.required && !options.mapping.some((entry) => entry.field === field.key));
  const errorsByCell = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const error of preview?.errors ?? []) {
      const key = `${error.row}:${error.column ?? 'row'}`;
      map.set(key, [...(map.get(key) ?? []), error.message]);
    }
    return map;
  }, [preview]);
  const matchNeeded = options.mode !== 'create';
  const matchMapped = !matchNeeded || (options.matchKey !== null && options.mapping.some((entry) => entry.field === options.matchKey));
  // The preview shown is for the options checked; changing a choice asks for a new check.
  const [checkedFor, setCheckedFor] = useState<ImportOptions | null>(null);
  const checked = checkedFor === options;
  const previewRows = preview?.rows ?? rows;

  return (
    <>
      <section className="card" aria-labelledby="import-map-title">
        <h2 id="import-map-title" className="card-title">{t('imports.map.title', { file: uploaded.fileName })}</h2>
        <p className="muted small">{t('imports.map.hint')}</p>
        <div className="import-mapping" role="table" aria-label={t('imports.map.tableLabel')}>
          {header.map((name, column) => (
            <div className="import-mapping-row" role="row" key={column}>
              <span role="cell" className="import-column-name">{name || t('imports.map.unnamed', { number: column + 1 })}</span>
              <span role="cell" className="muted small import-sample">{rows[0]?.[column] ?? ''}</span>
              <span role="cell">
                <select
                  aria-label={t('imports.map.fieldFor', { column: name || column + 1 })}
                  value={fieldOf(column)}
                  onChange={(event) => setColumn(column, event.target.value)}
                  data-testid={`map-${column}`}
                >
                  <option value="">{t('imports.map.skip')}</option>
                  {canUpdate ? <option value={MATCH_BY_NUMBER}>{t('imports.map.recordNumber')}</option> : null}
                  {fields.map((field) => (
                    <option key={field.key} value={field.key}>
                      {field.label}
                      {field.required ? ' *' : ''}
                    </option>
                  ))}
                </select>
              </span>
            </div>
          ))}
        </div>
        {missingRequired.length > 0 ? (
          <p className="small warning-text" data-testid="missing-required">
            {t('imports.map.missingRequired', { fields: missingRequired.map((field) => field.label).join(', ') })}
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="import-options-title">
        <h2 id="import-options-title" className="card-title">{t('imports.options.title')}</h2>
        <fieldset className="import-fieldset">
          <legend>{t('imports.options.mode')}</legend>
          {(['create', 'update', 'upsert'] as const).map((mode) => (
            <label key={mode} className="radio">
              <input type="radio" name="import-mode" value={mode} checked={options.mode === mode} disabled={mode !== 'create' && !canUpdate} onChange={() => onChange({ ...options, mode })} data-testid={`mode-${mode}`} />
              {t(`imports.options.modes.${mode}`)}
            </label>
          ))}
        </fieldset>
        {matchNeeded ? (
          <label className="field">
            <span>{t('imports.options.matchKey')}</span>
            <select value={options.matchKey ?? ''} onChange={(event) => onChange({ ...options, matchKey: event.target.value || null })} data-testid="match-key">
              <option value="">{t('imports.options.chooseMatchKey')}</option>
              {matchKeys.map((key) => (
                <option key={key} value={key}>
                  {fieldLabel(key)}
                </option>
              ))}
            </select>
            {!matchMapped ? <span className="small warning-text">{t('imports.options.matchKeyUnmapped')}</span> : null}
          </label>
        ) : null}
        <fieldset className="import-fieldset">
          <legend>{t('imports.options.relations')}</legend>
          {(['display', 'number'] as const).map((resolution) => (
            <label key={resolution} className="radio">
              <input type="radio" name="import-relations" value={resolution} checked={options.relationResolution === resolution} onChange={() => onChange({ ...options, relationResolution: resolution })} />
              {t(`imports.options.relationBy.${resolution}`)}
            </label>
          ))}
        </fieldset>
        <label className="checkbox">
          <input type="checkbox" checked={options.runWorkflows} onChange={(event) => onChange({ ...options, runWorkflows: event.target.checked })} data-testid="run-workflows" />
          {t('imports.options.runWorkflows')}
        </label>
        <p className="muted small">{t('imports.options.owner')}</p>
      </section>

      <section className="card" aria-labelledby="import-preview-title">
        <h2 id="import-preview-title" className="card-title">{t('imports.preview.title')}</h2>
        <p className="muted small">{t('imports.preview.hint')}</p>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => {
              setCheckedFor(options);
              onCheck();
            }} disabled={checking || options.mapping.length === 0} data-testid="check-preview">
            {t('imports.preview.check')}
          </button>
        </div>
        {checking ? <Spinner /> : null}
        {previewError ? <ErrorBanner message={previewError} /> : null}
        {preview && checked ? (
          <p className="small" data-testid="preview-summary">
            {preview.errors.length === 0 ? t('imports.preview.allValid', { count: preview.rows.length }) : t('imports.preview.errors', { count: preview.errors.length })}
          </p>
        ) : null}
        {/* Focusable so the preview can be scrolled by keyboard on a narrow screen. */}
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t('imports.preview.title')}>
          <table className="import-preview-table" data-testid="preview-table">
            <thead>
              <tr>
                <th scope="col">{t('imports.preview.row')}</th>
                {header.map((name, column) => (
                  <th scope="col" key={column}>
                    {name}
                    {fieldOf(column) ? <span className="muted small"> → {fieldLabel(fieldOf(column))}</span> : null}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {previewRows.map((cells, index) => {
                const row = index + 2;
                const rowErrors = errorsByCell.get(`${row}:row`) ?? [];
                return (
                  <tr key={row}>
                    <th scope="row">{row}</th>
                    {header.map((_, column) => {
                      const errors = errorsByCell.get(`${row}:${column}`) ?? [];
                      return (
                        <td key={column} className={errors.length > 0 ? 'cell-error' : undefined} data-testid={errors.length > 0 ? 'cell-error' : undefined}>
                          {cells[column] ?? ''}
                          {errors.length > 0 ? <span className="cell-error-text">{errors.join(' · ')}</span> : null}
                        </td>
                      );
                    })}
                    {rowErrors.length > 0 ? <td className="cell-error">{rowErrors.join(' · ')}</td> : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      {startError ? <ErrorBanner message={startError} /> : null}
      <div className="page-actions import-actions">
        <button type="button" className="btn" onClick={onBack}>
          {t('app.back')}
        </button>
        <button type="button" className="btn btn-primary" onClick={onStart} disabled={starting || options.mapping.length === 0 || !matchMapped} data-testid="start-import">
          {t('imports.start')}
        </button>
      </div>
    </>
  );
}
