import type { z } from 'zod';
import { invalidInput } from '../services/errors.js';

/** `["field", "options", 0]` → `field.options[0]`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text ? `${text}.${String(segment)}` : String(segment);
  }, '');
}

/** Validates callable input; every problem is reported with the path of the field it concerns. */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
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
