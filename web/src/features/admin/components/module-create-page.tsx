import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useState } from 'react';
import { useFieldArray, useForm, useWatch, type Control, type UseFormGetValues, type UseFormRegister, type UseFormSetValue } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { FIELD_TYPES } from '@crm/engine/fields/field-definition.js';
import { fieldTypeModule } from '@crm/engine/fields/types/registry.js';
import { MODULE_SLUG_PATTERN, RECORD_PREFIX_PATTERN } from '@crm/engine/template/module-schema.js';
import { PlusIcon } from '../../../components/module-icon';
import { ErrorBanner } from '../../../components/status-views';
import { toUserError } from '../../../lib/api/to-user-error';
import { useLabel } from '../../../lib/i18n/use-label';
import { paths } from '../../../lib/routes';
import { activeFields, orderedModules, useTenantSession } from '../../../lib/tenant/tenant-session';
import { useConfigMutation } from '../api/config-api';
import { keyFromLabel, prefixFromLabel } from '../forms/derive-key';
import { useOptionContext } from './option-context';
import {
  EMPTY_FIELD_FORM,
  FIELD_INPUT_NAMES,
  FieldFormSchema,
  fieldFormProblems,
  inputForIssue,
  localized,
  optionEditorOf,
  sayProblem,
  sayServerIssue,
  toFieldDefinition,
  type FormProblem,
  type Say,
} from './field-form-model';

/** Computed types (formula, roll-up) read fields and relationships that exist only once the module does: they are added afterwards, in the field editor. */
const CREATABLE_TYPES = FIELD_TYPES.filter((type) => !fieldTypeModule(type).traits.computed);

const ModuleFormSchema = z.object({
  slug: z.string(),
  /** Singular ("Vehicle"): "New Vehicle", a record's page. */
  label: z.string(),
  labelEs: z.string(),
  /** Plural ("Vehicles"): the sidebar, the list's title. */
  labelPlural: z.string(),
  labelPluralEs: z.string(),
  icon: z.string(),
  prefix: z.string(),
  statusesText: z.string(),
  fields: z.array(FieldFormSchema),
});
type ModuleFormValues = z.infer<typeof ModuleFormSchema>;
type ModuleInput = 'slug' | 'label' | 'labelPlural' | 'prefix' | 'icon';

/** What the server would refuse, found before sending and said in plain words, each on its input. */
export function moduleFormProblems(values: ModuleFormValues): Array<FormProblem<ModuleInput | `fields.${number}.${keyof ModuleFormValues['fields'][number]}`>> {
  const problems: Array<FormProblem<ModuleInput | `fields.${number}.${keyof ModuleFormValues['fields'][number]}`>> = [];
  if (values.label.trim() === '') problems.push({ input: 'label', messageKey: 'validation.required', fieldName: 'admin.labelSingular' });
  const slug = values.slug.trim();
  if (slug === '') problems.push({ input: 'slug', messageKey: 'validation.required', fieldName: 'admin.slug' });
  else if (!MODULE_SLUG_PATTERN.test(slug)) problems.push({ input: 'slug', messageKey: 'admin.errors.keyFormat', fieldName: 'admin.slug' });
  const prefix = values.prefix.trim().toUpperCase();
  if (prefix !== '' && !RECORD_PREFIX_PATTERN.test(prefix)) problems.push({ input: 'prefix', messageKey: 'admin.errors.prefixFormat', fieldName: 'admin.prefix' });
  const seen = new Set<string>();
  values.fields.forEach((field, index) => {
    for (const problem of fieldFormProblems(field)) problems.push({ ...problem, input: `fields.${index}.${problem.input}` });
    const key = field.key.trim();
    if (key !== '' && seen.has(key)) {
      problems.push({ input: `fields.${index}.key`, messageKey: 'admin.errors.duplicateKey', fieldName: 'admin.key', params: { value: key } });
    }
    seen.add(key);
  });
  return problems;
}

function buildModuleFormSchema(say: Say) {
  return ModuleFormSchema.superRefine((values, ctx) => {
    for (const problem of moduleFormProblems(values)) {
      ctx.addIssue({ code: 'custom', path: problem.input.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message: sayProblem(say, problem) });
    }
  });
}


const ICONS = ['folder', 'briefcase', 'users', 'calendar', 'file-text', 'package', 'car', 'home', 'tag', 'star', 'target', 'task'];

/**
 * A custom module with its fields. Statuses, when given, also add a `status`
 * select field so the module gets a board like the template modules do.
 */
export function ModuleCreatePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useTenantSession();
  const create = useConfigMutation(session.tenantId, 'crmCreateModule');
  const optionContext = useOptionContext(session.config);
  const schema = useMemo(() => buildModuleFormSchema(t), [t]);
  const form = useForm<ModuleFormValues>({
    resolver: zodResolver(schema),
    defaultValues: {
      slug: '',
      label: '',
      labelEs: '',
      labelPlural: '',
      labelPluralEs: '',
      icon: 'folder',
      prefix: '',
      statusesText: '',
      fields: [{ ...EMPTY_FIELD_FORM, key: 'name', label: t('admin.defaultNameField'), required: true }],
    },
  });
  // Slug and prefix follow the name (plural if given, else singular) until the admin edits them.
  const [edited, setEdited] = useState({ slug: false, prefix: false });
  const followName = () => {
    const name = form.getValues('labelPlural').trim() || form.getValues('label').trim();
    if (!edited.slug) form.setValue('slug', keyFromLabel(name));
    if (!edited.prefix) form.setValue('prefix', prefixFromLabel(name));
  };
  const rows = useFieldArray({ control: form.control, name: 'fields' });
  const [failure, setFailure] = useState<string[] | null>(null);
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    const statuses = values.statusesText
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const fields = values.fields.map((field) => toFieldDefinition(field, optionContext));
    if (statuses.length > 0 && !fields.some((field) => field.key === 'status')) {
      fields.push({ key: 'status', label: { en: 'Status', es: 'Estado' }, type: 'select', required: false, options: statuses, default: statuses[0] });
    }
    try {
      await create.mutateAsync({
        module: {
          slug: values.slug.trim(),
          label: localized(values.label, values.labelEs),
          ...(values.labelPlural.trim() !== '' ? { label_plural: localized(values.labelPlural, values.labelPluralEs) } : {}),
          ...(values.icon ? { icon: values.icon } : {}),
          ...(values.prefix.trim() !== '' ? { record_prefix: values.prefix.trim().toUpperCase() } : {}),
          ...(statuses.length > 0 ? { default_statuses: statuses } : {}),
        },
        fields,
      });
      await navigate(paths.module(session.tenantId, values.slug.trim()));
    } catch (error) {
      const userError = toUserError(error);
      const rest: string[] = [];
      for (const issue of userError.issues) {
        const fieldMatch = /^fields\[(\d+)\]\.?(.*)$/.exec(issue.path);
        if (fieldMatch) {
          const index = Number(fieldMatch[1]);
          const input = inputForIssue(fieldMatch[2] ?? '', values.fields[index]?.type ?? 'text');
          if (input && index < values.fields.length) {
            form.setError(`fields.${index}.${input}`, { type: 'server', message: sayServerIssue(t, issue, FIELD_INPUT_NAMES[input]) });
            continue;
          }
        }
        const moduleInput = MODULE_INPUTS[issue.path.split(/[.[]/).slice(0, 2).join('.')];
        if (moduleInput) {
          form.setError(moduleInput.input, { type: 'server', message: sayServerIssue(t, issue, moduleInput.name) });
          continue;
        }
        rest.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      }
      if (userError.issues.length === 0 || rest.length > 0) setFailure([userError.message, ...rest]);
    }
  });

  if (!session.bootstrap.canManageConfiguration) return <ErrorBanner message={t('admin.notAllowed')} />;

  const err = (message: string | undefined, id: string) =>
    message ? (
      <span className="field-error" role="alert" data-testid={`module-error-${id}`}>
        {message}
      </span>
    ) : null;

  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>{t('admin.moduleTitle')}</h1>
          <p className="muted">{t('admin.moduleSubtitle')}</p>
        </div>
      </div>
      <form className="card" onSubmit={submit} noValidate data-testid="module-form">
        <div className="form-grid">
          <label className="field">
            <span className="field-label">{t('admin.labelPlural')}</span>
            <input {...form.register('labelPlural', { onChange: followName })} data-testid="module-label-plural" placeholder={t('admin.labelPluralHint')} />
            {err(errors.labelPlural?.message, 'labelPlural')}
          </label>
          <label className="field">
            <span className="field-label">{t('admin.labelSingular')}</span>
            <input {...form.register('label', { onChange: followName })} data-testid="module-label" placeholder={t('admin.labelSingularHint')} />
            {err(errors.label?.message, 'label')}
          </label>
          <label className="field">
            <span className="field-label">{t('admin.labelPluralEs')}</span>
            <input {...form.register('labelPluralEs')} data-testid="module-label-plural-es" />
          </label>
          <label className="field">
            <span className="field-label">{t('admin.labelSingularEs')}</span>
            <input {...form.register('labelEs')} data-testid="module-label-es" />
          </label>
          <label className="field">
            <span className="field-label">{t('admin.slug')}</span>
            <input {...form.register('slug', { onChange: () => setEdited((was) => ({ ...was, slug: true })) })} data-testid="module-slug" aria-describedby="module-slug-hint" />
            {err(errors.slug?.message, 'slug') ?? (
              <span className="field-help" id="module-slug-hint">
                {t('admin.derived')}
              </span>
            )}
          </label>
          <label className="field">
            <span className="field-label">{t('admin.prefix')}</span>
            <input {...form.register('prefix', { onChange: () => setEdited((was) => ({ ...was, prefix: true })) })} data-testid="module-prefix" maxLength={10} />
            {err(errors.prefix?.message, 'prefix')}
          </label>
          <label className="field">
            <span className="field-label">{t('admin.icon')}</span>
            <select {...form.register('icon')}>
              {ICONS.map((icon) => (
                <option key={icon} value={icon}>
                  {icon}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-wide">
            <span className="field-label">{t('admin.statuses')}</span>
            <textarea rows={3} {...form.register('statusesText')} data-testid="module-statuses" placeholder={t('admin.statusesPlaceholder')} />
          </label>
        </div>
        <h2 className="card-title section-gap">{t('admin.fields')}</h2>
        <div className="module-field-rows">
          {rows.fields.map((row, index) => (
            <ModuleFieldRow
              key={row.id}
              index={index}
              control={form.control}
              register={form.register}
              getValues={form.getValues}
              setValue={form.setValue}
              errors={errors.fields?.[index]}
              onRemove={rows.fields.length > 1 ? () => rows.remove(index) : null}
            />
          ))}
        </div>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => rows.append({ ...EMPTY_FIELD_FORM })} data-testid="module-add-field">
          <PlusIcon /> {t('admin.addField')}
        </button>
        {failure ? <ErrorBanner message={failure[0] ?? ''} details={failure.slice(1)} /> : null}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="create-module">
            {t('admin.createModule')}
          </button>
        </div>
      </form>
    </div>
  );
}

/** Server issue paths → the input they belong to and the dictionary key of its name. */
const MODULE_INPUTS: Record<string, { input: ModuleInput; name: string }> = {
  'module.slug': { input: 'slug', name: 'admin.slug' },
  'module.label': { input: 'label', name: 'admin.labelSingular' },
  'module.label_plural': { input: 'labelPlural', name: 'admin.labelPlural' },
  'module.record_prefix': { input: 'prefix', name: 'admin.prefix' },
  'module.icon': { input: 'icon', name: 'admin.icon' },
};

type RowErrors = Partial<Record<keyof ModuleFormValues['fields'][number], { message?: string | undefined } | undefined>> | undefined;

function ModuleFieldRow({
  index,
  control,
  register,
  getValues,
  setValue,
  errors,
  onRemove,
}: {
  index: number;
  control: Control<ModuleFormValues>;
  register: UseFormRegister<ModuleFormValues>;
  getValues: UseFormGetValues<ModuleFormValues>;
  setValue: UseFormSetValue<ModuleFormValues>;
  errors: RowErrors;
  onRemove: (() => void) | null;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const type = useWatch({ control, name: `fields.${index}.type` });
  const editor = optionEditorOf(type);
  const relatedModule = useWatch({ control, name: `fields.${index}.relatedModule` });
  const modules = orderedModules(session.config);
  const related = modules.find((module) => module.slug === relatedModule);
  // The key follows this row's label until the admin edits it.
  const [keyEdited, setKeyEdited] = useState(() => getValues(`fields.${index}.key`) !== keyFromLabel(getValues(`fields.${index}.label`), 63));
  const followLabel = () => {
    if (!keyEdited) setValue(`fields.${index}.key`, keyFromLabel(getValues(`fields.${index}.label`), 63));
  };
  const message = (name: keyof ModuleFormValues['fields'][number]) => {
    const text = errors?.[name]?.message;
    return text ? (
      <span className="field-error" role="alert" data-testid={`module-field-error-${index}-${name}`}>
        {text}
      </span>
    ) : null;
  };
  return (
    <div className="module-field-row" data-testid={`module-field-${index}`}>
      <label className="field">
        <span className="field-label">{t('admin.label')}</span>
        <input {...register(`fields.${index}.label`, { onChange: followLabel })} data-testid={`module-field-label-${index}`} />
        {message('label')}
      </label>
      <label className="field">
        <span className="field-label">{t('admin.key')}</span>
        <input {...register(`fields.${index}.key`, { onChange: () => setKeyEdited(true) })} data-testid={`module-field-key-${index}`} />
        {message('key')}
      </label>
      <label className="field">
        <span className="field-label">{t('admin.type')}</span>
        <select {...register(`fields.${index}.type`)} data-testid={`module-field-type-${index}`}>
          {CREATABLE_TYPES.map((fieldType) => (
            <option key={fieldType} value={fieldType}>
              {t(`admin.fieldType.${fieldType}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="check-row">
        <input type="checkbox" {...register(`fields.${index}.required`)} />
        <span>{t('admin.required')}</span>
      </label>
      {onRemove ? (
        <button type="button" className="btn btn-link btn-sm danger" onClick={onRemove}>
          {t('admin.removeField')}
        </button>
      ) : (
        <span />
      )}
      {editor === 'choices' ? (
        <label className="field row-wide">
          <span className="field-label">{t('admin.options')}</span>
          <textarea rows={3} {...register(`fields.${index}.optionsText`)} data-testid={`module-field-options-${index}`} />
          {message('optionsText')}
        </label>
      ) : null}
      {editor === 'relationship' ? (
        <>
          <label className="field">
            <span className="field-label">{t('admin.relatedModule')}</span>
            <select {...register(`fields.${index}.relatedModule`)}>
              <option value="">{t('records.selectPlaceholder')}</option>
              {modules.map((module) => (
                <option key={module.slug} value={module.slug}>
                  {label(module.label, module.slug)}
                </option>
              ))}
            </select>
            {message('relatedModule')}
          </label>
          <label className="field">
            <span className="field-label">{t('admin.displayField')}</span>
            <select {...register(`fields.${index}.displayField`)}>
              <option value="">{t('records.selectPlaceholder')}</option>
              {related
                ? activeFields(related).map((field) => (
                    <option key={field.key} value={field.key}>
                      {label(field.label, field.key)}
                    </option>
                  ))
                : null}
            </select>
            {message('displayField')}
          </label>
        </>
      ) : null}
      {editor === 'currency' ? (
        <label className="field">
          <span className="field-label">{t('admin.currency')}</span>
          <input {...register(`fields.${index}.currency`)} maxLength={3} />
          {message('currency')}
        </label>
      ) : null}
    </div>
  );
}
