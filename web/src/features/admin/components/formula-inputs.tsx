import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { FORMULA_RESULT_TYPES, type FormulaResultType } from '@crm/engine/formulas/formula-types.js';
import { gatherRelatedValues, previewFormula, previewPaths, type PreviewSample } from '@crm/engine/formulas/preview-formula.js';
import type { TRecordView } from '@crm/api';
import { callCrm } from '../../../lib/api/call-crm';
import { toUserError } from '../../../lib/api/to-user-error';
import { useBackend } from '../../../lib/firebase/backend-context';
import { useTenantSession } from '../../../lib/tenant/tenant-session';
import type { FieldFormValues } from './field-form-model';
import { formatFieldValue } from '../../../lib/format/format-value';

/** The values a formula may read from a record: its data and its system fields. */
function toPreviewSample(record: TRecordView): PreviewSample {
  return {
    data: record.data,
    system: { id: record.id, record_number: record.number, owner: record.ownerId, created_by: record.createdBy, updated_by: record.updatedBy, created_at: record.createdAt, updated_at: record.updatedAt },
  };
}

/**
 * The formula part of the field editor: result type, expression, and a live
 * preview that runs the server's own check (engine/formulas) on every
 * keystroke, with the problem's position, and the value on the module's
 * newest record. Relationship paths are read through crmGetRecord, as the
 * admin (so field-level security hides what it hides from them), bounded
 * like the server's own reads (engine/formulas/preview-formula.ts).
 */
export function FormulaInputs({ form, moduleSlug }: { form: UseFormReturn<FieldFormValues>; moduleSlug: string }) {
  const { t, i18n } = useTranslation();
  const session = useTenantSession();
  const { functions } = useBackend();
  const expression = form.watch('expression');
  const resultType = form.watch('resultType');
  const key = form.watch('key');
  // TODAY() previews as of when the editor opened: stable while typing.
  const [now] = useState(() => Date.now());
  const sample = useQuery({
    queryKey: ['formulas', 'sample', session.tenantId, moduleSlug],
    queryFn: async () => (await callCrm(functions, 'crmListRecords', { tenantId: session.tenantId, module: moduleSlug, pageSize: 1 })).records[0] ?? null,
    staleTime: 60_000,
  });
  const fieldsOf = useMemo(() => (slug: string) => session.config?.modules.find((module) => module.slug === slug)?.fields, [session.config]);
  const sampleRecord = sample.data ?? null;
  const paths = useMemo(
    () => (expression.trim() === '' ? [] : previewPaths({ module: moduleSlug, key, expression, resultType, fieldsOf })),
    [expression, resultType, key, moduleSlug, fieldsOf],
  );
  // Keyed by the paths, not the text: typing elsewhere in the expression reads nothing again.
  const pathKey = [...new Set(paths.map((ref) => ref.path.join('.')))].sort();
  const related = useQuery({
    queryKey: ['formulas', 'sample-related', session.tenantId, sampleRecord?.id ?? null, pathKey],
    enabled: sampleRecord !== null && pathKey.length > 0,
    staleTime: 60_000,
    queryFn: () =>
      gatherRelatedValues({
        paths,
        sample: sampleRecord ? toPreviewSample(sampleRecord) : null,
        loadRecord: async (recordId) => {
          try {
            const { record } = await callCrm(functions, 'crmGetRecord', { tenantId: session.tenantId, recordId });
            // A related record in the trash counts as blank, as on the server.
            return record.deleted ? null : toPreviewSample(record);
          } catch (error) {
            // Gone or not visible to this admin: blank, like an empty relationship.
            const { code } = toUserError(error);
            if (code === 'not-found' || code === 'permission-denied') return null;
            throw error;
          }
        },
      }),
  });
  const preview = useMemo(() => {
    if (expression.trim() === '') return null;
    return previewFormula({
      module: moduleSlug,
      key,
      expression,
      resultType,
      fieldsOf,
      sample: sampleRecord ? toPreviewSample(sampleRecord) : null,
      timeZone: session.config?.timezone ?? 'UTC',
      now,
      ...(related.data ? { related: related.data } : {}),
    });
  }, [expression, resultType, key, moduleSlug, sampleRecord, fieldsOf, session.config?.timezone, now, related.data]);
  const relatedPending = pathKey.length > 0 && sampleRecord !== null && related.isPending;
  const { errors } = form.formState;

  return (
    <>
      <label className="field">
        <span className="field-label">{t('formulas.resultType')}</span>
        <select {...form.register('resultType')} data-testid="formula-result-type">
          {FORMULA_RESULT_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`formulas.resultTypes.${type}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field field-wide">
        <span className="field-label">{t('formulas.expression')}</span>
        <textarea
          rows={3}
          spellCheck={false}
          {...form.register('expression')}
          data-testid="formula-expression"
          aria-invalid={errors.expression || (preview && !preview.ok) ? true : undefined}
          aria-describedby="formula-preview"
        />
        <span className="field-help">{t('formulas.expressionHint')}</span>
        {errors.expression?.message ? (
          <span className="field-error" role="alert">
            {errors.expression.message}
          </span>
        ) : null}
      </label>
      <div className="field field-wide" id="formula-preview" aria-live="polite" data-testid="formula-preview">
        <span className="field-label">{t('formulas.preview')}</span>
        {preview === null ? null : preview.ok ? (
          <span>
            <span className="muted small">
              {sample.data ? t('formulas.previewOn', { record: sample.data.display ?? sample.data.number }) : t('formulas.previewNoRecord')}
            </span>{' '}
            {relatedPending ? (
              <span className="muted small" data-testid="formula-preview-loading">
                {t('computedFields.preview.loadingRelated')}
              </span>
            ) : (
              <strong data-testid="formula-preview-value">
                {preview.value === null
                  ? t('formulas.previewBlank')
                  : // Shown as the list will show it: a money amount as money, a date in the user's language.
                    formatFieldValue({ key, type: 'formula', options: { expression, result_type: resultType as FormulaResultType } }, preview.value, i18n.language, null, { yes: t('records.yes'), no: t('records.no') })}
              </strong>
            )}
            {related.isError ? <span className="field-error">{t('computedFields.preview.relatedFailed')}</span> : null}
          </span>
        ) : (
          <span className="field-error" data-testid="formula-preview-error">
            {t('formulas.errorAt', { position: preview.problem.position + 1, message: preview.problem.message })}
            <code className="formula-caret" aria-hidden="true">
              {`\n${expression}\n${' '.repeat(Math.min(preview.problem.position, expression.length))}^`}
            </code>
          </span>
        )}
      </div>
    </>
  );
}
