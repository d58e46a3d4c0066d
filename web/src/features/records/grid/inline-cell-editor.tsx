import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TModuleConfigView, TRecordView } from '@crm/api';
import { relationshipOptions } from '@crm/engine/fields/field-definition.js';
import { FieldInput, type FieldInputValue } from '../../../components/field-input';
import { callCrm } from '../../../lib/api/call-crm';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { formatFieldValue } from '../../../lib/format/format-value';
import { useLabel } from '../../../lib/i18n/use-label';
import { findModule, useTenantSession } from '../../../lib/tenant/tenant-session';
import { toFormValue } from '../forms/record-form-schema';
import { RelationshipPicker } from '../components/relationship-picker';
import { checkInlineValue, isVersionConflict } from './inline-edit-model';

type Field = TModuleConfigView['fields'][number];

/**
 * A cell's editor: the field's `<FieldInput>`, Enter saves with the version
 * the row was loaded at, Escape cancels. A refusal is shown on the cell. A
 * version conflict shows the value someone else saved, and Reload puts that
 * version in the row while keeping the draft, so Enter then saves over the
 * newer version knowingly — never silently.
 */
export function InlineCellEditor({
  tenantId,
  field,
  record,
  onSaved,
  onClose,
}: {
  tenantId: string;
  field: Field;
  record: TRecordView;
  /** A record newer than the row's (saved, or reloaded after a conflict). */
  onSaved: (record: TRecordView) => void;
  onClose: (reason: 'saved' | 'cancelled') => void;
}) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const session = useTenantSession();
  const { functions } = useBackend();
  const language = i18n.language;
  const [value, setValue] = useState<FieldInputValue>(() => toFormValue(field, record.data[field.key], language));
  const [base, setBase] = useState(record);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<TRecordView | null>(null);
  const [saving, setSaving] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const fieldLabel = label(field.label, field.key);
  const inputId = `inline-${record.id}-${field.key}`;
  const messageId = `${inputId}-message`;

  useEffect(() => {
    container.current?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
  }, []);

  const save = async () => {
    if (saving) return;
    const checked = checkInlineValue(field, value, {
      locale: language,
      describe: (failure) => t(failure.messageKey, { ...failure.params, field: fieldLabel }),
    });
    if (!checked.ok) {
      setError(checked.message);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = (
        await callCrm(functions, 'crmUpdateRecord', { tenantId, recordId: base.id, expectedVersion: base.version, data: { [field.key]: checked.value } })
      ).record;
      onSaved(saved);
      onClose('saved');
    } catch (caught) {
      if (isVersionConflict(caught)) {
        try {
          setConflict((await callCrm(functions, 'crmGetRecord', { tenantId, recordId: base.id })).record);
        } catch (reloadError) {
          setError(toUserError(reloadError).message);
        }
      } else {
        const userError = toUserError(caught);
        setError(userError.issues[0]?.message ?? userError.message);
      }
    } finally {
      setSaving(false);
    }
  };

  const reload = () => {
    if (!conflict) return;
    onSaved(conflict);
    setBase(conflict);
    setConflict(null);
    container.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // The grid must not see keys typed into the editor (arrows move the caret here).
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose('cancelled');
    } else if (event.key === 'Enter' && !event.shiftKey && !(event.target instanceof HTMLButtonElement)) {
      event.preventDefault();
      void save();
    }
  };

  let special: ReactNode = undefined;
  if (field.type === 'relationship') {
    const target = relationshipOptions(field)?.related_module ?? '';
    const related = findModule(session, target);
    special = (
      <RelationshipPicker
        id={inputId}
        relatedModule={target}
        relatedLabel={related ? label(related.label_plural ?? related.label, target) : target}
        value={typeof value === 'string' ? value : ''}
        initialDisplay={base.related[field.key]?.display ?? null}
        onChange={(next) => setValue(next)}
        invalid={error !== null}
        testId="inline-input"
      />
    );
  }
  const newer = conflict
    ? formatFieldValue(field, conflict.data[field.key], language, conflict.related[field.key]?.display ?? null, { yes: t('records.yes'), no: t('records.no') })
    : '';

  return (
    <div
      ref={container}
      className="cell-editor"
      role="group"
      aria-label={t('exportBulk.inline.editing', { field: fieldLabel, number: record.number })}
      aria-describedby={error || conflict ? messageId : undefined}
      onKeyDown={onKeyDown}
      onClick={(event) => event.stopPropagation()}
      data-testid="inline-editor"
    >
      <FieldInput
        field={field}
        value={value}
        onChange={setValue}
        id={inputId}
        invalid={error !== null}
        testId="inline-input"
        ariaLabel={fieldLabel}
        checkboxLabel={fieldLabel}
        special={special}
      />
      {error ? (
        <p className="cell-editor-error" id={messageId} role="alert" data-testid="inline-error">
          {error}
        </p>
      ) : null}
      {conflict ? (
        <div className="cell-editor-conflict" id={messageId} role="alert" data-testid="inline-conflict">
          <p>{t('exportBulk.inline.conflict', { number: conflict.number, value: newer === '' ? t('exportBulk.inline.empty') : newer })}</p>
          <button type="button" className="btn btn-sm" onClick={reload} data-testid="inline-reload">
            {t('exportBulk.inline.reload')}
          </button>
        </div>
      ) : null}
      <div className="cell-editor-actions">
        <button type="button" className="btn btn-primary btn-sm" onClick={() => void save()} disabled={saving || conflict !== null} data-testid="inline-save">
          {saving ? t('exportBulk.inline.saving') : t('exportBulk.inline.save')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onClose('cancelled')} data-testid="inline-cancel">
          {t('exportBulk.inline.cancel')}
        </button>
      </div>
    </div>
  );
}
