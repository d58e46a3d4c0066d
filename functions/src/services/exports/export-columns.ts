import type { FieldDefinition } from '../../engine/template/template-schema.js';
import { formatCellInstant } from '../../engine/fields/types/cell-values.js';
import { resolveLabel } from '../../engine/template/localized-text.js';
import { valueToCell } from '../../engine/fields/types/registry.js';
import type { ResolvedModule } from '../config/tenant-config.js';
import type { RecordView } from '../records/record-model.js';
import { neutralizeExportCell, type ExportCell } from './neutralize-cell.js';

/**
 * What an export puts in each column. `formatted`: what a person reads in the
 * CRM (option labels in the user's language, related records by their
 * display value, instants as wall time in the tenant's zone). `raw`: what the
 * CRM stores (option values, related record ids, ISO instants), the form an
 * import takes back.
 */
export type ExportFormat = 'formatted' | 'raw';
export type ExportLanguage = 'en' | 'es';

export interface ExportColumn {
  readonly key: string;
  readonly header: string;
  readonly cell: (record: RecordView) => ExportCell;
}

export interface ExportColumnOptions {
  readonly module: ResolvedModule;
  /** Field-level security: fields the exporting caller may not read get no column (not even a header). */
  readonly canRead?: (fieldKey: string) => boolean;
  /** Field keys in order (the list view's columns); absent: every active field of the module. */
  readonly fields?: readonly string[] | undefined;
  readonly format: ExportFormat;
  readonly language: ExportLanguage;
  /** IANA zone of the tenant; absent means UTC. */
  readonly timeZone?: string | undefined;
}

const SYSTEM_HEADERS: Record<ExportLanguage, Record<'number' | 'owner' | 'created_at' | 'updated_at', string>> = {
  en: { number: 'Number', owner: 'Owner', created_at: 'Created', updated_at: 'Updated' },
  es: { number: 'Número', owner: 'Propietario', created_at: 'Creado', updated_at: 'Actualizado' },
};
const YES_NO: Record<ExportLanguage, { yes: string; no: string }> = { en: { yes: 'Yes', no: 'No' }, es: { yes: 'Sí', no: 'No' } };

/** The columns of one export: the record number first, then the fields, then owner and times. */
export function exportColumns(options: ExportColumnOptions): ExportColumn[] {
  const { module, format, language } = options;
  const zone = options.timeZone ?? 'UTC';
  const byKey = new Map(module.fields.map((field) => [field.key, field]));
  const readable = options.canRead ?? (() => true);
  const fields = (options.fields
    ? options.fields.flatMap((key) => (byKey.has(key) ? [byKey.get(key) as FieldDefinition] : []))
    : module.activeFields
  ).filter((field) => readable(field.key));
  const system = SYSTEM_HEADERS[language];
  const header = (key: keyof typeof system) => (format === 'raw' ? key : system[key]);
  const instant = (iso: string) => (format === 'raw' ? iso : formatCellInstant(iso, zone));
  const context = { formatted: format === 'formatted', language, zone, yesNo: YES_NO[language] };
  const columns: ExportColumn[] = [{ key: 'number', header: header('number'), cell: (record) => record.number }];
  for (const field of fields) {
    columns.push({
      key: field.key,
      header: format === 'raw' ? field.key : resolveLabel(field.label, language) || field.key,
      cell: (record) => valueToCell(field, record.data[field.key], { ...context, relatedDisplay: record.related[field.key]?.display }),
    });
  }
  columns.push(
    { key: 'owner', header: header('owner'), cell: (record) => record.ownerId },
    { key: 'created_at', header: header('created_at'), cell: (record) => instant(record.createdAt) },
    { key: 'updated_at', header: header('updated_at'), cell: (record) => instant(record.updatedAt) },
  );
  return columns;
}

/** One record as a row of neutralised cells, in column order. */
export function exportRow(columns: readonly ExportColumn[], record: RecordView): ExportCell[] {
  return columns.map((column) => neutralizeExportCell(column.cell(record)));
}
