import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '@crm/engine/fields/field-definition.js';
import { currencyCodeFor, optionLabel } from '@crm/engine/fields/field-definition.js';

type FieldLike = Pick<FieldDefinition, 'key' | 'type' | 'options'>;

/** What the input holds: the browser's representation (strings for numbers and dates), see record-form-schema. */
export type FieldInputValue = string | string[] | boolean | null | undefined | object;

/**
 * The one input for a field value, chosen by the field's type. Used by the
 * record form (`variant="edit"`) and by the places that take a value to
 * compare or set (filters, workflow actions: `variant="criterion"`, where a
 * multi-select is matched one option at a time and a checkbox is an explicit
 * yes / no).
 *
 * Relationship and file values need the records feature (server search,
 * upload), which shared code must not import: the caller passes them in
 * `special`.
 */
export function FieldInput({
  field,
  value,
  onChange,
  onBlur,
  id,
  invalid,
  testId,
  placeholder,
  ariaLabel,
  checkboxLabel,
  emptyOptionLabel,
  variant = 'edit',
  special,
}: {
  field: FieldLike;
  value: FieldInputValue;
  onChange: (value: FieldInputValue) => void;
  onBlur?: () => void;
  id?: string;
  invalid?: boolean;
  testId?: string;
  placeholder?: string;
  ariaLabel?: string;
  /** The text beside an edit-mode checkbox (the field's label). */
  checkboxLabel?: string;
  /** The first, empty option of a select ("Select…", "Clear the value"). */
  emptyOptionLabel?: string;
  variant?: 'edit' | 'criterion';
  special?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const text = typeof value === 'string' ? value : '';
  const common = {
    id,
    'aria-invalid': invalid || undefined,
    'aria-label': ariaLabel,
    'data-testid': testId,
    onBlur,
  } as const;
  const options = Array.isArray(field.options) ? field.options : [];

  if ((field.type === 'relationship' || field.type === 'file') && special !== undefined) return <>{special}</>;

  switch (field.type) {
    case 'textarea':
      return variant === 'edit' ? (
        <textarea {...common} rows={4} placeholder={placeholder} value={text} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...common} type="text" placeholder={placeholder} value={text} onChange={(event) => onChange(event.target.value)} />
      );
    case 'number':
      return <input {...common} type="text" inputMode="decimal" placeholder={placeholder} value={text} onChange={(event) => onChange(event.target.value)} />;
    case 'currency':
      return (
        <div className="input-affix">
          <span className="affix" aria-hidden="true">
            {currencySymbol(currencyCodeFor(field), i18n.language)}
          </span>
          <input {...common} type="text" inputMode="decimal" placeholder={placeholder ?? '0.00'} value={text} onChange={(event) => onChange(event.target.value)} />
        </div>
      );
    case 'date':
      return <input {...common} type="date" value={text} onChange={(event) => onChange(event.target.value)} />;
    case 'datetime':
      return <input {...common} type="datetime-local" value={text} onChange={(event) => onChange(event.target.value)} />;
    case 'checkbox':
      if (variant === 'criterion') {
        const choice = value === true ? 'true' : value === false ? 'false' : text;
        return (
          <select {...common} value={choice} onChange={(event) => onChange(event.target.value)}>
            {emptyOptionLabel !== undefined ? <option value="">{emptyOptionLabel}</option> : null}
            <option value="true">{t('records.yes')}</option>
            <option value="false">{t('records.no')}</option>
          </select>
        );
      }
      return (
        <label className="check-row">
          <input {...common} aria-label={undefined} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />
          <span>{checkboxLabel ?? ariaLabel}</span>
        </label>
      );
    case 'select':
    case 'multi_select':
      if (field.type === 'select' || variant === 'criterion') {
        return (
          <select {...common} value={text} onChange={(event) => onChange(event.target.value)}>
            <option value="">{emptyOptionLabel ?? t('records.selectPlaceholder')}</option>
            {options.map((option) => {
              const optionValue = typeof option === 'string' ? option : option.value;
              return (
                <option key={optionValue} value={optionValue}>
                  {optionLabel(option, i18n.language)}
                </option>
              );
            })}
          </select>
        );
      }
      return <MultiChoice field={field} value={value} onChange={onChange} onBlur={onBlur} id={id} testId={testId} />;
    case 'email':
      return <input {...common} type="email" autoComplete="off" placeholder={placeholder} value={text} onChange={(event) => onChange(event.target.value)} />;
    case 'phone':
      return <input {...common} type="tel" placeholder={placeholder} value={text} onChange={(event) => onChange(event.target.value)} />;
    case 'url':
      return <input {...common} type="url" placeholder={placeholder ?? 'https://'} value={text} onChange={(event) => onChange(event.target.value)} />;
    default:
      return <input {...common} type="text" placeholder={placeholder} value={text} onChange={(event) => onChange(event.target.value)} />;
  }
}

function MultiChoice({
  field,
  value,
  onChange,
  onBlur,
  id,
  testId,
}: {
  field: FieldLike;
  value: FieldInputValue;
  onChange: (value: string[]) => void;
  onBlur?: () => void;
  id?: string;
  testId?: string;
}) {
  const { i18n } = useTranslation();
  const selected = new Set(Array.isArray(value) ? value.map(String) : []);
  const options = Array.isArray(field.options) ? field.options : [];
  return (
    // The group is named by the field's label (whose `for` points at this id).
    <div className="choice-grid" id={id} data-testid={testId} role="group" aria-labelledby={id ? `${id}-label` : undefined}>
      {options.map((option) => {
        const optionValue = typeof option === 'string' ? option : option.value;
        return (
          <label key={optionValue} className={`choice${selected.has(optionValue) ? ' on' : ''}`}>
            <input
              type="checkbox"
              checked={selected.has(optionValue)}
              onChange={() => {
                const next = new Set(selected);
                if (next.has(optionValue)) next.delete(optionValue);
                else next.add(optionValue);
                onChange([...next]);
              }}
              onBlur={onBlur}
            />
            <span>{optionLabel(option, i18n.language)}</span>
          </label>
        );
      })}
    </div>
  );
}

function currencySymbol(code: string, language: string): string {
  try {
    const part = new Intl.NumberFormat(language, { style: 'currency', currency: code }).formatToParts(0).find((p) => p.type === 'currency');
    return part?.value ?? code;
  } catch {
    return code;
  }
}
