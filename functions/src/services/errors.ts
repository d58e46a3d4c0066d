/**
 * The one error type services throw. Codes are ours; `toHttpsErrorCode` in the
 * API layer is the single place that maps them to callable error codes.
 */
export const CRM_ERROR_CODES = {
  unauthenticated: 'unauthenticated',
  invalidInput: 'invalid-input',
  notMember: 'not-member',
  crmNotEnabled: 'crm-not-enabled',
  forbidden: 'forbidden',
  notFound: 'not-found',
  alreadyExists: 'already-exists',
  templateLocked: 'template-locked',
  templateNotSelected: 'template-not-selected',
  versionConflict: 'version-conflict',
  precondition: 'precondition',
  contention: 'contention',
} as const;

export type CrmErrorCode = (typeof CRM_ERROR_CODES)[keyof typeof CRM_ERROR_CODES];

export type MessageParams = Readonly<Record<string, string | number>>;

export interface FieldIssue {
  /** Path of the offending input, e.g. `data.email` or `field.options`. */
  readonly path: string;
  /** English, for logs and API users. */
  readonly message: string;
  /** The same issue for the SPA to translate (`validation.required`, with `params.field`). */
  readonly messageKey?: string;
  readonly params?: MessageParams;
}

/**
 * Every code has a default message key the SPA translates (`errors.<code>`);
 * a throw site may name a more precise one. The English message stays for logs.
 */
export function defaultMessageKey(code: CrmErrorCode): string {
  return `errors.${code}`;
}

export interface CrmErrorDetail {
  /** A key in the SPA's dictionaries; defaults to `errors.<code>`. */
  readonly messageKey?: string;
  /** Values the translated sentence names (a record number, a module label). */
  readonly params?: MessageParams;
  /** The input the error is about, when there is one. */
  readonly field?: string;
}

export class CrmError extends Error {
  override readonly name = 'CrmError';
  readonly messageKey: string;
  readonly params: MessageParams;
  readonly field: string | undefined;
  constructor(
    readonly code: CrmErrorCode,
    /** A sentence a user can act on; never another tenant's identifiers. */
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    detail: CrmErrorDetail = {},
  ) {
    super(message);
    this.messageKey = detail.messageKey ?? defaultMessageKey(code);
    this.params = detail.params ?? {};
    this.field = detail.field;
  }
}

export function invalidInput(issues: readonly FieldIssue[], summary?: string, detail?: CrmErrorDetail): CrmError {
  const message =
    summary ?? issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return new CrmError(CRM_ERROR_CODES.invalidInput, message, issues, {
    params: { count: issues.length },
    field: issues.length === 1 ? issues[0]?.path : undefined,
    ...detail,
  });
}

export function isCrmError(error: unknown, code?: CrmErrorCode): error is CrmError {
  return error instanceof CrmError && (code === undefined || error.code === code);
}
