import { MAX_PATH_HOPS, pathPrefixes } from '../paths/resolve-field-path.js';
import { lookupField, type RecordValues } from './evaluate-condition.js';

/**
 * What `{{...}}` placeholders can see. `data.x` is a field of the record,
 * `data.rel.x` a field of the record a relationship points at, and so on up
 * to MAX_PATH_HOPS hops (`data.patient.primary_doctor.email`); `data.rel`
 * alone the related record's display value.
 */
export interface InterpolationContext {
  readonly data: RecordValues;
  /** Related records by path prefix (`patient`, `patient.primary_doctor`), as conditions see them. */
  readonly related: Readonly<Record<string, RecordValues | null>>;
  /** Display values of relationship fields (what the record shows for `data.patient`). */
  readonly relatedDisplay: Readonly<Record<string, string | null>>;
  readonly record: Readonly<Record<string, unknown>>;
  readonly tenant: Readonly<Record<string, unknown>>;
  readonly owner: Readonly<Record<string, unknown>>;
  /** Dates in mails are written for people, in the tenant's zone (default UTC). */
  readonly timeZone?: string;
}

export const PLACEHOLDER_ROOTS = ['data', 'record', 'tenant', 'owner'] as const;
/** Keys the runtime fills in for the non-data roots; anything else is refused when a workflow is saved. */
export const PLACEHOLDER_KEYS: Readonly<Record<Exclude<(typeof PLACEHOLDER_ROOTS)[number], 'data'>, readonly string[]>> = {
  record: ['id', 'number', 'record_number', 'module', 'display', 'created_at', 'updated_at', 'owner'],
  tenant: ['id', 'name'],
  owner: ['uid', 'email', 'name'],
};

/** One `{{ path }}` in a template: where it starts and ends, and the trimmed path. */
interface Placeholder {
  readonly start: number;
  readonly end: number;
  readonly path: string;
}

/**
 * Finds `{{ path }}` placeholders (no brace inside) in one left-to-right
 * pass. This was the regex `/\{\{\s*([^{}]*?)\s*\}\}/g`, whose three
 * overlapping quantifiers backtrack cubically: a mail body of `{{` and 1,000
 * spaces took 3.5 s of CPU, and bodies may hold 20,000 characters. Same
 * matches; each character is looked at a bounded number of times.
 */
function findPlaceholders(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let from = 0;
  for (;;) {
    const start = template.indexOf('{{', from);
    if (start < 0) return found;
    let cursor = start + 2;
    while (cursor < template.length && template[cursor] !== '{' && template[cursor] !== '}') cursor++;
    if (template.startsWith('}}', cursor)) {
      found.push({ start, end: cursor + 2, path: template.slice(start + 2, cursor).trim() });
      from = cursor + 2;
    } else {
      // A brace that does not close the placeholder: a later `{{` may still start one (as in `{{{x}}`).
      from = start + 1;
    }
  }
}

export interface InterpolationResult {
  readonly text: string;
  /** Placeholders that had no value (rendered as empty), e.g. `data.patient.email`. */
  readonly missing: string[];
}

/**
 * Fills placeholders. With `escape: 'html'` every inserted value is
 * HTML-escaped (the template's own text is the admin's and stays as written);
 * a missing value renders as nothing and is reported, never as "undefined".
 */
export function interpolate({
  template,
  context,
  escape = 'none',
}: {
  template: string;
  context: InterpolationContext;
  escape?: 'html' | 'none';
}): InterpolationResult {
  const missing: string[] = [];
  const parts: string[] = [];
  let copied = 0;
  for (const { start, end, path } of findPlaceholders(template)) {
    parts.push(template.slice(copied, start));
    copied = end;
    const shown = formatValue(resolvePlaceholder(path, context), context.timeZone ?? 'UTC');
    if (shown === null) {
      if (!missing.includes(path)) missing.push(path);
      continue;
    }
    parts.push(escape === 'html' ? escapeHtml(shown) : shown);
  }
  parts.push(template.slice(copied));
  return { text: parts.join(''), missing };
}

export function resolvePlaceholder(path: string, context: InterpolationContext): unknown {
  const [root, key, hop, ...rest] = path.split('.');
  if (key === undefined) return undefined;
  switch (root) {
    case 'data': {
      if (hop === undefined) {
        const display = own(context.relatedDisplay, key);
        return display !== undefined && display !== null ? display : own(context.data, key);
      }
      if (rest.length >= MAX_PATH_HOPS) return undefined;
      return lookupField([key, hop, ...rest].join('.'), context.data, context.related);
    }
    case 'record':
    case 'tenant':
    case 'owner':
      return hop === undefined ? own(context[root], key) : undefined;
    default:
      return undefined;
  }
}

/** Placeholders a template uses, as paths (`data.patient.email`). */
export function placeholdersIn(template: string): string[] {
  return findPlaceholders(template).map((placeholder) => placeholder.path);
}

/** Problems with placeholders outside `data.*` (those are checked against the module's fields elsewhere). */
export function checkPlaceholderRoots(template: string): string[] {
  const problems: string[] = [];
  for (const path of placeholdersIn(template)) {
    const [root = '', key, ...rest] = path.split('.');
    if (root === 'data') {
      // Paths (fields, relationships, depth) are checked against the module's fields by the template checker.
      if (key === undefined) problems.push(`{{${path}}} must name a field, e.g. data.email or data.patient.primary_doctor.email`);
      continue;
    }
    if (!(root in PLACEHOLDER_KEYS)) {
      problems.push(`{{${path}}}: unknown placeholder; use data.*, record.*, tenant.* or owner.*`);
      continue;
    }
    const keys = PLACEHOLDER_KEYS[root as keyof typeof PLACEHOLDER_KEYS];
    if (key === undefined || rest.length > 0 || !keys.includes(key)) {
      problems.push(`{{${path}}}: ${root} has ${keys.map((k) => `${root}.${k}`).join(', ')}`);
    }
  }
  return problems;
}

/**
 * Relationship path prefixes whose related record a set of templates needs
 * (`data.patient.email` → `patient`; `data.patient.primary_doctor.email` →
 * `patient`, `patient.primary_doctor`).
 */
export function relatedKeysIn(templates: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const template of templates) {
    for (const path of placeholdersIn(template)) {
      const [root, ...rest] = path.split('.');
      if (root === 'data' && rest.every((part) => part !== '')) for (const prefix of pathPrefixes(rest)) keys.add(prefix);
    }
  }
  return [...keys];
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A stored date or datetime as a person reads it: `Tue, Dec 1, 2026` and
 * `Tue, Dec 1, 2026, 10:30 AM UTC` in the tenant's zone, not `2026-12-01T10:30:00.000Z`.
 */
function formatWhen(value: string | Date, timeZone: string): string | null {
  const dateOnly = typeof value === 'string' && ISO_DATE.test(value);
  const instant = dateOnly ? new Date(`${value}T12:00:00Z`) : new Date(value);
  if (Number.isNaN(instant.getTime())) return null;
  const options: Intl.DateTimeFormatOptions = dateOnly
    ? { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }
    : { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone };
  try {
    return new Intl.DateTimeFormat('en-US', options).format(instant);
  } catch {
    return new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' }).format(instant);
  }
}

/** null means "no value": undefined, null, empty string or empty list. */
function formatValue(value: unknown, timeZone: string): string | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date || (typeof value === 'string' && (ISO_DATE.test(value) || ISO_DATETIME.test(value)))) {
    return formatWhen(value, timeZone) ?? String(value);
  }
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => formatValue(item, timeZone)).filter((item): item is string => item !== null);
    return items.length > 0 ? items.join(', ') : null;
  }
  if (typeof value === 'object') {
    const name = (value as { name?: unknown }).name;
    return typeof name === 'string' ? name : JSON.stringify(value);
  }
  return null;
}

function own<T>(values: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : undefined;
}
