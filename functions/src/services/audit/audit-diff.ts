/**
 * A before/after diff of configuration values, as a list of changed paths.
 * Arrays of objects that carry a `key` or `slug` (fields, modules) are compared
 * by that identity, so inserting a field reads as one added field, not as every
 * later field changed. Bounded: an audit entry is one document (1 MiB, index
 * entries), and a template upgrade can touch hundreds of paths.
 */
export interface AuditChange {
  readonly path: string;
  /** JSON of the value before; null when the path did not exist. */
  readonly before: string | null;
  /** JSON of the value after; null when the path was removed. */
  readonly after: string | null;
}

export const AUDIT_DIFF_LIMITS = { changes: 200, valueChars: 2_000 } as const;

export function diffValues(before: unknown, after: unknown): { changes: AuditChange[]; truncated: boolean } {
  const changes: AuditChange[] = [];
  let truncated = false;
  const push = (path: string, from: unknown, to: unknown): void => {
    if (changes.length >= AUDIT_DIFF_LIMITS.changes) {
      truncated = true;
      return;
    }
    changes.push({ path: path || '(root)', before: toJson(from), after: toJson(to) });
  };
  walk('', normalize(before), normalize(after), push);
  return { changes, truncated };
}

function walk(path: string, before: unknown, after: unknown, push: (path: string, from: unknown, to: unknown) => void): void {
  if (sameJson(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) walk(join(path, key), before[key], after[key], push);
    return;
  }
  const keyedBefore = keyedArray(before);
  const keyedAfter = keyedArray(after);
  if (keyedBefore && keyedAfter) {
    const ids = new Set([...keyedBefore.keys(), ...keyedAfter.keys()]);
    for (const id of ids) walk(`${path}[${id}]`, keyedBefore.get(id), keyedAfter.get(id), push);
    return;
  }
  push(path, before, after);
}

/** Arrays of objects identified by `key` or `slug` (fields, modules), as a map; null otherwise. */
function keyedArray(value: unknown): Map<string, unknown> | null {
  if (!Array.isArray(value)) return null;
  const map = new Map<string, unknown>();
  for (const item of value) {
    if (!isPlainObject(item)) return null;
    const id = typeof item.key === 'string' ? item.key : typeof item.slug === 'string' ? item.slug : null;
    if (id === null || map.has(id)) return null;
    map.set(id, item);
  }
  return map;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Dates and `undefined` as JSON sees them, so a diff never reports a Date against its ISO string. */
function normalize(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length > AUDIT_DIFF_LIMITS.valueChars ? `${text.slice(0, AUDIT_DIFF_LIMITS.valueChars)}…` : text;
}
