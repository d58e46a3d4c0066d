import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { FIELD_TYPES } from '@crm/engine/fields/field-definition.js';
import { MODULE_SLUG_PATTERN } from '@crm/engine/template/module-schema.js';
import { PlusIcon } from '../../../components/module-icon';
import {
  addModule,
  addStatus,
  appendAt,
  asArray,
  fieldsOf,
  getIn,
  hasAction,
  isRecord,
  MATRIX_ACTIONS,
  MATRIX_ROLES,
  modulesOf,
  optionValue,
  pathText,
  readLocalized,
  removeAt,
  removeModule,
  removeStatus,
  renameStatus,
  setIn,
  statusFieldKey,
  templateLanguages,
  toggleAction,
  writeLocalized,
  type Json,
  type TemplateDoc,
} from '../model/draft-doc';
import { CommitInput, ErrorLines, Section, TextField, useErrorsAt } from './path-inputs';

export type Update = (change: (doc: TemplateDoc) => TemplateDoc) => void;

interface FormProps {
  readonly doc: TemplateDoc;
  readonly update: Update;
  readonly activeModule: string | null;
  readonly onSelectModule: (slug: string) => void;
}

/** The structured editor: the common edits, each input bound to its JSON path. Workflows and dashboards stay in the JSON view. */
export function DraftForm({ doc, update, activeModule, onSelectModule }: FormProps) {
  const modules = modulesOf(doc);
  const current = modules.find((ref) => ref.slug === activeModule) ?? modules[0];
  return (
    <div className="console-form">
      <GeneralSection doc={doc} update={update} />
      <ModulesSection doc={doc} update={update} current={current?.slug ?? null} onSelect={onSelectModule} />
      <PermissionsSection doc={doc} update={update} />
      <MigrationsSection doc={doc} update={update} />
      <AutomationSummary doc={doc} />
    </div>
  );
}

const text = (value: Json): string => (typeof value === 'string' ? value : '');

function GeneralSection({ doc, update }: { doc: TemplateDoc; update: Update }) {
  const { t } = useTranslation();
  const [language, setLanguage] = useState('');
  const languages = templateLanguages(doc);
  const set = (key: string) => (value: string) => update((current) => setIn(current, [key], value));
  const languageErrors = useErrorsAt('languages');
  return (
    <Section title={t('templateConsole.general')} testId="draft-general">
      <div className="form-grid console-grid-4">
        <TextField label={t('templateConsole.name')} path="name" value={text(doc.name)} onChange={set('name')} testId="draft-name" />
        <TextField label={t('templateConsole.slug')} path="slug" value={text(doc.slug)} onChange={set('slug')} testId="draft-slug" />
        <TextField label={t('templateConsole.version')} path="version" value={text(doc.version)} onChange={set('version')} testId="draft-version" />
        <TextField label={t('templateConsole.industry')} path="industry_type" value={text(doc.industry_type)} onChange={set('industry_type')} />
      </div>
      <TextField label={t('templateConsole.description')} path="description" value={text(doc.description)} onChange={set('description')} multiline />
      <div className="field">
        <span className="field-label">{t('templateConsole.languages')}</span>
        <div className="chip-row">
          {languages.map((code) => (
            <span key={code} className="chip">
              {code}
              {code !== 'en' ? (
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={t('templateConsole.removeLanguage', { code })}
                  onClick={() => update((current) => setIn(current, ['languages'], templateLanguages(current).filter((entry) => entry !== code)))}
                >
                  ×
                </button>
              ) : null}
            </span>
          ))}
          <form
            className="inline-add"
            onSubmit={(event) => {
              event.preventDefault();
              const code = language.trim();
              if (code === '' || languages.includes(code)) return;
              update((current) => setIn(current, ['languages'], [...templateLanguages(current), code]));
              setLanguage('');
            }}
          >
            <input value={language} onChange={(event) => setLanguage(event.target.value)} placeholder={t('templateConsole.addLanguage')} aria-label={t('templateConsole.addLanguage')} />
            <button type="submit" className="btn btn-ghost btn-sm">
              {t('templateConsole.add')}
            </button>
          </form>
        </div>
        <ErrorLines messages={languageErrors} />
      </div>
    </Section>
  );
}

function ModulesSection({ doc, update, current, onSelect }: { doc: TemplateDoc; update: Update; current: string | null; onSelect: (slug: string) => void }) {
  const { t } = useTranslation();
  const [slug, setSlug] = useState('');
  const modules = modulesOf(doc);
  const moduleErrors = useErrorsAt('enabled_modules', 'exact');
  return (
    <Section title={t('templateConsole.modules')} testId="draft-modules">
      <div className="console-module-tabs" role="tablist">
        {modules.map((ref) => (
          <ModuleTab key={`${ref.index}-${ref.slug}`} doc={doc} slug={ref.slug} index={ref.index} selected={ref.slug === current} onSelect={() => onSelect(ref.slug)} />
        ))}
        <form
          className="inline-add"
          onSubmit={(event) => {
            event.preventDefault();
            const value = slug.trim();
            if (!MODULE_SLUG_PATTERN.test(value) || modules.some((ref) => ref.slug === value)) return;
            update((currentDoc) => addModule(currentDoc, { slug: value, label: { en: value } }));
            onSelect(value);
            setSlug('');
          }}
        >
          <input value={slug} onChange={(event) => setSlug(event.target.value)} placeholder={t('templateConsole.newModuleSlug')} aria-label={t('templateConsole.newModuleSlug')} />
          <button type="submit" className="btn btn-ghost btn-sm">
            <PlusIcon /> {t('templateConsole.addModule')}
          </button>
        </form>
      </div>
      <ErrorLines messages={moduleErrors} />
      {current !== null ? <ModuleEditor key={current} doc={doc} update={update} slug={current} /> : null}
    </Section>
  );
}

function ModuleTab({ doc, slug, index, selected, onSelect }: { doc: TemplateDoc; slug: string; index: number; selected: boolean; onSelect: () => void }) {
  const moduleErrors = useErrorsAt(`enabled_modules[${index}]`);
  const fieldErrors = useErrorsAt(pathText(['field_schemas', slug]));
  const count = moduleErrors.length + fieldErrors.length;
  return (
    <button type="button" role="tab" aria-selected={selected} className={`console-tab${selected ? ' active' : ''}`} onClick={onSelect} data-testid={`module-tab-${slug}`}>
      {readLocalized(getIn(doc, ['enabled_modules', index, 'label']), 'en') || slug || '?'}
      {count > 0 ? <span className="badge badge-danger">{count}</span> : null}
    </button>
  );
}

function ModuleEditor({ doc, update, slug }: { doc: TemplateDoc; update: Update; slug: string }) {
  const { t } = useTranslation();
  const ref = modulesOf(doc).find((entry) => entry.slug === slug);
  if (!ref) return null;
  const base = ['enabled_modules', ref.index] as const;
  const languages = templateLanguages(doc);
  const setLabel = (key: 'label' | 'label_plural', code: string) => (value: string) =>
    update((current) => setIn(current, [...base, key], writeLocalized(getIn(current, [...base, key]), code, value)));
  const setProp = (key: string) => (value: string) => update((current) => setIn(current, [...base, key], value === '' ? undefined : value));
  return (
    <div className="console-module" data-testid={`module-editor-${slug}`}>
      <div className="form-grid console-grid-4">
        <TextField label={t('templateConsole.moduleSlug')} path={pathText([...base, 'slug'])} value={slug} onChange={() => undefined} claim="exact" />
        <TextField label={t('templateConsole.icon')} path={pathText([...base, 'icon'])} value={text(ref.module.icon)} onChange={setProp('icon')} />
        <TextField label={t('templateConsole.prefix')} path={pathText([...base, 'record_prefix'])} value={text(ref.module.record_prefix)} onChange={setProp('record_prefix')} />
        <TextField label={t('templateConsole.displayField')} path={pathText([...base, 'display_field'])} value={text(ref.module.display_field)} onChange={setProp('display_field')} />
      </div>
      <div className="form-grid console-grid-4">
        {languages.map((code) => (
          <TextField
            key={`label-${code}`}
            label={t('templateConsole.labelIn', { code })}
            path={pathText([...base, 'label', code])}
            alsoExact={code === 'en' ? pathText([...base, 'label']) : undefined}
            value={readLocalized(ref.module.label, code)}
            onChange={setLabel('label', code)}
            testId={`module-label-${code}`}
          />
        ))}
        {languages.map((code) => (
          <TextField
            key={`plural-${code}`}
            label={t('templateConsole.pluralIn', { code })}
            path={pathText([...base, 'label_plural', code])}
            alsoExact={code === 'en' ? pathText([...base, 'label_plural']) : undefined}
            value={readLocalized(ref.module.label_plural, code)}
            onChange={setLabel('label_plural', code)}
          />
        ))}
      </div>
      <StatusesEditor doc={doc} update={update} slug={slug} moduleIndex={ref.index} />
      <FieldsEditor doc={doc} update={update} slug={slug} languages={languages} />
      <div className="console-module-footer">
        <button type="button" className="btn btn-danger-ghost btn-sm" onClick={() => update((current) => removeModule(current, slug))}>
          {t('templateConsole.removeModule')}
        </button>
      </div>
    </div>
  );
}

function StatusesEditor({ doc, update, slug, moduleIndex }: { doc: TemplateDoc; update: Update; slug: string; moduleIndex: number }) {
  const { t } = useTranslation();
  const [added, setAdded] = useState('');
  const statuses = asArray(getIn(doc, ['enabled_modules', moduleIndex, 'default_statuses'])).map((status) => String(status));
  const path = pathText(['enabled_modules', moduleIndex, 'default_statuses']);
  const listErrors = useErrorsAt(path, 'exact');
  if (statusFieldKey(doc, slug) === null && statuses.length === 0) return null;
  return (
    <div className="console-subsection" data-testid="statuses-editor">
      <h3>{t('templateConsole.statuses')}</h3>
      <p className="muted small">{t('templateConsole.statusesHint')}</p>
      <div className="console-statuses">
        {statuses.map((status, index) => (
          <span key={`${index}-${status}`} className="console-status">
            <CommitInput
              value={status}
              label={status}
              path={`${path}[${index}]`}
              testId={`status-${status}`}
              onCommit={(value) => update((current) => renameStatus(current, slug, status, value.trim()))}
            />
            <button type="button" className="chip-remove" aria-label={`${t('templateConsole.remove')} ${status}`} onClick={() => update((current) => removeStatus(current, slug, status))}>
              ×
            </button>
          </span>
        ))}
        <form
          className="inline-add"
          onSubmit={(event) => {
            event.preventDefault();
            if (added.trim() === '') return;
            update((current) => addStatus(current, slug, added.trim()));
            setAdded('');
          }}
        >
          <input value={added} onChange={(event) => setAdded(event.target.value)} placeholder={t('templateConsole.addStatus')} aria-label={t('templateConsole.addStatus')} />
          <button type="submit" className="btn btn-ghost btn-sm">
            {t('templateConsole.add')}
          </button>
        </form>
      </div>
      <ErrorLines messages={listErrors} />
    </div>
  );
}

const CHOICE_TYPES = new Set(['select', 'multi_select']);

function FieldsEditor({ doc, update, slug, languages }: { doc: TemplateDoc; update: Update; slug: string; languages: string[] }) {
  const { t } = useTranslation();
  const fields = fieldsOf(doc, slug);
  const listErrors = useErrorsAt(pathText(['field_schemas', slug]), 'exact');
  return (
    <div className="console-subsection">
      <h3>{t('templateConsole.fields')}</h3>
      <ErrorLines messages={listErrors} />
      {fields.length === 0 ? <p className="muted small">{t('templateConsole.noFields')}</p> : null}
      <div className="console-scroll console-fields-scroll">
        <table className="console-table console-fields" data-testid="fields-table">
          <thead>
            <tr>
              <th>{t('templateConsole.key')}</th>
              {languages.map((code) => (
                <th key={code}>{t('templateConsole.labelIn', { code })}</th>
              ))}
              <th>{t('templateConsole.type')}</th>
              <th>{t('templateConsole.required')}</th>
              <th>{t('templateConsole.options')}</th>
              <th aria-label={t('templateConsole.remove')} />
            </tr>
          </thead>
          <tbody>
            {fields.map((field, index) => (
              <FieldRow key={index} doc={doc} update={update} slug={slug} index={index} field={isRecord(field) ? field : {}} languages={languages} />
            ))}
          </tbody>
        </table>
      </div>
      <AddFieldForm languages={languages} modules={modulesOf(doc).map((ref) => ref.slug)} onAdd={(field) => update((current) => appendAt(current, ['field_schemas', slug], field))} />
    </div>
  );
}

function FieldRow({ doc, update, slug, index, field, languages }: { doc: TemplateDoc; update: Update; slug: string; index: number; field: Record<string, Json>; languages: string[] }) {
  const { t } = useTranslation();
  const base = ['field_schemas', slug, index] as const;
  const rowPath = pathText(base);
  const rowErrors = useErrorsAt(rowPath, 'exact');
  const set = (key: string, value: Json) => update((current) => setIn(current, [...base, key], value));
  const type = text(field.type);
  const key = text(field.key);
  return (
    <tr data-testid={`field-row-${index}`} data-path={rowPath}>
      <td>
        <TextField label={t('templateConsole.key')} hideLabel path={pathText([...base, 'key'])} value={key} onChange={(value) => set('key', value)} testId={`field-key-${index}`} />
        <ErrorLines messages={rowErrors} />
      </td>
      {languages.map((code) => (
        <td key={code}>
          <TextField
            label={t('templateConsole.labelIn', { code })}
            hideLabel
            path={pathText([...base, 'label', code])}
            alsoExact={code === 'en' ? pathText([...base, 'label']) : undefined}
            value={readLocalized(field.label, code)}
            onChange={(value) => set('label', writeLocalized(field.label, code, value))}
            testId={`field-label-${code}-${index}`}
          />
        </td>
      ))}
      <td>
        <TypeSelect path={pathText([...base, 'type'])} value={type} onChange={(value) => set('type', value)} />
      </td>
      <td className="console-center">
        <input type="checkbox" checked={field.required === true} aria-label={t('templateConsole.required')} onChange={(event) => set('required', event.target.checked)} />
      </td>
      <td>
        <OptionsCell doc={doc} type={type} path={pathText([...base, 'options'])} options={field.options} onChange={(value) => set('options', value)} />
      </td>
      <td>
        <button type="button" className="icon-btn" aria-label={t('templateConsole.removeField', { key })} onClick={() => update((current) => removeAt(current, ['field_schemas', slug], index))}>
          ×
        </button>
      </td>
    </tr>
  );
}

function TypeSelect({ path, value, onChange }: { path: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const messages = useErrorsAt(path);
  return (
    <span className="field">
      <select value={value} onChange={(event) => onChange(event.target.value)} aria-label={t('templateConsole.type')} data-path={path} aria-invalid={messages.length > 0 ? true : undefined}>
        {(FIELD_TYPES as readonly string[]).includes(value) ? null : <option value={value}>{value || '—'}</option>}
        {FIELD_TYPES.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </select>
      <ErrorLines messages={messages} />
    </span>
  );
}

function OptionsCell({ doc, type, path, options, onChange }: { doc: TemplateDoc; type: string; path: string; options: Json; onChange: (value: Json) => void }) {
  const { t } = useTranslation();
  const messages = useErrorsAt(path);
  if (CHOICE_TYPES.has(type)) {
    const list = asArray(options);
    return (
      <CommitInput
        label={`${t('templateConsole.options')} (${t('templateConsole.optionsHint')})`}
        path={path}
        value={list.map(optionValue).join(', ')}
        onCommit={(value) => {
          const values = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
          // Options written as objects keep their labels and colours.
          onChange(values.map((entry) => list.find((option) => optionValue(option) === entry) ?? entry));
        }}
      />
    );
  }
  if (type === 'relationship') {
    const related = isRecord(options) ? text(options.related_module) : '';
    return (
      <span className="field">
        <select
          value={related}
          aria-label={t('templateConsole.relatedModule')}
          data-path={path}
          aria-invalid={messages.length > 0 ? true : undefined}
          onChange={(event) => onChange({ ...(isRecord(options) ? options : {}), related_module: event.target.value, display_field: isRecord(options) && typeof options.display_field === 'string' ? options.display_field : 'name' })}
        >
          <option value="">—</option>
          {modulesOf(doc).map((ref) => (
            <option key={ref.slug} value={ref.slug}>
              {ref.slug}
            </option>
          ))}
        </select>
        <ErrorLines messages={messages} />
      </span>
    );
  }
  if (type === 'currency') {
    return (
      <CommitInput label="ISO 4217" path={path} value={isRecord(options) ? text(options.currency) : ''} onCommit={(value) => onChange(value.trim() === '' ? undefined : { currency: value.trim().toUpperCase() })} />
    );
  }
  return messages.length > 0 ? <ErrorLines messages={messages} /> : <span className="muted">—</span>;
}

const AddFieldSchema = z.object({
  key: z.string().trim().min(1, 'is required'),
  labels: z.record(z.string(), z.string()),
  type: z.enum(FIELD_TYPES),
  required: z.boolean(),
  options: z.string(),
  related: z.string(),
});
type AddFieldValues = z.infer<typeof AddFieldSchema>;

/**
 * A new field's essentials. Only emptiness is checked here: the key's format
 * and everything else is the validator's, shown on the new row at its path.
 */
function AddFieldForm({ languages, modules, onAdd }: { languages: string[]; modules: string[]; onAdd: (field: Record<string, Json>) => void }) {
  const { t } = useTranslation();
  const form = useForm<AddFieldValues>({
    resolver: zodResolver(AddFieldSchema),
    defaultValues: { key: '', labels: {}, type: 'text', required: false, options: '', related: '' },
  });
  const type = form.watch('type');
  const submit = form.handleSubmit((values) => {
    const label = languages.reduce<Json>((current, code) => writeLocalized(current, code, values.labels[code]?.trim() ?? ''), undefined);
    const field: Record<string, Json> = { key: values.key.trim(), label: label ?? values.key.trim(), type: values.type, required: values.required };
    if (CHOICE_TYPES.has(values.type)) field.options = values.options.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (values.type === 'relationship') field.options = { related_module: values.related, display_field: 'name' };
    onAdd(field);
    form.reset({ key: '', labels: {}, type: values.type, required: false, options: '', related: '' });
  });
  const keyError = form.formState.errors.key?.message;
  return (
    <form className="console-add-field" onSubmit={(event) => void submit(event)} data-testid="add-field-form">
      <label className="field">
        <span className="field-label">{t('templateConsole.key')}</span>
        <input {...form.register('key')} data-testid="new-field-key" placeholder={t('templateConsole.newFieldKeyPlaceholder')} aria-invalid={keyError ? true : undefined} />
        {keyError ? <span className="field-error">{keyError}</span> : null}
      </label>
      {languages.map((code) => (
        <label key={code} className="field">
          <span className="field-label">{t('templateConsole.labelIn', { code })}</span>
          <input {...form.register(`labels.${code}`)} data-testid={`new-field-label-${code}`} />
        </label>
      ))}
      <label className="field">
        <span className="field-label">{t('templateConsole.type')}</span>
        <select {...form.register('type')} data-testid="new-field-type">
          {FIELD_TYPES.map((fieldType) => (
            <option key={fieldType} value={fieldType}>
              {fieldType}
            </option>
          ))}
        </select>
      </label>
      {CHOICE_TYPES.has(type) ? (
        <label className="field">
          <span className="field-label">
            {t('templateConsole.options')} ({t('templateConsole.optionsHint')})
          </span>
          <input {...form.register('options')} data-testid="new-field-options" />
        </label>
      ) : null}
      {type === 'relationship' ? (
        <label className="field">
          <span className="field-label">{t('templateConsole.relatedModule')}</span>
          <select {...form.register('related')}>
            {modules.map((slug) => (
              <option key={slug} value={slug}>
                {slug}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="check-row">
        <input type="checkbox" {...form.register('required')} />
        <span>{t('templateConsole.required')}</span>
      </label>
      <button type="submit" className="btn btn-ghost" data-testid="add-field">
        <PlusIcon /> {t('templateConsole.addField')}
      </button>
    </form>
  );
}

function PermissionsSection({ doc, update }: { doc: TemplateDoc; update: Update }) {
  const { t } = useTranslation();
  const modules = modulesOf(doc);
  const errors = useErrorsAt('permissions_matrix');
  // One role at a time: 3 roles × 9 actions did not fit beside the validator panel and the
  // Member columns ended up scrolled out of sight.
  const [role, setRole] = useState<(typeof MATRIX_ROLES)[number]>('member');
  return (
    <Section title={t('templateConsole.permissions')} testId="draft-permissions">
      <ErrorLines messages={errors} />
      <div className="segmented console-matrix-roles" role="radiogroup" aria-label={t('templateConsole.matrixRole')}>
        {MATRIX_ROLES.map((candidate) => (
          <button
            key={candidate}
            type="button"
            role="radio"
            aria-checked={candidate === role}
            className={candidate === role ? 'active' : undefined}
            onClick={() => setRole(candidate)}
            data-testid={`matrix-role-${candidate}`}
          >
            {t(`templateConsole.role.${candidate}`)}
          </button>
        ))}
      </div>
      <div className="console-scroll">
        <table className="console-table console-matrix" data-testid="permissions-matrix">
          <thead>
            <tr>
              <th />
              {MATRIX_ACTIONS.map((action) => (
                <th key={action} scope="col" className="console-matrix-action">
                  {t(`templateConsole.action.${action}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {modules.map(({ slug }) => (
              <tr key={slug}>
                <th scope="row">{slug}</th>
                {MATRIX_ACTIONS.map((action) => (
                  <td key={action} className="console-center">
                    <input
                      type="checkbox"
                      aria-label={t('templateConsole.matrixCell', { role: t(`templateConsole.role.${role}`), module: slug, action: t(`templateConsole.action.${action}`) })}
                      checked={hasAction(doc, role, slug, action)}
                      onChange={(event) => update((current) => toggleAction(current, role, slug, action, event.target.checked))}
                      data-testid={`matrix-${role}-${slug}-${action}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function MigrationsSection({ doc, update }: { doc: TemplateDoc; update: Update }) {
  const { t } = useTranslation();
  const steps = asArray(doc.migrations);
  const errors = useErrorsAt('migrations');
  return (
    <Section title={t('templateConsole.migrations')} testId="draft-migrations">
      {steps.length === 0 ? <p className="muted">{t('templateConsole.noMigrations')}</p> : null}
      <ul className="console-steps">
        {steps.map((step, index) => (
          <li key={index} data-path={`migrations[${index}]`}>
            <code className="mono small">{JSON.stringify(step)}</code>
            <button type="button" className="icon-btn" aria-label={t('templateConsole.remove')} onClick={() => update((current) => removeAt(current, ['migrations'], index))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <ErrorLines messages={errors} />
    </Section>
  );
}

function AutomationSummary({ doc }: { doc: TemplateDoc }) {
  const { t } = useTranslation();
  const workflows = Object.values(isRecord(doc.workflow_schemas) ? doc.workflow_schemas : {}).reduce<number>((sum, list) => sum + asArray(list).length, 0);
  const dashboards = Object.keys(isRecord(doc.dashboard_layout) ? doc.dashboard_layout : {}).length;
  const errors = [...useErrorsAt('workflow_schemas'), ...useErrorsAt('dashboard_layout')];
  return (
    <Section title={t('templateConsole.workflowsAndDashboards')}>
      <p>
        {t('templateConsole.workflowsCount', { count: workflows })} · {t('templateConsole.dashboardsCount', { count: dashboards })}
      </p>
      <p className="muted small">{t('templateConsole.editInJson')}</p>
      <ErrorLines messages={errors} />
    </Section>
  );
}

