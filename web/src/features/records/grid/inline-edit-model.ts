import type { FieldDefinition } from '@crm/engine/fields/field-definition.js';
import { checkFieldValue, type FieldValueFailure } from '@crm/engine/fields/check-field-value.js';
import { fieldTypeModule, isFieldType } from '@crm/engine/fields/types/registry.js';
import type { TRecordView } from '@crm/api';
import { toWireValue } from '../forms/record-form-schema';

type Field = Pick<FieldDefinition, 'key' | 'label' | 'type' | 'required' | 'options' | 'validation'>;

/**
 * Fields a table cell (or a bulk edit) writes. Files need an upload (the record
 * form does it); computed fields (formulas, roll-ups) are the server's to
 * write; a field read-only for the user's role is shown, not offered.
 * Everything else edits with the same `<FieldInput>`.
 */
export function isInlineEditable(field: Pick<FieldDefinition, 'key' | 'type' | 'active'>, readOnly: ReadonlySet<string> = new Set()): boolean {
  return field.type !== 'file' && field.active !== false && !isComputedField(field) && !readOnly.has(field.key);
}

/** Formulas and roll-ups: the server computes them on every write. */
export function isComputedField(field: Pick<FieldDefinition, 'type'>): boolean {
  return isFieldType(field.type) && fieldTypeModule(field.type).traits.computed;
}

export type InlineCheck = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/**
 * The cell's input → the value to send, checked by the engine's own rule (the
 * server's), so the cell shows the server's message before any request.
 */
export function checkInlineValue(
  field: Field,
  input: unknown,
  { locale, describe }: { locale: string; describe: (failure: FieldValueFailure, field: Field) => string },
): InlineCheck {
  const wire = toWireValue(field, input, locale);
  const result = checkFieldValue(field, wire);
  return result.ok ? { ok: true, value: result.value } : { ok: false, message: describe(result, field) };
}

/** The server refused because the record moved on since the row was loaded (crmUpdateRecord's version check). */
export function isVersionConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'functions/aborted';
}

interface ListPages {
  readonly pages: ReadonlyArray<{ readonly records: readonly TRecordView[] }>;
}

/** The loaded list with one record replaced (a saved cell, a reloaded row), without refetching every page. */
export function replaceRecordInPages<T extends ListPages>(data: T | undefined, record: TRecordView): T | undefined {
  // The list's query keys prefix other queries too (its plan): leave what is not a list of pages alone.
  if (!data || !Array.isArray((data as { pages?: unknown }).pages)) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    if (!page.records.some((candidate) => candidate.id === record.id)) return page;
    changed = true;
    return { ...page, records: page.records.map((candidate) => (candidate.id === record.id ? record : candidate)) };
  });
  return changed ? ({ ...data, pages } as T) : data;
}
