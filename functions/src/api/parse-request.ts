import type { z } from 'zod';
import { invalidInput } from '../services/errors.js';

/** `["field", "options", 0]` → `field.options[0]`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text ? `${text}.${String(segment)}` : String(segment);
  }, '');
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Paths of keys that could reach an object's prototype. They are refused
 * before parsing because parsers may silently drop them (a `__proto__` own
 * property vanishes when copied by assignment), and silence is not an answer.
 */
export function findForbiddenKeys(value: unknown, path: PropertyKey[] = [], found: string[] = []): string[] {
  if (found.length >= 10 || typeof value !== 'object' || value === null) return found;
  if (Array.isArray(value)) {
    value.forEach((item, index) => findForbiddenKeys(item, [...path, index], found));
    return found;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) found.push(formatIssuePath([...path, key]));
    else findForbiddenKeys((value as Record<string, unknown>)[key], [...path, key], found);
  }
  return found;
}

/** Validates callable input; every problem is reported with the path of the field it concerns. */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const forbidden = findForbiddenKeys(data);
  if (forbidden.length > 0) {
    throw invalidInput(forbidden.map((path) => ({ path, message: 'is a reserved name and cannot be used as a key' })));
  }
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
    const path = formatIssuePath(issue.path);
    return {
      path: keys.length > 0 ? keys.map((key) => (path ? `${path}.${key}` : key)).join(', ') : path || '(request)',
      message: keys.length > 0 ? 'is not a known field' : issue.message,
    };
  });
  throw invalidInput(issues);
}
