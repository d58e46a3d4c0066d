import { formatPath } from '@crm/engine/template/format-issues.js';

/**
 * A draft is edited as plain JSON (it may be invalid while work is in
 * progress; the validator says where). These helpers read and write it
 * immutably by path, so the form and the JSON view edit the same object.
 */
export type Json = unknown;
export type TemplateDoc = Record<string, Json>;
export type PathPart = string | number;

export const LANGUAGE_FALLBACK = 'en';

export function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

export function getIn(doc: Json, path: readonly PathPart[]): Json {
  let current: Json = doc;
  for (const part of path) {
    if (typeof part === 'number') current = Array.isArray(current) ? current[part] : undefined;
    else current = isRecord(current) ? current[part] : undefined;
  }
  return current;
}

/** Copy-on-write set; `undefined` removes an object key (arrays keep their length). */
export function setIn<T extends Json>(doc: T, path: readonly PathPart[], value: Json): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [PathPart, ...PathPart[]];
  if (typeof head === 'number') {
    const list = Array.isArray(doc) ? [...(doc as Json[])] : [];
    list[head] = setIn(list[head], rest, value);
    return list as T;
  }
  const object: Record<string, Json> = isRecord(doc) ? { ...doc } : {};
  const next = setIn(object[head], rest, value);
  if (next === undefined) delete object[head];
  else object[head] = next;
  return object as T;
}

export function pathText(path: readonly PathPart[]): string {
  return formatPath(path);
}

/** Languages the template's labels are written in: its `languages`, English first and always. */
export function templateLanguages(doc: TemplateDoc): string[] {
  const listed = asArray(doc.languages).filter((code): code is string => typeof code === 'string');
  return [LANGUAGE_FALLBACK, ...listed.filter((code) => code !== LANGUAGE_FALLBACK)];
}

/** One language of a label: a plain string is the English text. */
export function readLocalized(text: Json, language: string): string {
  if (typeof text === 'string') return language === LANGUAGE_FALLBACK ? text : '';
  if (isRecord(text)) {
    const value = text[language];
    return typeof value === 'string' ? value : '';
  }
  return '';
}

/**
 * Writes one language of a label. A plain string stays a string while only
 * English is edited; a translation turns it into `{ en, es, ... }`. An
 * emptied translation is dropped (English stays, even empty, so the
 * validator can say it is required).
 */
export function writeLocalized(text: Json, language: string, value: string): Json {
  if (typeof text === 'string' || text === undefined) {
    if (language === LANGUAGE_FALLBACK) return value;
    if (value === '') return text;
    return { [LANGUAGE_FALLBACK]: typeof text === 'string' ? text : '', [language]: value };
  }
  const map: Record<string, Json> = isRecord(text) ? { ...text } : {};
  if (value === '' && language !== LANGUAGE_FALLBACK) delete map[language];
  else map[language] = value;
  return map;
}

export interface ModuleRef {
  readonly index: number;
  readonly slug: string;
  readonly module: Record<string, Json>;
}

export function modulesOf(doc: TemplateDoc): ModuleRef[] {
  return asArray(doc.enabled_modules).flatMap((module, index) =>
    isRecord(module) ? [{ index, slug: typeof module.slug === 'string' ? module.slug : '', module }] : [],
  );
}

export function fieldsOf(doc: TemplateDoc, slug: string): Json[] {
  return asArray(getIn(doc, ['field_schemas', slug]));
}

/** The module's status field key: its `status_field`, else a select field called `status`. */
export function statusFieldKey(doc: TemplateDoc, slug: string): string | null {
  const module = modulesOf(doc).find((ref) => ref.slug === slug)?.module;
  if (module && typeof module.status_field === 'string') return module.status_field;
  const status = fieldsOf(doc, slug).find((field) => isRecord(field) && field.key === 'status' && field.type === 'select');
  return status ? 'status' : null;
}

export function optionValue(option: Json): string {
  if (typeof option === 'string') return option;
  return isRecord(option) && typeof option.value === 'string' ? option.value : '';
}

function renameOption(option: Json, from: string, to: string): Json {
  if (typeof option === 'string') return option === from ? to : option;
  if (isRecord(option) && option.value === from) return { ...option, value: to };
  return option;
}

/**
 * Renames a status everywhere a template states it (the module's
 * `default_statuses` and the status field's options) and records how stored
 * records move: a `map_values` migration step for this version. Renaming a
 * status twice keeps one mapping from the original value.
 */
export function renameStatus(doc: TemplateDoc, slug: string, from: string, to: string): TemplateDoc {
  if (from === to || to.trim() === '') return doc;
  const moduleRef = modulesOf(doc).find((ref) => ref.slug === slug);
  if (!moduleRef) return doc;
  let next = doc;
  const statuses = asArray(moduleRef.module.default_statuses);
  next = setIn(next, ['enabled_modules', moduleRef.index, 'default_statuses'], statuses.map((status) => (status === from ? to : status)));
  const key = statusFieldKey(next, slug);
  if (key === null) return next;
  const fields = fieldsOf(next, slug);
  const fieldIndex = fields.findIndex((field) => isRecord(field) && field.key === key);
  if (fieldIndex >= 0) {
    const options = asArray(getIn(next, ['field_schemas', slug, fieldIndex, 'options']));
    next = setIn(next, ['field_schemas', slug, fieldIndex, 'options'], options.map((option) => renameOption(option, from, to)));
  }
  return addValueMapping(next, { module: slug, field: key, from, to });
}

/** Adds `from → to` to this version's `map_values` step for the field (creating it), following earlier renames. */
export function addValueMapping(doc: TemplateDoc, { module, field, from, to }: { module: string; field: string; from: string; to: string }): TemplateDoc {
  const version = typeof doc.version === 'string' ? doc.version : undefined;
  const steps = asArray(doc.migrations);
  const index = steps.findIndex(
    (step) =>
      isRecord(step) &&
      step.type === 'map_values' &&
      step.module === module &&
      step.field === field &&
      (step.version === undefined || step.version === version),
  );
  const existing = index >= 0 && isRecord(steps[index]) ? (steps[index] as Record<string, Json>) : null;
  const map: Record<string, Json> = { ...(isRecord(existing?.map) ? existing.map : {}) };
  // A value renamed again: whatever already mapped to `from` now maps to `to`.
  const chained = Object.entries(map).filter(([, target]) => target === from).map(([source]) => source);
  for (const source of chained) map[source] = to;
  if (chained.length === 0) map[from] = to;
  // Renamed back to an original value: that mapping is no longer a move.
  for (const [source, target] of Object.entries(map)) if (source === target) delete map[source];
  const nextSteps = [...steps];
  if (Object.keys(map).length === 0) {
    if (index >= 0) nextSteps.splice(index, 1);
  } else if (existing) {
    nextSteps[index] = { ...existing, map };
  } else {
    nextSteps.push({ type: 'map_values', module, field, map });
  }
  return setIn(doc, ['migrations'], nextSteps.length > 0 ? nextSteps : undefined);
}

/** Adds a status to the module and to its status field's options. */
export function addStatus(doc: TemplateDoc, slug: string, status: string): TemplateDoc {
  const moduleRef = modulesOf(doc).find((ref) => ref.slug === slug);
  if (!moduleRef || status.trim() === '') return doc;
  let next = setIn(doc, ['enabled_modules', moduleRef.index, 'default_statuses'], [...asArray(moduleRef.module.default_statuses), status]);
  const key = statusFieldKey(next, slug);
  const fieldIndex = fieldsOf(next, slug).findIndex((field) => isRecord(field) && field.key === key);
  if (fieldIndex >= 0) {
    const options = asArray(getIn(next, ['field_schemas', slug, fieldIndex, 'options']));
    next = setIn(next, ['field_schemas', slug, fieldIndex, 'options'], [...options, status]);
  }
  return next;
}

export function removeStatus(doc: TemplateDoc, slug: string, status: string): TemplateDoc {
  const moduleRef = modulesOf(doc).find((ref) => ref.slug === slug);
  if (!moduleRef) return doc;
  let next = setIn(doc, ['enabled_modules', moduleRef.index, 'default_statuses'], asArray(moduleRef.module.default_statuses).filter((value) => value !== status));
  const key = statusFieldKey(next, slug);
  const fieldIndex = fieldsOf(next, slug).findIndex((field) => isRecord(field) && field.key === key);
  if (fieldIndex >= 0) {
    const options = asArray(getIn(next, ['field_schemas', slug, fieldIndex, 'options']));
    next = setIn(next, ['field_schemas', slug, fieldIndex, 'options'], options.filter((option) => optionValue(option) !== status));
  }
  return next;
}

export function removeAt(doc: TemplateDoc, path: readonly PathPart[], index: number): TemplateDoc {
  const list = asArray(getIn(doc, path));
  return setIn(doc, path, list.filter((_, at) => at !== index));
}

export function appendAt(doc: TemplateDoc, path: readonly PathPart[], value: Json): TemplateDoc {
  return setIn(doc, path, [...asArray(getIn(doc, path)), value]);
}

/** A new module: added to enabled_modules with an empty field list and no permissions yet. */
export function addModule(doc: TemplateDoc, module: { slug: string; label: Json; label_plural?: Json }): TemplateDoc {
  const next = appendAt(doc, ['enabled_modules'], { ...module, order: modulesOf(doc).length + 1 });
  return setIn(next, ['field_schemas', module.slug], fieldsOf(next, module.slug));
}

/** Removes a module and everything keyed by it (fields, workflows, permissions, migrations). */
export function removeModule(doc: TemplateDoc, slug: string): TemplateDoc {
  let next = setIn(doc, ['enabled_modules'], asArray(doc.enabled_modules).filter((module) => !(isRecord(module) && module.slug === slug)));
  next = setIn(next, ['field_schemas', slug], undefined);
  next = setIn(next, ['workflow_schemas', slug], undefined);
  const matrix = isRecord(next.permissions_matrix) ? next.permissions_matrix : {};
  for (const role of Object.keys(matrix)) next = setIn(next, ['permissions_matrix', role, slug], undefined);
  return next;
}

export const MATRIX_ROLES = ['owner', 'admin', 'member'] as const;
export const MATRIX_ACTIONS = ['*', 'create', 'read', 'read_own', 'update', 'update_own', 'delete', 'delete_own', 'export'] as const;

export function hasAction(doc: TemplateDoc, role: string, slug: string, action: string): boolean {
  return asArray(getIn(doc, ['permissions_matrix', role, slug])).includes(action);
}

export function toggleAction(doc: TemplateDoc, role: string, slug: string, action: string, on: boolean): TemplateDoc {
  const current = asArray(getIn(doc, ['permissions_matrix', role, slug])).filter((value) => value !== action);
  const ordered = on ? MATRIX_ACTIONS.filter((candidate) => candidate === action || current.includes(candidate)) : current;
  return setIn(doc, ['permissions_matrix', role, slug], ordered);
}

export interface PathError {
  readonly path: string;
  readonly message: string;
}

/** Errors at `path` or inside it (`field_schemas.patients[3]` claims `field_schemas.patients[3].key`). */
export function errorsUnder(errors: readonly PathError[], path: string): PathError[] {
  return errors.filter((error) => error.path === path || error.path.startsWith(`${path}.`) || error.path.startsWith(`${path}[`));
}

/** A blank template to start from: valid once it is named and has a module. */
export function blankTemplate(): TemplateDoc {
  return {
    name: 'New template',
    slug: 'new-template',
    industry_type: 'General',
    description: '',
    version: '1.0.0',
    default_language: 'en',
    languages: ['en', 'es'],
    enabled_modules: [],
    field_schemas: {},
    workflow_schemas: {},
    dashboard_layout: {},
    permissions_matrix: {},
  };
}
