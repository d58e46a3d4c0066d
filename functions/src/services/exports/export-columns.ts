import type { FieldDefinition } from '../../engine/template/template-schema.js';
import { resolveLabel } from '../../engine/template/localized-text.js';
import { wallTimeAt } from '../../engine/time/zoned-time.js';
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
const YES_NO: Record<ExportLanguage, [string, string]> = { en: ['Yes', 'No'], es: ['Sí', 'No'] };

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
  const instant = (iso: string) => (format === 'raw' ? iso : formatInstant(iso, zone));
  const columns: ExportColumn[] = [{ key: 'number', header: header('number'), cell: (record) => record.number }];
  for (const field of fields) {
    columns.push({
      key: field.key,
      header: format === 'raw' ? field.key : resolveLabel(field.label, language) || field.key,
      cell: (record) => formatValue(field, record, { format, language, zone }),
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

function formatValue(
  field: FieldDefinition,
  record: RecordView,
  context: { format: ExportFormat; language: ExportLanguage; zone: string },
): ExportCell {
  const value = record.data[field.key];
  if (value === undefined || value === null) return null;
  const formatted = context.format === 'formatted';
  switch (field.type) {
    case 'number':
    case 'currency':
      return typeof value === 'number' ? value : String(value);
    case 'checkbox':
      if (!formatted) return value === true;
      return YES_NO[context.language][value === true ? 0 : 1];
    case 'datetime':
      return typeof value === 'string' && formatted ? formatInstant(value, context.zone) : String(value);
    case 'select':
      return formatted ? optionLabel(field, String(value), context.language) : String(value);
    case 'multi_select': {
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      return (formatted ? values.map((item) => optionLabel(field, item, context.language)) : values).join('; ');
    }
    case 'relationship': {
      if (!formatted) return String(value);
      return record.related[field.key]?.display ?? String(value);
    }
    case 'file': {
      const file = value as { name?: unknown; path?: unknown };
      return String((formatted ? file.name : file.path) ?? '');
    }
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function optionLabel(field: FieldDefinition, value: string, language: ExportLanguage): string {
  if (!Array.isArray(field.options)) return value;
  for (const option of field.options as unknown[]) {
    if (typeof option === 'string') {
      if (option === value) return option;
    } else if (typeof option === 'object' && option !== null && (option as { value?: unknown }).value === value) {
      const label = (option as { label?: Parameters<typeof resolveLabel>[0] }).label;
      return label ? resolveLabel(label, language) : value;
    }
  }
  return value;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-03-01 14:05` in the zone: what a person compares with the CRM's screens. */
export function formatInstant(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const wall = wallTimeAt(date, zone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}
