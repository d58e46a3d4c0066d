import { isHttpUrl, type Fail, type FieldValueResult } from './field-value-core.js';
import { fileNameOfUrl } from './cell-values.js';
import { NO_OPTIONS, PLAIN_TRAITS, type FieldTypeModule } from './field-type-module.js';

const MAX_FILE_NAME = 255;
const FILE_KEYS = new Set(['name', 'path', 'url', 'size', 'content_type']);

/** `{ name, path | url, size?, content_type? }`; no facet and no filter: a file is opened, not compared. */
export const fileFieldType: FieldTypeModule<'file'> = {
  type: 'file',
  traits: { ...PLAIN_TRAITS, valueKind: 'file', facet: false, canBeUnique: false },
  demo: { order: 4, value: (field) => (field.required ? { name: 'document.pdf', url: 'https://files.example.com/demo/document.pdf' } : undefined) },
  options: NO_OPTIONS,
  checkValue: (_field, value, fail) => checkFileValue(value, fail),
  emptyValue: () => null,
  facetValue: () => null,
  filterOperators: [],
  parseFilterInput: () => null,
  toWire: (input) => (typeof input === 'string' && input.trim() === '' ? null : input),
  toForm: (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null),
  display: (_field, value) =>
    typeof value === 'object' && value !== null && 'name' in value ? String((value as { name: unknown }).name) : '',
  // A file value is an uploaded object; a cell can only hold a link to one.
  fromCell: (_field, text) => (/^https?:\/\//i.test(text) ? { name: fileNameOfUrl(text), url: text } : text),
  toCell(_field, value, ctx) {
    const file = value as { name?: unknown; path?: unknown; url?: unknown };
    return String((ctx.formatted ? file.name : (file.path ?? file.url)) ?? '');
  },
};

function checkFileValue(value: unknown, fail: Fail): FieldValueResult {
  const shape = 'fileShape';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(shape);
  const entries = Object.entries(value);
  if (entries.some(([key]) => !FILE_KEYS.has(key))) return fail('fileUnexpectedKeys');
  const file = new Map(entries);
  const name = file.get('name');
  const path = file.get('path');
  const url = file.get('url');
  const size = file.get('size');
  const contentType = file.get('content_type');
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_FILE_NAME) return fail(shape);
  if (path === undefined && url === undefined) return fail('fileLocation');
  if (path !== undefined) {
    // Storage paths are resolved under the tenant's folder; refuse anything that could climb out of it.
    if (typeof path !== 'string' || path === '' || path.length > 1024 || path.startsWith('/') || path.split('/').includes('..')) {
      return fail('filePath');
    }
  }
  if (url !== undefined && (typeof url !== 'string' || url.length > 2048 || !isHttpUrl(url))) return fail('fileUrl');
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) return fail('fileSize');
  if (contentType !== undefined && (typeof contentType !== 'string' || contentType.length > 255)) return fail('fileContentType');
  const result: Record<string, unknown> = { name };
  if (path !== undefined) result.path = path;
  if (url !== undefined) result.url = url;
  if (size !== undefined) result.size = size;
  if (contentType !== undefined) result.content_type = contentType;
  return { ok: true, value: result };
}
