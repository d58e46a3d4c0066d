import type { z } from 'zod';
import { invalidInput, type FieldIssue } from '../services/errors.js';

/** `["field", "options", 0]` → `field.options[0]`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text ? `${text}.${String(segment)}` : String(segment);
  }, '');
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper than any request of ours (a template is about 8 levels); walking stops here instead of recursing on. */
export const MAX_REQUEST_DEPTH = 64;
const MAX_REPORTED = 10;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Problems with the request's raw shape that no schema can see or should
 * have to, each with the path it was found at:
 * - keys that could reach an object's prototype (`__proto__`, `constructor`,
 *   `prototype`): parsers may silently drop them, and silence is not an answer;
 * - objects whose prototype is not a plain object's: firebase-functions'
 *   `decode()` copies keys by assignment, so `"__proto__": {...}` becomes the
 *   prototype and is no longer an own key a key check could see;
 * - `@type` wrappers that `decode()` leaves in place (unknown types);
 * - numbers that are not finite (`decode()` turns a `NaN` Int64Value into NaN);
 * - strings (values or keys) with unpaired UTF-16 surrogates, which Firestore
 *   cannot store as UTF-8;
 * - nesting deeper than `MAX_REQUEST_DEPTH`.
 * Iterative, so a deep request cannot overflow the stack here.
 */
export function findMalformedInput(value: unknown): FieldIssue[] {
  const found: FieldIssue[] = [];
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value, path: [] }];
  const report = (path: PropertyKey[], message: string) => found.push({ path: formatIssuePath(path) || '(request)', message });
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const { value: current, path } = stack.pop() as { value: unknown; path: PropertyKey[] };
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) report(path, 'contains an unpaired UTF-16 surrogate (malformed text)');
      continue;
    }
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) report(path, 'must be a finite number');
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= MAX_REQUEST_DEPTH) {
      report(path, `is nested too deeply (at most ${MAX_REQUEST_DEPTH} levels)`);
      continue;
    }
    if (Array.isArray(current)) {
      if (Object.getPrototypeOf(current) !== Array.prototype) report(path, 'is not a plain list');
      for (let index = current.length - 1; index >= 0; index--) stack.push({ value: current[index], path: [...path, index] });
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(current);
    if (proto !== Object.prototype && proto !== null) {
      report([...path, '__proto__'], 'is a reserved name and cannot be used as a key');
      continue;
    }
    const keys = Object.keys(current);
    if (keys.includes('@type')) {
      report([...path, '@type'], 'is a typed value wrapper, which the CRM does not accept; send plain JSON values');
      continue;
    }
    for (const key of keys.reverse()) {
      if (FORBIDDEN_KEYS.has(key)) report([...path, key], 'is a reserved name and cannot be used as a key');
      else if (LONE_SURROGATE.test(key)) report([...path, key], 'is a key with an unpaired UTF-16 surrogate (malformed text)');
      else stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return found;
}

/** Validates callable input; every problem is reported with the path of the field it concerns. */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const malformed = findMalformedInput(data);
  if (malformed.length > 0) throw invalidInput(malformed);
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
