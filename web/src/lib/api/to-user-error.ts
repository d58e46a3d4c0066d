import type { z } from 'zod';

export type MessageParams = Readonly<Record<string, string | number>>;

export interface FieldIssue {
  readonly path: string;
  /** In the user's language when the server sent a key this SPA knows; else the server's English. */
  readonly message: string;
  /** The server's key and parameters, so a form can say it again with the field's label in the user's language. */
  readonly messageKey?: string;
  readonly params?: MessageParams;
}

/** An error ready for the screen: one sentence, plus issues tied to inputs. */
export interface UserError {
  readonly code: string;
  readonly message: string;
  readonly issues: readonly FieldIssue[];
}

/** The part of an i18next instance errors need; `createI18n` binds the app's instance. */
export interface ErrorTranslator {
  readonly language: string;
  t(key: string, params?: Record<string, unknown>): string;
  exists(key: string, params?: Record<string, unknown>): boolean;
}

let activeTranslator: ErrorTranslator | null = null;

/**
 * The instance toUserError speaks through. Module state, because errors are
 * turned into sentences in many places outside React's tree (mutation
 * callbacks, loaders); each app mount has one instance and binds it at start.
 */
export function bindErrorTranslator(translator: ErrorTranslator | null): void {
  activeTranslator = translator;
}

/** A key in the user's language, or undefined when this SPA has no such key (an older or newer server). */
export function translateKey(key: string | undefined, params: MessageParams = {}, translator = activeTranslator): string | undefined {
  if (!key || !translator || !translator.exists(key, params)) return undefined;
  return translator.t(key, params);
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
 * (transport problems, `internal`), keyed by the callable error code; the
 * dictionaries hold them as `errors.transport.<code>`, these are the
 * fallback when no translator is bound (tests, a failed start).
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

function genericMessage(code: string): string {
  const known = code in GENERIC_MESSAGES ? code : 'unknown';
  return translateKey(`errors.transport.${known}`) ?? GENERIC_MESSAGES[known] ?? '';
}

interface WireDetails {
  messageKey?: unknown;
  params?: unknown;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

/**
 * Turns whatever a callable threw into something to show next to what caused
 * it, in the user's language: the server sends `details.messageKey` and
 * `details.params` (its English `message` is for logs). A code's default key
 * (`errors.<code>`) is vaguer than the server's English, so in English the
 * server's sentence is kept; a specific key is used in every language.
 */
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
    if (!humane) return { code: shortCode, message: genericMessage(shortCode), issues };
    const { messageKey, params } = readKey(details);
    const isCodeDefault = messageKey !== undefined && /^errors\.[a-z-]+$/.test(messageKey);
    const inEnglish = (activeTranslator?.language ?? 'en').startsWith('en');
    const translated = isCodeDefault && inEnglish ? undefined : translateKey(messageKey, params);
    return { code: shortCode, message: translated ?? serverMessage, issues };
  }
  return { code: 'unknown', message: genericMessage('unknown'), issues: [] };
}

function readKey(details: unknown): { messageKey: string | undefined; params: MessageParams } {
  if (typeof details !== 'object' || details === null) return { messageKey: undefined, params: {} };
  const { messageKey, params } = details as WireDetails;
  return { messageKey: typeof messageKey === 'string' ? messageKey : undefined, params: readParams(params) };
}

function readParams(value: unknown): MessageParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number'),
  );
}

function readIssues(details: unknown): FieldIssue[] {
  if (typeof details !== 'object' || details === null) return [];
  const issues = (details as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown): FieldIssue[] => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message, messageKey, params } = issue as { path?: unknown; message?: unknown; messageKey?: unknown; params?: unknown };
    if (typeof message !== 'string') return [];
    const key = typeof messageKey === 'string' ? messageKey : undefined;
    const values = readParams(params);
    const base = { path: typeof path === 'string' ? path : '', message: translateKey(key, values) ?? message };
    return key === undefined ? [base] : [{ ...base, messageKey: key, params: values }];
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
