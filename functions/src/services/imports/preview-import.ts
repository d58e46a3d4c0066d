import type { Readable } from 'node:stream';
import { validateRecordData } from '../../engine/fields/validate-record-data.js';
import type { DocumentStore } from '../../store/document-store.js';
import type { TenantConfig, ResolvedModule } from '../config/tenant-config.js';
import { buildPlan, draftRows, resolveRelations, spreadsheetRow, type RowError } from './import-slice.js';
import { importMessage } from './import-messages.js';
import type { ImportJobParams, ImportOptions } from './import-params.js';
import { readTable, type SourceFormat } from './read-table.js';

export const MAX_PREVIEW_ROWS = 50;

export interface PreviewCellError {
  /** The spreadsheet row (header = 1). */
  readonly row: number;
  readonly column: number | null;
  readonly field: string | null;
  readonly messageKey: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly message: string;
}

export interface PreviewResult {
  readonly header: string[];
  readonly rows: string[][];
  readonly errors: PreviewCellError[];
}

/**
 * The first rows of the file with every mapped cell checked as the job will
 * check it: the same coercion, relationship look-ups and engine validator
 * (record matching is the job's: the preview validates as for a new record,
 * or only the given cells in update-only mode).
 */
export async function previewImport({
  store,
  tenantId,
  config,
  module,
  input,
  format,
  options,
  language,
  limit,
}: {
  store: DocumentStore;
  tenantId: string;
  config: TenantConfig;
  module: ResolvedModule;
  input: Readable;
  format: SourceFormat;
  options: ImportOptions | null;
  language: 'en' | 'es';
  limit: number;
}): Promise<PreviewResult> {
  const table = readTable(input, format)[Symbol.asyncIterator]();
  const rows: string[][] = [];
  let header: string[] = [];
  try {
    const first = await table.next();
    if (!first.done) header = first.value;
    while (rows.length < limit) {
      const next = await table.next();
      if (next.done) break;
      rows.push(next.value);
    }
  } finally {
    await table.return?.(undefined);
  }
  if (!options) return { header, rows, errors: [] };
  const plan = buildPlan(config, module, options);
  plan.header = header;
  const params = { ...options, language } as unknown as ImportJobParams;
  const drafts = draftRows(plan, rows.map((cells, index) => ({ index, cells })));
  await resolveRelations(store, tenantId, plan, params, drafts);
  const errors: PreviewCellError[] = [];
  const columnOf = (fieldKey: string | null) => (fieldKey === null ? null : (plan.columns.find((entry) => entry.field?.key === fieldKey)?.column ?? null));
  const push = (index: number, error: RowError) => errors.push({ row: spreadsheetRow(index), column: columnOf(error.field), field: error.field, messageKey: error.messageKey, params: error.params, message: error.message });
  for (const draft of drafts) {
    for (const error of draft.errors) push(draft.index, error);
    const validated = validateRecordData({ fields: [...module.fields], data: draft.values, mode: options.mode === 'update' ? 'update' : 'create' });
    if (validated.ok) continue;
    for (const error of validated.errors) {
      const field = module.fields.find((candidate) => candidate.key === error.field) ?? null;
      // A relationship already reported as unresolved is not also "required".
      if (field && draft.errors.some((existing) => existing.field === field.key)) continue;
      const params = { ...(error.params ?? {}), ...(field ? { field: labelFor(field.label, language, field.key) } : {}) };
      const messageKey = error.messageKey ?? 'validation.unknownField';
      push(draft.index, { column: '', field: field?.key ?? null, messageKey, params, message: importMessage(messageKey, params, language) });
    }
  }
  return { header, rows, errors };
}

function labelFor(label: unknown, language: string, fallback: string): string {
  if (typeof label === 'string') return label;
  if (label && typeof label === 'object') {
    const map = label as Record<string, unknown>;
    const text = map[language] ?? map.en;
    if (typeof text === 'string') return text;
  }
  return fallback;
}
