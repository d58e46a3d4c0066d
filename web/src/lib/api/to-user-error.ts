import type { z } from 'zod';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** An error ready for the screen: one sentence, plus issues tied to inputs. */
export interface UserError {
  readonly code: string;
  readonly message: string;
  readonly issues: readonly FieldIssue[];
}

/** A request the client refused to send: the same issue shape as the server's `invalid-argument`. */
export class ClientValidationError extends Error {
  override readonly name = 'ClientValidationError';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '));
  }

  static fromZod(error: z.ZodError): ClientValidationError {
    return new ClientValidationError(error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })));
  }
}

/** `["data", "email"]` → `data.email`, `["fields", 0, "key"]` → `fields[0].key` (the server's format). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text ? `${text}.${String(segment)}` : String(segment);
  }, '');
}

/**
 * Sentences for failures whose server message is not meant for people
 * (transport problems, `internal`), keyed by the callable error code.
 */
const GENERIC_MESSAGES: Record<string, string> = {
  unavailable: 'The CRM server cannot be reached right now. Check your connection and try again.',
  'deadline-exceeded': 'The CRM server took too long to answer. Try again in a moment.',
  internal: 'Something went wrong on our side. Try again; if it keeps failing, contact support.',
  unknown: 'Something went wrong. Try again in a moment.',
  cancelled: 'The request was cancelled.',
  'resource-exhausted': 'Too many requests right now. Wait a moment and try again.',
  unauthenticated: 'Your session has ended. Sign in again.',
};

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

/** Turns whatever a callable threw into something to show next to what caused it. */
export function toUserError(error: unknown): UserError {
  if (error instanceof ClientValidationError) {
    return { code: 'invalid-argument', message: error.message, issues: error.issues };
  }
  if (typeof error === 'object' && error !== null) {
    const { code, message, details } = error as ErrorLike;
    const shortCode = typeof code === 'string' ? code.replace(/^functions\//, '') : 'unknown';
    const issues = readIssues(details);
    const serverMessage = typeof message === 'string' ? message : '';
    // The callable SDK reports a transport failure as `internal` with message "internal".
    const humane = serverMessage !== '' && serverMessage.toLowerCase() !== shortCode && shortCode !== 'internal';
    return {
      code: shortCode,
      message: humane ? serverMessage : (GENERIC_MESSAGES[shortCode] ?? GENERIC_MESSAGES.unknown ?? ''),
      issues,
    };
  }
  return { code: 'unknown', message: GENERIC_MESSAGES.unknown ?? '', issues: [] };
}

function readIssues(details: unknown): FieldIssue[] {
  if (typeof details !== 'object' || details === null) return [];
  const issues = (details as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    return typeof message === 'string' ? [{ path: typeof path === 'string' ? path : '', message }] : [];
  });
}

/**
 * Issues whose path starts with `prefix` (e.g. `data`), keyed by the next path
 * segment — the form input they belong to. Others are returned apart so they
 * still reach the user.
 */
export function issuesByInput(error: UserError, prefix: string): { byInput: Map<string, string>; rest: FieldIssue[] } {
  const byInput = new Map<string, string>();
  const rest: FieldIssue[] = [];
  const head = prefix === '' ? '' : `${prefix}.`;
  for (const issue of error.issues) {
    if (issue.path.startsWith(head)) {
      const key = issue.path.slice(head.length).split(/[.[]/)[0] ?? '';
      if (key !== '' && !byInput.has(key)) {
        byInput.set(key, issue.message);
        continue;
      }
    }
    rest.push(issue);
  }
  return { byInput, rest };
}
