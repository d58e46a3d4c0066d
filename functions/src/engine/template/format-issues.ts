import type { z } from 'zod';
import type { MessageParams } from '../fields/field-value-messages.js';

/** `messageKey` / `params`, when set, say the same as `message` for the SPA to translate. */
export type TemplateError = { path: string; message: string; messageKey?: string; params?: MessageParams };
type Issue = z.core.$ZodIssue;

/** ["field_schemas", "patients", 2, "options"] → "field_schemas.patients[2].options". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? `${out === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out === '' ? '(root)' : out;
}

/** Turns zod issues into one readable message per problem, using the input to say what was found. */
export function zodIssuesToErrors(issues: readonly Issue[], input: unknown, prefix: readonly PropertyKey[] = []): TemplateError[] {
  return issues.flatMap((issue) => issueToErrors(issue, input, [...prefix, ...issue.path]));
}

const DEFAULT_MESSAGE_PREFIXES = ['Invalid input', 'Too small', 'Too big', 'Invalid option', 'Invalid string', 'Unrecognized key', 'Invalid discriminator', 'Invalid key', 'Invalid element'];

function isDefaultMessage(message: string): boolean {
  return DEFAULT_MESSAGE_PREFIXES.some((prefix) => message.startsWith(prefix));
}

function issueToErrors(issue: Issue, input: unknown, path: PropertyKey[]): TemplateError[] {
  const at = (message: string, where: readonly PropertyKey[] = path): TemplateError[] => [{ path: formatPath(where), message }];
  const found = valueAt(input, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.flatMap((key) =>
        path.length === 1 && path[0] === 'permissions_matrix'
          ? at(`unknown role "${key}"; expected one of: owner, admin, member`, [...path, key])
          : at(`unknown key "${key}"`, [...path, key]),
      );
    case 'invalid_union': {
      if ('discriminator' in issue && 'note' in issue && issue.note === 'No matching discriminator') {
        if (found === undefined) return at('is required');
        const noun = path.includes('actions') ? 'action type' : path.includes('widgets') ? 'widget type' : String(issue.discriminator);
        const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String).join(', ') : '';
        return at(`unknown ${noun} ${JSON.stringify(found)}; expected one of: ${options}`);
      }
      if (!isDefaultMessage(issue.message) || issue.errors.length === 0) return at(found === undefined ? 'is required' : issue.message);
      // Report the branch the input came closest to, not every alternative.
      const best = [...issue.errors].sort((a, b) => branchScore(a) - branchScore(b))[0] ?? [];
      return best.flatMap((sub) => issueToErrors(sub, input, [...path, ...sub.path]));
    }
    case 'invalid_key': {
      const reasons = issue.issues.map((sub) => (isDefaultMessage(sub.message) ? 'is not a valid name' : sub.message));
      return at(`invalid key: ${reasons.join('; ')}`);
    }
    case 'invalid_type':
      if (!isDefaultMessage(issue.message)) return at(issue.message);
      return at(found === undefined ? 'is required' : `must be ${withArticle(issue.expected)}, not ${describe(found)}`);
    case 'invalid_value':
      if (!isDefaultMessage(issue.message)) return at(issue.message);
      if (found === undefined) return at('is required');
      return at(`must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of: ${issue.values.map(String).join(', ')}`} (got ${JSON.stringify(found)})`);
    case 'too_small':
      if (!isDefaultMessage(issue.message)) return at(issue.message);
      return at(sizeMessage('at least', issue.origin, issue.minimum, issue.inclusive));
    case 'too_big':
      if (!isDefaultMessage(issue.message)) return at(issue.message);
      return at(sizeMessage('at most', issue.origin, issue.maximum, issue.inclusive));
    case 'invalid_format':
      if (!isDefaultMessage(issue.message)) return at(issue.message);
      return at(issue.format === 'regex' && 'pattern' in issue ? `must match ${String(issue.pattern)}` : `must be a valid ${issue.format}`);
    default:
      return at(issue.message);
  }
}

function branchScore(issues: readonly Issue[]): number {
  // A branch that failed on the value's basic type at its root is the least likely intended one.
  const rootMismatch = issues.filter((issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'unrecognized_keys')).length;
  return rootMismatch * 1000 + issues.length;
}

function sizeMessage(bound: string, origin: string, limit: number | bigint, inclusive: boolean | undefined): string {
  const n = Number(limit);
  switch (origin) {
    case 'string':
      return n === 1 && bound === 'at least' ? 'must not be empty' : `must be ${bound} ${n} characters`;
    case 'array':
    case 'set':
      return n === 1 && bound === 'at least' ? 'must not be empty' : `must have ${bound} ${n} items`;
    default:
      return inclusive === false ? `must be ${bound === 'at least' ? 'greater' : 'less'} than ${n}` : `must be ${bound} ${n}`;
  }
}

function withArticle(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object' || expected === 'record') return 'an object';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}
